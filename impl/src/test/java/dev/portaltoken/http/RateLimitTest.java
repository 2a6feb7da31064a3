package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract's 429: per API key, and per client address for failed authentication. */
class RateLimitTest {

    private static void assertTooManyRequests(Http.Reply reply) {
        assertEquals(429, reply.status(), reply::toString);
        assertEquals("TOO_MANY_REQUESTS", reply.json().get("code").asText());
        String retryAfter = reply.header("Retry-After");
        assertTrue(retryAfter != null && retryAfter.matches("[1-9][0-9]*"), "Retry-After in whole seconds: " + retryAfter);
    }

    private static void assertRateLimitHeaders(Http.Reply reply, long limit, long remaining) {
        assertEquals(Long.toString(limit), reply.header("RateLimit-Limit"), reply::toString);
        assertEquals(Long.toString(remaining), reply.header("RateLimit-Remaining"), reply::toString);
        assertTrue(reply.header("RateLimit-Reset").matches("[0-9]+"), reply.header("RateLimit-Reset"));
    }

    @Test
    void eachApiKeyHasItsOwnBucket() throws Exception {
        try (TestServer server = TestServer.start(Map.of("PORTAL_RATE_LIMIT_PER_SECOND", "1",
                "PORTAL_RATE_LIMIT_BURST", "3"))) {
            Http http = server.http();
            server.createTenant("acme");
            String key = server.createApiKey("acme");
            String other = server.createApiKey("acme");
            String customer = server.createCustomer("acme", null);

            Http.Reply first = http.mint(key, customer, null);
            assertEquals(200, first.status());
            assertRateLimitHeaders(first, 3, 2);
            Http.Reply notFound = http.mint(key, "nobody", null);
            assertEquals(404, notFound.status());
            assertRateLimitHeaders(notFound, 3, 1);
            assertRateLimitHeaders(http.mint(key, customer, null), 3, 0);
            Http.Reply limited = http.mint(key, customer, null);
            assertTooManyRequests(limited);
            assertRateLimitHeaders(limited, 3, 0);

            assertEquals(200, http.mint(other, customer, null).status(), "another key is not limited");
            Http.Reply unauthenticated = http.mint("pt_live_" + "x".repeat(43) + "/1", customer, null);
            assertEquals(401, unauthenticated.status());
            assertNull(unauthenticated.header("RateLimit-Limit"), "no rate-limit headers without a caller");
            assertNull(http.get("/healthz").header("RateLimit-Limit"), "health is never rate limited");

            long deadline = System.nanoTime() + 10_000_000_000L;
            int status;
            do {
                Thread.sleep(Long.parseLong(limited.header("Retry-After")) * 1000);
                status = http.mint(key, customer, null).status();
            } while (status == 429 && System.nanoTime() < deadline);
            assertEquals(200, status, "the bucket refills");
            assertTrue(http.get("/metrics").body().contains("portal_rate_limited_total{limit=\"api_key\"}"));
        }
    }

    @Test
    void theLimitIsSharedOutAmongInstances() {
        try (TestServer server = TestServer.start(Map.of("PORTAL_RATE_LIMIT_PER_SECOND", "50",
                "PORTAL_RATE_LIMIT_BURST", "100", "PORTAL_INSTANCES", "4"))) {
            server.createTenant("acme");
            String key = server.createApiKey("acme");
            Http.Reply reply = server.http().mint(key, "nobody", null);
            assertEquals("25", reply.header("RateLimit-Limit"), "each of 4 instances enforces a quarter");
        }
    }

    @Test
    void failedAuthenticationIsLimitedPerAddressWithoutThrottlingKnownKeys() {
        try (TestServer server = TestServer.start(Map.of("PORTAL_AUTH_FAILURES_PER_MINUTE", "5"))) {
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
            assertTooManyRequests(http.mint(guess, customer, null));
            assertTooManyRequests(http.mint(null, customer, null));
            assertTooManyRequests(http.post("/api/v1/customers/" + customer + "/portal-token",
                    Map.of("Authorization", "Bearer " + guess, "X-Forwarded-For", "198.51.100.9"), null, null));
            assertEquals(200, http.mint(key, customer, null).status(),
                    "a key that verified recently is not throttled by others' failures from the same address");
            assertEquals(200, http.mint(unusedKey, customer, null).status(),
                    "nor is a valid key that never verified before: only failing requests are throttled");
            assertTooManyRequests(http.mint(guess, customer, null));
            assertTrue(http.get("/metrics").body().contains("portal_rate_limited_total{limit=\"auth_failures\"}"));
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnAllowance() {
        try (TestServer server = TestServer.start(Map.of("PORTAL_AUTH_FAILURES_PER_MINUTE", "2",
                "PORTAL_TRUSTED_PROXIES", "127.0.0.0/8, ::1"))) {
            Http http = server.http();
            String guess = "pt_live_" + "G".repeat(43) + "/1";
            Map<String, String> attacker = Map.of("Authorization", "Bearer " + guess,
                    "X-Forwarded-For", "203.0.113.66, 127.0.0.1");
            String path = "/api/v1/customers/x/portal-token";
            assertEquals(401, http.post(path, attacker, null, null).status());
            assertEquals(401, http.post(path, attacker, null, null).status());
            assertEquals(429, http.post(path, attacker, null, null).status());
            Map<String, String> bystander = Map.of("Authorization", "Bearer " + guess, "X-Forwarded-For", "203.0.113.7");
            assertEquals(401, http.post(path, bystander, null, null).status(), "another client behind the proxy");
        }
    }
}
