package dev.portaltoken.server;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the server started, closed in the reverse order of starting, exactly once: whether
 * start-up fails half way or the server stops. A failure to close one thing is logged and the rest
 * are still closed. Thread-safe.
 */
final class Lifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Remembers {@code thing} to be closed before everything started earlier; returns it. */
    synchronized <T extends AutoCloseable> T add(T thing) {
        started.push(thing);
        return thing;
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                LOG.warn("while stopping {}: {}", next, e.toString());
            }
        }
    }
}
