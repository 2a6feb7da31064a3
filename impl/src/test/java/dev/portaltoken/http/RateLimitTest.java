package dev.portaltoken.http;

import static dev.portaltoken.support.Replies.assertTooManyRequests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.ManualTime;
import dev.portaltoken.support.Prometheus;
import dev.portaltoken.support.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract's 429: per API key, and per client address for failed authentication. The buckets
 * refill by a clock the test advances, so every header value is exact on any machine.
 */
class RateLimitTest {
    private final ManualTime time = new ManualTime();

    private static void assertRateLimitHeaders(Http.Reply reply, long limit, long remaining, long reset) {
        assertEquals(Long.toString(limit), reply.header("RateLimit-Limit"), reply::toString);
        assertEquals(Long.toString(remaining), reply.header("RateLimit-Remaining"), reply::toString);
        assertEquals(Long.toString(reset), reply.header("RateLimit-Reset"), reply::toString);
    }

    private static double limited(TestServer server, String limit) {
        return Prometheus.present(server.http(), "portal_rate_limited_total", "limit=\"" + limit + "\"");
    }

    @Test
    void eachApiKeyHasItsOwnBucket() {
        try (TestServer server = TestServer.start(Map.of("PORTAL_RATE_LIMIT_PER_SECOND", "1",
                "PORTAL_RATE_LIMIT_BURST", "3"), time)) {
            Http http = server.http();
            server.createTenant("acme");
            String key = server.createApiKey("acme");
            String other = server.createApiKey("acme");
            String customer = server.createCustomer("acme", null);
            assertEquals(0, limited(server, "api_key"));

            Http.Reply first = http.mint(key, customer, null);
            assertEquals(200, first.status());
            assertRateLimitHeaders(first, 3, 2, 1);
            Http.Reply notFound = http.mint(key, "nobody", null);
            assertEquals(404, notFound.status());
            assertRateLimitHeaders(notFound, 3, 1, 2);
            assertRateLimitHeaders(http.mint(key, customer, null), 3, 0, 3);
            Http.Reply limitedReply = http.mint(key, customer, null);
            assertEquals(1, assertTooManyRequests(limitedReply), "one token comes back in 1 s");
            assertRateLimitHeaders(limitedReply, 3, 0, 3);
            assertEquals(1, limited(server, "api_key"));

            Http.Reply another = http.mint(other, customer, null);
            assertEquals(200, another.status(), "another key is not limited");
            assertRateLimitHeaders(another, 3, 2, 1);
            Http.Reply unauthenticated = http.mint("pt_live_" + "x".repeat(43) + "/1", customer, null);
            assertEquals(401, unauthenticated.status());
            assertNull(unauthenticated.header("RateLimit-Limit"), "no rate-limit headers without a caller");
            assertNull(http.get("/healthz").header("RateLimit-Limit"), "health is never rate limited");

            time.advance(Duration.ofMillis(999));
            assertEquals(1, assertTooManyRequests(http.mint(key, customer, null)), "1 ms short of a token");
            assertEquals(2, limited(server, "api_key"));
            time.advance(Duration.ofMillis(1));
            Http.Reply refilled = http.mint(key, customer, null);
            assertEquals(200, refilled.status(), "the bucket refilled one token in 1 s");
            assertRateLimitHeaders(refilled, 3, 0, 3);
            time.advance(Duration.ofSeconds(60));
            assertRateLimitHeaders(http.mint(key, customer, null), 3, 2, 1);
            assertEquals(2, limited(server, "api_key"));
        }
    }

    @Test
    void theLimitIsSharedOutAmongInstances() {
        try (TestServer server = TestServer.start(Map.of("PORTAL_RATE_LIMIT_PER_SECOND", "50",
                "PORTAL_RATE_LIMIT_BURST", "100", "PORTAL_INSTANCES", "4"), time)) {
            server.createTenant("acme");
            String key = server.createApiKey("acme");
            Http.Reply reply = server.http().mint(key, "nobody", null);
            assertRateLimitHeaders(reply, 25, 24, 1); // each of 4 instances: burst 25, refilled at 12/s
        }
    }

    @Test
    void failedAuthenticationIsLimitedPerAddressWithoutThrottlingKnownKeys() {
        try (TestServer server = TestServer.start(Map.of("PORTAL_AUTH_FAILURES_PER_MINUTE", "5"), time)) {
            Http http = server.http();
            server.createTenant("acme");
            String key = server.createApiKey("acme");
            String unusedKey = server.createApiKey("acme");
            String customer = server.createCustomer("acme", null);
            assertEquals(200, http.mint(key, customer, null).status());

            String guess = "pt_live_" + "G".repeat(43) + "/" + key.substring(key.indexOf('/') + 1);
            for (int i = 0; i < 5; i++) {
                assertEquals(401, http.mint(guess, customer, null).status());
            }
            assertEquals(12, assertTooManyRequests(http.mint(guess, customer, null)), "5 a minute: one every 12 s");
            assertEquals(12, assertTooManyRequests(http.mint(null, customer, null)));
            assertTooManyRequests(http.post("/api/v1/customers/" + customer + "/portal-token",
                    Map.of("Authorization", "Bearer " + guess, "X-Forwarded-For", "198.51.100.9"), null, null));
            assertEquals(200, http.mint(key, customer, null).status(),
                    "a key that verified recently is not throttled by others' failures from the same address");
            assertEquals(200, http.mint(unusedKey, customer, null).status(),
                    "nor is a valid key that never verified before: only failing requests are throttled");
            assertTooManyRequests(http.mint(guess, customer, null));
            assertEquals(4, limited(server, "auth_failures"));

            time.advance(Duration.ofSeconds(11));
            assertEquals(1, assertTooManyRequests(http.mint(guess, customer, null)), "1 s before the next allowance");
            time.advance(Duration.ofSeconds(1));
            assertEquals(401, http.mint(guess, customer, null).status(), "after 12 s one more failure is allowed");
            assertEquals(12, assertTooManyRequests(http.mint(guess, customer, null)));
            assertEquals(6, limited(server, "auth_failures"));
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnAllowance() {
        try (TestServer server = TestServer.start(Map.of("PORTAL_AUTH_FAILURES_PER_MINUTE", "2",
                "PORTAL_TRUSTED_PROXIES", "127.0.0.0/8, ::1"), time)) {
            Http http = server.http();
            String guess = "pt_live_" + "G".repeat(43) + "/1";
            Map<String, String> attacker = Map.of("Authorization", "Bearer " + guess,
                    "X-Forwarded-For", "203.0.113.66, 127.0.0.1");
            String path = "/api/v1/customers/x/portal-token";
            assertEquals(401, http.post(path, attacker, null, null).status());
            assertEquals(401, http.post(path, attacker, null, null).status());
            assertEquals(30, assertTooManyRequests(http.post(path, attacker, null, null)));
            Map<String, String> bystander = Map.of("Authorization", "Bearer " + guess, "X-Forwarded-For", "203.0.113.7");
            assertEquals(401, http.post(path, bystander, null, null).status(), "another client behind the proxy");
        }
    }
}
