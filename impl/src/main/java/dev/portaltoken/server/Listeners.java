package dev.portaltoken.server;

import java.net.URI;
import java.util.List;

/**
 * Where a server listens: the API's listener, then the management port's when there is one, and
 * the {@link Drain} that sees their requests in progress.
 */
record Listeners(Drain drain, List<HttpListener> all) {

    /** Where the API listens, with a host usable from this machine. */
    URI api() {
        return all.get(0).uri();
    }

    /** Where /healthz, /readyz and /metrics are served (the API's address when no management port). */
    URI management() {
        return all.get(all.size() - 1).uri();
    }

    /**
     * Stops accepting connections, then waits until no request has been in progress for
     * {@code quietMillis}, at most {@code maxMillis}; answers on open connections close them meanwhile.
     */
    void drain(long quietMillis, long maxMillis) throws InterruptedException {
        drain.start();
        all.forEach(HttpListener::stopAccepting);
        drain.awaitIdle(quietMillis, maxMillis);
    }
}
