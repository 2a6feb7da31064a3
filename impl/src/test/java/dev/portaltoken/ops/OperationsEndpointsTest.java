package dev.portaltoken.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.Prometheus;
import dev.portaltoken.support.ServerFixture;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /healthz, /readyz, /metrics and the request id, on the real server. */
class OperationsEndpointsTest {
    private static final String ROUTE = "/api/v1/customers/{id_or_alias}/portal-token";
    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of(), null);
    private static Http http;
    private static String key;
    private static String customer;

    @BeforeAll
    static void start() {
        http = acme.http();
        key = acme.key();
        customer = acme.customer();
    }

    @Test
    void healthAndReadinessAreJsonWithoutAuthentication() {
        Http.Reply health = http.get("/healthz");
        assertEquals(200, health.status());
        assertEquals("ok", health.json().get("status").asText());
        Http.Reply ready = http.get("/readyz");
        assertEquals(200, ready.status(), ready::toString);
        assertEquals("ready", ready.json().get("status").asText());
        assertEquals("ok", ready.json().get("checks").get("database").asText());
        assertEquals("ok", ready.json().get("checks").get("migrations").asText());
        assertEquals("ok", ready.json().get("checks").get("signing_key").asText());
        assertEquals("no-store", ready.header("Cache-Control"));
    }

    @Test
    void metricsCountAKnownNumberOfRequestsByRouteAndStatus() {
        double okBefore = sample("http_server_requests_seconds_count", "method=\"POST\"", "route=\"" + ROUTE + "\"",
                "status=\"200\"");
        double notFoundBefore = sample("http_server_requests_seconds_count", "route=\"" + ROUTE + "\"",
                "status=\"404\"");
        double mintedBefore = sample("portal_tokens_minted_total", "alg=\"EdDSA\"");
        double invalidBefore = sample("portal_auth_failures_total", "reason=\"invalid\"");
        for (int i = 0; i < 7; i++) {
            assertEquals(200, http.mint(key, customer, null).status());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(404, http.mint(key, "nobody-" + i, null).status());
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(401, http.mint("pt_live_" + "x".repeat(43) + "/1", customer, null).status());
        }
        assertEquals(okBefore + 7, sample("http_server_requests_seconds_count", "method=\"POST\"",
                "route=\"" + ROUTE + "\"", "status=\"200\""));
        assertEquals(notFoundBefore + 3, sample("http_server_requests_seconds_count", "route=\"" + ROUTE + "\"",
                "status=\"404\""));
        assertEquals(mintedBefore + 7, sample("portal_tokens_minted_total", "alg=\"EdDSA\""));
        assertEquals(invalidBefore + 2, sample("portal_auth_failures_total", "reason=\"invalid\""));
        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("http_server_requests_seconds_bucket{"), "a latency histogram");
        assertTrue(metrics.contains("hikaricp_connections"), "the pool's own metrics");
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics");
        // Both limits are counted from the start (nothing here is limited; RateLimitTest counts 429s).
        assertEquals(0, Prometheus.present(http, "portal_rate_limited_total", "limit=\"api_key\""));
        assertEquals(0, Prometheus.present(http, "portal_rate_limited_total", "limit=\"auth_failures\""));
        assertTrue(!metrics.contains("nobody-0"), "raw paths never become label values");
    }

    @Test
    void madeUpMethodsLeaveAtMostEightMethodLabels() {
        for (int i = 0; i < 300; i++) {
            String method = "MADEUP" + i + "X";
            Http.Reply reply = http.send(method, i % 2 == 0 ? "/api/v1/customers/c" + i + "/portal-token" : "/nowhere/" + i,
                    Map.of());
            assertTrue(reply.status() >= 400, reply::toString);
        }
        java.util.Set<String> methods = new java.util.TreeSet<>();
        java.util.Set<String> routes = new java.util.TreeSet<>();
        Matcher label = Pattern.compile("^http_server_requests_seconds_count\\{.*method=\"([^\"]*)\".*route=\"([^\"]*)\"",
                Pattern.MULTILINE).matcher(http.get("/metrics").body());
        while (label.find()) {
            methods.add(label.group(1));
            routes.add(label.group(2));
        }
        assertTrue(methods.contains("OTHER"), "made-up methods are counted, as OTHER: " + methods);
        assertTrue(methods.size() <= 8, "method labels: " + methods);
        assertTrue(java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "OTHER").containsAll(methods),
                methods::toString);
        assertTrue(routes.stream().noneMatch(route -> route.contains("nowhere") || route.matches(".*/c\\d+/.*")),
                "routes are templates, never raw paths: " + routes);
    }

    @Test
    void theMetricsAreInPrometheusTextFormat() {
        Http.Reply reply = http.get("/metrics");
        assertEquals(200, reply.status());
        assertTrue(reply.header("Content-Type").startsWith("text/plain"), reply.header("Content-Type"));
        assertTrue(reply.body().lines().anyMatch(l -> l.startsWith("# TYPE ")));
    }

    @Test
    void aSaneRequestIdIsEchoedAndAnyOtherIsReplaced() {
        String given = "req-" + UUID.randomUUID();
        Http.Reply echoed = http.send("GET", "/healthz", Map.of("X-Request-Id", given));
        assertEquals(given, echoed.header("X-Request-Id"));
        Http.Reply generated = http.get("/healthz");
        assertTrue(generated.header("X-Request-Id").matches("[0-9a-f-]{36}"), generated.header("X-Request-Id"));
        Http.Reply replaced = http.send("GET", "/healthz", Map.of("X-Request-Id", "has spaces and <script>"));
        assertNotEquals("has spaces and <script>", replaced.header("X-Request-Id"));
        Http.Reply tooLong = http.send("GET", "/healthz", Map.of("X-Request-Id", "a".repeat(200)));
        assertEquals(36, tooLong.header("X-Request-Id").length());
        assertEquals(given, http.send("POST", "/api/v1/customers/x/portal-token", Map.of("X-Request-Id", given))
                .header("X-Request-Id"), "errors carry it too");
    }

    private static double sample(String name, String... labels) {
        return Prometheus.sample(http, name, labels);
    }
}
