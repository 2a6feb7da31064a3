package dev.portaltoken.util;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a process started, closed in the reverse order of starting, exactly once: whether
 * start-up fails half way, the work ends, or the JVM exits ({@link #closeOnExit}). It has a start
 * phase: a {@link Managed} component is built first and then {@linkplain #start started} here with
 * the named schedulers of {@link #tasks()}, whose threads all end after the last component closed.
 * A failure to close one thing is logged and the rest are still closed. Thread-safe.
 */
public final class Lifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final BackgroundTasks tasks = new BackgroundTasks();
    private boolean closed; // guarded by this
    private Thread exitHook; // guarded by this
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Runnable onExit = this::close;

    /** The named schedulers the started components run on; closed after them. */
    public BackgroundTasks tasks() {
        return tasks;
    }

    /**
     * Remembers {@code thing}, already started, to be closed before everything started earlier; returns it.
     *
     * @throws IllegalStateException when this is closed already (the JVM is exiting): {@code thing} is closed at once
     */
    public <T extends AutoCloseable> T add(T thing) {
        synchronized (this) {
            if (!closed) {
                started.push(thing);
                return thing;
            }
        }
        closeLogged(thing);
        throw new IllegalStateException("stopping: " + thing + " was closed as it started");
    }

    /** Starts {@code component} with {@link #tasks()} and remembers it as {@link #add} does; returns it. */
    public <T extends Managed> T start(T component) {
        add(component);
        component.start(tasks);
        return component;
    }

    /**
     * From now on the JVM's exit (a signal's default action, {@code System.exit}) runs this
     * lifecycle's exit action in its one shutdown hook: {@link #close} unless {@link #onExit} set
     * another (a server drains first). The hook is removed when this closes otherwise.
     */
    public synchronized Lifecycle closeOnExit() {
        if (exitHook == null && !closed) {
            exitHook = new Thread(() -> onExit.run(), "lifecycle-exit");
            Runtime.getRuntime().addShutdownHook(exitHook);
        }
        return this;
    }

    /** What the shutdown hook of {@link #closeOnExit} does; it must close this lifecycle in the end. */
    public void onExit(Runnable action) {
        this.onExit = action;
    }

    @Override
    public void close() {
        Deque<AutoCloseable> toClose = null;
        synchronized (this) {
            if (!closed) {
                closed = true;
                toClose = new ArrayDeque<>(started);
                started.clear();
                if (exitHook != null && Thread.currentThread() != exitHook) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(exitHook);
                    } catch (IllegalStateException e) {
                        // the JVM is exiting: the hook runs anyway and finds this closed
                    }
                }
            }
        }
        if (toClose == null) {
            awaitClosed();
            return;
        }
        try {
            while (!toClose.isEmpty()) {
                closeLogged(toClose.pop());
            }
            tasks.close();
        } finally {
            done.countDown();
        }
    }

    /** A second closer (the exit hook while the server stops) returns once the first has closed everything. */
    private void awaitClosed() {
        try {
            if (!done.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("still stopping after {} s; not waiting longer", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeLogged(AutoCloseable thing) {
        try {
            thing.close();
        } catch (Exception e) {
            LOG.warn("while stopping {}: {}", thing, e.toString());
        }
    }
}
