package dev.portaltoken.util;

/**
 * A component with background work, in the manner of Dropwizard's {@code Managed}: its constructor
 * or factory starts no thread; {@link Lifecycle#start} starts it once, handing it the named
 * schedulers it runs its work on, and closes it in the reverse order of starting.
 */
public interface Managed extends AutoCloseable {
    /**
     * Begins the background work: every thread it needs comes from {@code tasks}, never its own.
     * Called once, after everything it uses is built.
     */
    void start(BackgroundTasks tasks);

    /** Stops the background work (its tasks) and releases what it holds. Idempotent; never throws. */
    @Override
    void close();
}
