package dev.portaltoken.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.HttpServerProbe;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Counts the requests in progress and, once draining, asks every response to close its connection.
 *
 * <p>Shutdown then goes as in Go's {@code http.Server.Shutdown}: stop accepting connections, keep
 * serving requests on open ones (each answer closes its connection), and when none has been in
 * progress for a moment, close whatever is left. Grizzly's own graceful shutdown instead answers
 * requests on open connections with 503 pages. Thread-safe.
 */
final class Drain extends HttpServerProbe.Adapter {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();

    @Override
    public void onRequestReceiveEvent(HttpServerFilter filter, Connection connection, Request request) {
        inFlight.incrementAndGet();
    }

    @Override
    public void onBeforeServiceEvent(HttpServerFilter filter, Connection connection, Request request,
                                     HttpHandler handler) {
        if (draining.get()) {
            request.getResponse().setHeader("Connection", "close");
        }
    }

    @Override
    public void onRequestCompleteEvent(HttpServerFilter filter, Connection connection, Response response) {
        inFlight.decrementAndGet();
    }

    void start() {
        draining.set(true);
    }

    /**
     * Waits until no request has been in progress for {@code quietMillis}, or {@code maxMillis}
     * have passed.
     */
    void awaitIdle(long quietMillis, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (inFlight.get() > 0) {
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
                return;
            }
            Thread.sleep(20);
        }
    }
}
