package dev.portaltoken.ratelimit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One API key's limit across three instances on one database, under an uneven load balancer: one
 * instance gets 70 requests a second, the others 3 and 2, for 12 s, against a limit of 20 a second
 * with bursts of 20. Per instance (each enforcing 1/3) the key gets far less than its limit, as the
 * two quiet instances leave their shares unused; in cluster mode it gets its limit, overshooting by
 * no more than the documented bound. What each admitted is printed.
 */
class ClusterRateLimitTest {
    private static final int RATE = 20;
    private static final int BURST = 20;
    private static final int SECONDS = 12;
    private static final int[] OFFERED_PER_SECOND = {70, 3, 2};

    private record Run(long admitted, long refused, double seconds) {
        /** What a single bucket of the configured limit would admit over the run. */
        double allowed() {
            return BURST + RATE * seconds;
        }
    }

    private static Run run(Map<String, String> mode) throws Exception {
        Map<String, String> env = new HashMap<>(mode);
        env.put("PORTAL_RATE_LIMIT_PER_SECOND", Integer.toString(RATE));
        env.put("PORTAL_RATE_LIMIT_BURST", Integer.toString(BURST));
        env.put("PORTAL_CUSTOMER_CACHE_SECONDS", "600");
        env.put("PORTAL_KEY_ENCRYPTION_KEY", TestServer.newKeyEncryptionKey());
        try (TestServer a = TestServer.start(env); TestServer b = a.startAnother(env); TestServer c = a.startAnother(env)) {
            a.createTenant("acme");
            String key = a.createApiKey("acme");
            String customer = a.createCustomer("acme", null);
            List<TestServer> servers = List.of(a, b, c);
            ExecutorService clients = Executors.newFixedThreadPool(servers.size());
            List<Future<long[]>> counts = new ArrayList<>();
            long start = System.nanoTime() + 500_000_000L;
            for (int i = 0; i < servers.size(); i++) {
                Http http = servers.get(i).http();
                long intervalNanos = 1_000_000_000L / OFFERED_PER_SECOND[i];
                counts.add(clients.submit(() -> {
                    long[] admittedRefused = new long[2];
                    long next = start;
                    long end = start + SECONDS * 1_000_000_000L;
                    while (next < end) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        int status = http.mint(key, customer, null).status();
                        assertTrue(status == 200 || status == 429, "status " + status);
                        admittedRefused[status == 200 ? 0 : 1]++;
                        next += intervalNanos;
                    }
                    return admittedRefused;
                }));
            }
            long admitted = 0;
            long refused = 0;
            for (Future<long[]> count : counts) {
                long[] each = count.get(2, TimeUnit.MINUTES);
                admitted += each[0];
                refused += each[1];
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            clients.shutdownNow();
            return new Run(admitted, refused, seconds);
        }
    }

    @Test
    void perInstanceLimitsUnderAdmitBehindAnUnevenBalancerAndTheClusterModeAdmitsTheLimit() throws Exception {
        Run perInstance = run(Map.of("PORTAL_INSTANCES", "3"));
        Run cluster = run(Map.of("PORTAL_RATE_LIMIT_MODE", "cluster", "PORTAL_INSTANCES", "3"));
        // Until an instance hears of the others' requests (at most about two sync intervals), each of the other
        // two may admit again what is spent: a burst and two intervals of refill each.
        double bound = cluster.allowed() + (3 - 1) * (BURST + 2 * RATE * ClusterRateLimits.INTERVAL.toSeconds());
        System.out.printf(Locale.ROOT, "per-key limit %d/s, burst %d, over %.1f s (one bucket: %.0f): per instance"
                        + " admitted %d (%.0f%%), cluster admitted %d (%.0f%%; overshoot %+.0f, bound %.0f)%n",
                RATE, BURST, cluster.seconds(), cluster.allowed(), perInstance.admitted(),
                100.0 * perInstance.admitted() / perInstance.allowed(), cluster.admitted(),
                100.0 * cluster.admitted() / cluster.allowed(), cluster.admitted() - cluster.allowed(), bound);
        assertTrue(perInstance.admitted() < 0.8 * perInstance.allowed(), "per instance, the quiet instances' shares go"
                + " unused: " + perInstance);
        assertTrue(cluster.admitted() >= 0.9 * cluster.allowed(), "the cluster mode admits the limit: " + cluster);
        assertTrue(cluster.admitted() <= bound, "within the overshoot bound " + bound + ": " + cluster);
    }
}
