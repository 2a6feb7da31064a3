package dev.portaltoken.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portaltoken.support.Await;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.Prometheus;
import dev.portaltoken.support.TestServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The background work survives a failed unit of it, and when a task ends anyway readiness fails and
 * names it. Announcements are applied one by one: a handler that fails (a garbled payload, or before
 * the fix a tenant change while an operator's portal key was cached) costs neither the other
 * announcements of its batch nor the listening connection.
 */
class BackgroundTaskFailuresTest {
    /** Well under the customer cache's 600 s and any re-read: only an announcement explains a change this fast. */
    private static final Duration ANNOUNCED = Duration.ofSeconds(5);

    private static TestServer a;
    private static TestServer b;
    private static String key;
    private static String portalKey;

    @BeforeAll
    static void start() {
        Map<String, String> env = Map.of("PORTAL_CUSTOMER_CACHE_SECONDS", "600", "PORTAL_API_KEY_CACHE_SECONDS", "30",
                "PORTAL_KEY_ENCRYPTION_KEY", TestServer.newKeyEncryptionKey());
        a = TestServer.start(env);
        b = a.startAnother(env);
        a.createTenant("acme");
        key = a.createApiKey("acme");
        portalKey = a.cliOk("portal-key", "create", "--name", "billing-portal");
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    private static double listenerFailures(TestServer server) {
        return Prometheus.sample(server.managementHttp(), "portal_change_listener_failures_total");
    }

    private static Http.Reply introspect(TestServer server, String credential, String token) {
        return server.http().post("/api/v1/portal-tokens/introspect", Map.of("Authorization", "Bearer " + credential),
                "{\"token\": \"" + token + "\"}", "application/json");
    }

    @Test
    void aTenantChangeWhileAPortalKeyIsCachedReachesEveryInstanceAndKeepsItListening() {
        String customer = a.createCustomer("acme", "tenant-change");
        String token = b.http().mint(key, customer, null).json().get("token").asText();
        assertEquals(200, introspect(b, portalKey, token).status(), "the portal key is now cached on b");
        double failures = listenerFailures(b);

        a.cliOk("tenant", "update", "--slug", "acme", "--portal-url", "https://billing.acme.example");
        Await.until(ANNOUNCED, "b hands out the new portal URL", () -> "https://billing.acme.example".equals(
                b.http().mint(key, customer, null).json().get("portal_url").asText()));
        assertEquals(failures, listenerFailures(b), "b's listening connection was never lost");
        assertEquals(200, introspect(b, portalKey, token).status(), "and the portal key still works");
        a.cliOk("tenant", "update", "--slug", "acme", "--clear-portal-url");
    }

    @Test
    void aGarbledAnnouncementCostsNeitherTheOthersOfItsBatchNorTheConnection() throws Exception {
        String customer = a.createCustomer("acme", "garbled-neighbour");
        assertEquals(200, b.http().mint(key, customer, null).status(), "found, and cached on b for 600 s");
        double failures = listenerFailures(b);
        try (Connection c = a.sql(); Statement s = c.createStatement()) {
            c.setAutoCommit(false); // one transaction: its announcements arrive together, in this order
            s.execute("NOTIFY token_revoked, 'not a revocation'");
            s.execute("NOTIFY customer_revoked, 'nor this'");
            s.execute("NOTIFY tenant_changed, 'not-a-uuid'");
            s.execute("UPDATE customer SET archived_at = now() WHERE alias = 'garbled-neighbour'");
            c.commit();
        }
        Await.until(ANNOUNCED, "b applies the archive announced after the garbled ones",
                () -> b.http().mint(key, customer, null).status() == 404);
        assertEquals(failures, listenerFailures(b), "b's listening connection was never lost");
        JsonNode ready = b.managementHttp().get("/readyz").json();
        assertEquals("ok", ready.get("checks").get("change_listener").asText());
    }

    @Test
    @SuppressWarnings("deprecation") // Thread.stop: the one way to end a thread from outside, as an error would
    void aTaskThatEndsMakesTheInstanceNotReadyAndIsNamed() {
        Set<Thread> before = listeners();
        try (TestServer c = a.startAnother(Map.of("PORTAL_KEY_ENCRYPTION_KEY", a.env().get("PORTAL_KEY_ENCRYPTION_KEY")))) {
            Http.Reply ready = c.managementHttp().get("/readyz");
            assertEquals(200, ready.status(), ready::toString);
            assertEquals("ok", ready.json().get("checks").get("background_tasks").asText());
            assertTrue(ready.json().get("checks").path("stopped_tasks").isMissingNode(), ready::toString);
            Set<Thread> started = listeners();
            started.removeAll(before);
            assertEquals(1, started.size(), "c's own listener: " + started);
            started.iterator().next().stop();
            Await.until(Duration.ofSeconds(10), "c reports the ended listener",
                    () -> c.managementHttp().get("/readyz").status() == 503);
            JsonNode checks = c.managementHttp().get("/readyz").json().get("checks");
            assertEquals("failing", checks.get("background_tasks").asText());
            assertEquals("change-listener", checks.get("stopped_tasks").get(0).asText());
            assertEquals(200, b.managementHttp().get("/readyz").status(), "the other instances are untouched");
        }
    }

    private static Set<Thread> listeners() {
        Set<Thread> threads = new HashSet<>();
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("change-listener") && t.isAlive())
                .forEach(threads::add);
        return threads;
    }
}
