package dev.portaltoken.http;

import java.time.Duration;

/**
 * What one connection or request may take, so that slow, idle or oversized clients cannot hold the
 * worker threads. Every such limit is here, named; docs/operations.md's "Limits" list states the defaults.
 *
 * @param maxBodyBytes             a request body's cap (declared ones are refused before being read)
 * @param maxHeaderBytes           request line plus headers
 * @param idleTimeout              a keep-alive connection with no request is closed after this
 * @param maxRequestsPerConnection then the connection is closed (clients reconnect)
 * @param bodyReadTimeout          a worker's wait for request-body bytes
 * @param requestTimeout           any request is cut off after this
 * @param maxUnreadBodyBytes       an unread body larger than this is not drained: the connection is closed
 */
public record HttpLimits(int maxBodyBytes, int maxHeaderBytes, Duration idleTimeout, int maxRequestsPerConnection,
                         Duration bodyReadTimeout, Duration requestTimeout, int maxUnreadBodyBytes) {
    /**
     * A customer import's body cap (it is streamed, never held whole): 1 GiB, some ten million
     * customers of ordinary size.
     */
    public static final long MAX_IMPORT_BYTES = 1L << 30;

    public static final HttpLimits DEFAULT = new HttpLimits(16 * 1024, 8 * 1024, Duration.ofSeconds(15), 10_000,
            Duration.ofSeconds(10), Duration.ofSeconds(30), 64 * 1024);
}
