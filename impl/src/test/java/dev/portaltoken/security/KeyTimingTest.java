package dev.portaltoken.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A wrong secret with a valid key id must take as long as an unknown key id, as far as a caller on
 * this machine can measure through HTTP: otherwise the answer time would tell which key ids exist.
 *
 * <p>Four groups of requests are interleaved in a rotating order, so drift and load on the shared
 * box hit them alike: W (a wrong secret for the real key id), U (a well-formed key with an unknown
 * id), W' (W again: the noise floor, two identical groups) and M (a malformed key, rejected before
 * any lookup: the sensitivity check). Per group the median and a 20% trimmed mean of the round-trip
 * times are compared as relative differences. The test passes when |W - U| is within the tolerance
 * (the larger of 3 x |W - W'| and 5%) and M differs from U by more than that tolerance, showing the
 * measurement resolves the work of one key lookup. No absolute time is asserted. A noisy round is
 * retried, up to three rounds; a real timing leak fails every round. Figures go to the test output.
 *
 * <p>{@code -Dtiming.samples=N} sets the samples per group (default 300, plus 100 of warm-up).
 */
class KeyTimingTest {
    private static final int SAMPLES = Integer.getInteger("timing.samples", 300);
    private static final int WARM_UP = Math.max(20, SAMPLES / 3);
    private static final double FLOOR = 0.05;
    private static TestServer server;
    private static Http http;
    private static String customer;
    private static String wrongSecret;
    private static String wrongSecretAgain;
    private static String unknownId;
    private static final String MALFORMED = "pt_live_not-a-key";

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        http = server.http();
        server.createTenant("acme");
        String key = server.createApiKey("acme");
        customer = server.createCustomer("acme", "timed");
        String idPart = key.substring(key.indexOf('/'));
        // Same shape and length: only which part is wrong differs.
        wrongSecret = secretOf(ApiKeyFormat.generate(UUID.randomUUID()).key()) + idPart;
        wrongSecretAgain = secretOf(ApiKeyFormat.generate(UUID.randomUUID()).key()) + idPart;
        unknownId = ApiKeyFormat.generate(UUID.randomUUID()).key();
        assertEquals(key.length(), wrongSecret.length());
    }

    private static String secretOf(String key) {
        return key.substring(0, key.indexOf('/'));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Figures(double median, double trimmedMean) {
        static Figures of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            double median = (sorted[(sorted.length - 1) / 2] + sorted[sorted.length / 2]) / 2.0;
            int cut = sorted.length / 5;
            double sum = 0;
            for (int i = cut; i < sorted.length - cut; i++) {
                sum += sorted[i];
            }
            return new Figures(median, sum / (sorted.length - 2 * cut));
        }

        /** The larger relative difference of the two statistics. */
        double diff(Figures other) {
            return Math.max(Math.abs(median - other.median) / other.median,
                    Math.abs(trimmedMean - other.trimmedMean) / other.trimmedMean);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "median %.3f ms, trimmed mean %.3f ms", median / 1e6, trimmedMean / 1e6);
        }
    }

    @Test
    void aWrongSecretForAKnownIdTakesAsLongAsAnUnknownId() {
        List<String> rounds = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            String[] keys = {wrongSecret, unknownId, wrongSecretAgain, MALFORMED};
            measure(keys, WARM_UP);
            long[][] nanos = measure(keys, SAMPLES);
            Figures w = Figures.of(nanos[0]);
            Figures u = Figures.of(nanos[1]);
            Figures w2 = Figures.of(nanos[2]);
            Figures m = Figures.of(nanos[3]);
            double noise = w.diff(w2);
            double tolerance = Math.max(3 * noise, FLOOR);
            double leak = w.diff(u);
            double sensitivity = m.diff(u);
            String figures = String.format(Locale.ROOT,
                    "round %d, %d samples per group: wrong secret (W) %s; unknown id (U) %s; W again %s; malformed %s;"
                            + " |W-U| %.1f%%, noise |W-W'| %.1f%%, tolerance %.1f%%, |M-U| %.1f%%",
                    round, SAMPLES, w, u, w2, m, 100 * leak, 100 * noise, 100 * tolerance, 100 * sensitivity);
            System.out.println("key timing: " + figures);
            rounds.add(figures);
            if (leak <= tolerance && sensitivity > tolerance) {
                return;
            }
        }
        throw new AssertionError("a wrong secret and an unknown id are distinguishable by time, or the measurement"
                + " could not resolve a key lookup, in every round:\n  " + String.join("\n  ", rounds));
    }

    /** Sends {@code samples} rounds of one request per key, rotating the order; returns the nanos per key. */
    private static long[][] measure(String[] keys, int samples) {
        long[][] nanos = new long[keys.length][samples];
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < keys.length; j++) {
                int k = (i + j) % keys.length;
                long start = System.nanoTime();
                Http.Reply reply = http.mint(keys[k], customer, null);
                nanos[k][i] = System.nanoTime() - start;
                assertEquals(401, reply.status(), () -> "every timed request is refused the same way (a 429 means a rate"
                        + " limit interferes: raise it for this test): " + reply);
            }
        }
        return nanos;
    }
}
