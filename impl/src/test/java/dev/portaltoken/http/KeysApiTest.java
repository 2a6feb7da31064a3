package dev.portaltoken.http;

import static dev.portaltoken.http.CustomersApiTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * API keys, portal keys and admin keys over HTTP with an admin key, on two instances sharing one
 * database (a: operator part on the management port; b: on the main port). A new key is shown once,
 * in its creation's answer: never in a list, a replay, the audit trail or the log. A key revoked on
 * one instance is refused by the other within a second.
 */
class KeysApiTest {
    private static final Duration NOTIFIED = Duration.ofSeconds(1);
    private static TestServer a;
    private static TestServer b;
    private static String adminKey;
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @BeforeAll
    static void start() {
        LOG.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOG);
        String kek = TestServer.newKeyEncryptionKey();
        a = TestServer.start(Map.of("MANAGEMENT_PORT", "0", "PORTAL_KEY_ENCRYPTION_KEY", kek,
                "PORTAL_API_KEY_CACHE_SECONDS", "30"));
        b = a.startAnother(Map.of("PORTAL_KEY_ENCRYPTION_KEY", kek, "PORTAL_ADMIN_API", "main",
                "PORTAL_API_KEY_CACHE_SECONDS", "30"));
        adminKey = a.cliOk("admin-key", "create", "--name", "keys-test");
        a.createTenant("k-acme");
        a.createTenant("k-globex");
        a.createCustomer("k-acme", "k-customer");
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
        b.close();
        a.close();
    }

    private static Http.Reply admin(Http http, String method, String path, String body, String... headers) {
        return call(http, method, path, adminKey, body, headers);
    }

    private static String id(String key) {
        return key.substring(key.indexOf('/') + 1);
    }

    private static String secret(String key) {
        return key.substring(key.indexOf('_', 3) + 1, key.indexOf('/'));
    }

    /** Polls until {@code status} answers {@code expected}, and asserts that took at most a second. */
    private static void withinASecond(String what, int expected, java.util.function.IntSupplier status) {
        long start = System.nanoTime();
        dev.portaltoken.support.Await.until(Duration.ofSeconds(5), what, () -> status.getAsInt() == expected);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis <= NOTIFIED.toMillis(), what + " took " + millis + " ms, more than 1 s");
    }

    @Test
    void anApiKeyIsShownOnceWorksAtOnceAndARevocationReachesTheOtherInstanceWithinASecond() {
        Http.Reply created = admin(a.managementHttp(), "POST", "/admin/v1/tenants/k-acme/api-keys",
                "{\"name\": \"backend\"}");
        String key = AdminCalls.createdKey(created);
        assertTrue(key.startsWith("pt_live_"), "a tenant's API key");
        assertEquals(id(key), created.json().get("id").asText());
        assertEquals("/admin/v1/tenants/k-acme/api-keys/" + id(key), created.header("Location"));
        assertEquals(200, b.http().mint(key, "k-customer", null).status(), "it mints at once, on the other instance");

        Http.Reply listed = admin(b.http(), "GET", "/admin/v1/tenants/k-acme/api-keys", null);
        assertEquals(200, listed.status(), listed::toString);
        assertTrue(listed.body().contains(id(key)) && listed.body().contains("backend"), listed::toString);
        assertFalse(listed.body().contains(secret(key)), "a list never shows a secret");
        assertTrue(a.cli("api-key", "list", "--tenant", "k-acme").out().contains(id(key)), "the CLI sees it");

        Http.Reply revoked = admin(a.managementHttp(), "DELETE", created.header("Location"), null);
        assertEquals(200, revoked.status(), revoked::toString);
        assertTrue(revoked.json().hasNonNull("revoked_at"));
        withinASecond("b refuses the revoked key", 401, () -> b.http().mint(key, "k-customer", null).status());
        assertEquals(404, admin(b.http(), "DELETE", created.header("Location"), null).status(), "revoked already");
    }

    @Test
    void anotherTenantsKeyIsNotFoundUnderATenantsPathAndStaysActive() {
        String globex = a.createApiKey("k-globex");
        assertEquals(404, admin(b.http(), "DELETE", "/admin/v1/tenants/k-acme/api-keys/" + id(globex), null).status());
        Http.Reply acmeKeys = admin(b.http(), "GET", "/admin/v1/tenants/k-acme/api-keys?limit=1000", null);
        assertFalse(acmeKeys.body().contains(id(globex)), "another tenant's key is not listed");
        for (String bad : List.of("nope!", globex.replace("/", "%2F"), "pt_live_x")) {
            assertEquals(404, admin(b.http(), "DELETE", "/admin/v1/tenants/k-acme/api-keys/" + bad, null).status(), bad);
        }
        assertEquals(404, admin(b.http(), "DELETE", "/admin/v1/portal-keys/" + id(globex), null).status(),
                "an API key is no portal key");
        assertEquals(404, admin(b.http(), "GET", "/admin/v1/tenants/k-none/api-keys", null).status());
        assertEquals(404, b.http().mint(globex, "no-such-customer", null).status(), "globex's key was left active (not 401)");
    }

    @Test
    void portalAndAdminKeysAreCreatedListedAndRevokedAndNoSecretReachesTheTrailOrTheLog() {
        Http.Reply portal = admin(b.http(), "POST", "/admin/v1/portal-keys", "{\"name\": \"billing-portal\"}");
        String portalKey = AdminCalls.createdKey(portal);
        assertTrue(portalKey.startsWith("pt_portal_"));
        Http.Reply second = admin(a.managementHttp(), "POST", "/admin/v1/admin-keys", "{\"name\": \"second\"}");
        String secondKey = AdminCalls.createdKey(second);
        assertTrue(secondKey.startsWith("pt_admin_"));
        assertEquals(200, call(b.http(), "GET", "/admin/v1/tenants", secondKey, null).status(), "it works at once");
        for (String path : List.of("/admin/v1/portal-keys", "/admin/v1/admin-keys")) {
            Http.Reply listed = admin(b.http(), "GET", path, null);
            assertEquals(200, listed.status(), listed::toString);
            assertFalse(listed.body().contains(secret(portalKey)) || listed.body().contains(secret(secondKey)), path);
        }
        assertTrue(admin(b.http(), "GET", "/admin/v1/admin-keys", null).body().contains(id(secondKey)));
        assertEquals(400, admin(b.http(), "POST", "/admin/v1/portal-keys", "{}").status(), "a portal key needs a name");
        assertEquals(400, admin(b.http(), "POST", "/admin/v1/admin-keys", "{\"name\": \"" + "n".repeat(256) + "\"}").status());

        assertEquals(200, admin(a.managementHttp(), "DELETE", "/admin/v1/admin-keys/" + id(secondKey), null).status());
        withinASecond("b refuses the revoked admin key", 401,
                () -> call(b.http(), "GET", "/admin/v1/tenants", secondKey, null).status());
        assertEquals(200, admin(a.managementHttp(), "DELETE", "/admin/v1/portal-keys/" + id(portalKey), null).status());

        Http.Reply trail = admin(a.managementHttp(), "GET", "/admin/v1/audit-events?limit=1000", null);
        List<String> actions = new ArrayList<>();
        trail.json().get("data").forEach(e -> actions.add(e.get("action").asText() + " " + e.get("target").asText()));
        assertTrue(actions.containsAll(List.of("admin_key.create " + id(secondKey), "admin_key.revoke " + id(secondKey),
                "portal_key.create " + id(portalKey), "portal_key.revoke " + id(portalKey))), actions::toString);
        JsonNode revoke = trail.json().get("data").get(actions.indexOf("admin_key.revoke " + id(secondKey)));
        assertEquals(id(adminKey), revoke.get("actor").get("key_id").asText(), "which key did it");
        assertTrue(revoke.get("after").hasNonNull("revoked_at"));
        for (String key : List.of(portalKey, secondKey)) {
            assertFalse(trail.body().contains(secret(key)), "no secret in the audit trail");
            assertTrue(LOG.list.stream().noneMatch(e -> (e.getFormattedMessage() + e.getKeyValuePairs()).contains(secret(key))),
                    "no secret in the log");
        }
        assertTrue(LOG.list.stream().anyMatch(e -> e.getLoggerName().equals("audit")
                && e.getFormattedMessage().contains("admin_key.create")), "the audit line was logged");
    }

    @Test
    void aCreationIsIdempotentAndItsReplayHoldsNoSecret() {
        String body = "{\"name\": \"once\"}";
        Http.Reply first = admin(a.managementHttp(), "POST", "/admin/v1/tenants/k-acme/api-keys", body, "Idempotency-Key", "k-1");
        AdminCalls.createdKey(first);
        Http.Reply replay = admin(b.http(), "POST", "/admin/v1/tenants/k-acme/api-keys", body, "Idempotency-Key", "k-1");
        assertEquals(201, replay.status(), replay::toString);
        assertEquals("true", replay.header("Idempotent-Replayed"));
        assertEquals(first.json().get("id"), replay.json().get("id"));
        assertEquals(first.header("Location"), replay.header("Location"));
        assertFalse(replay.json().has("key"), "the secret is shown once only");
        assertFalse(replay.body().contains(secret(first.json().get("key").asText())));
        assertEquals(422, admin(b.http(), "POST", "/admin/v1/tenants/k-acme/api-keys", "{\"name\": \"other\"}",
                "Idempotency-Key", "k-1").status());
        assertEquals(422, admin(b.http(), "POST", "/admin/v1/tenants/k-globex/api-keys", body, "Idempotency-Key", "k-1")
                .status(), "the same body for another tenant is another request");
        long named = admin(b.http(), "GET", "/admin/v1/tenants/k-acme/api-keys?limit=1000", null).body().split("\"once\"").length - 1;
        assertEquals(1, named, "one key made");
    }

    @Test
    void onlyAnAdminKeyManagesKeys() {
        String tenantKey = a.createApiKey("k-acme");
        String portalKey = a.cliOk("portal-key", "create", "--name", "keys-portal");
        AdminCalls.onlyAnAdminKey(List.of(new AdminCalls.Call("POST", "/admin/v1/tenants/k-acme/api-keys", "{\"name\": \"x\"}"),
                new AdminCalls.Call("GET", "/admin/v1/tenants/k-acme/api-keys", null),
                new AdminCalls.Call("DELETE", "/admin/v1/tenants/k-acme/api-keys/" + id(tenantKey), null),
                new AdminCalls.Call("POST", "/admin/v1/portal-keys", "{\"name\": \"x\"}"),
                new AdminCalls.Call("GET", "/admin/v1/portal-keys", null),
                new AdminCalls.Call("DELETE", "/admin/v1/portal-keys/" + id(portalKey), null),
                new AdminCalls.Call("POST", "/admin/v1/admin-keys", "{\"name\": \"x\"}"),
                new AdminCalls.Call("GET", "/admin/v1/admin-keys", null),
                new AdminCalls.Call("DELETE", "/admin/v1/admin-keys/" + id(adminKey), null)),
                List.of(a.managementHttp(), b.http()), a.http(), adminKey, tenantKey, portalKey);
        assertEquals(200, b.http().mint(tenantKey, "k-customer", null).status(), "the refused revocation left it active");
        assertEquals(200, admin(b.http(), "GET", "/admin/v1/tenants", null).status(), "and the admin key too");
    }

    /** Decided: the admin API never revokes the last active admin key (it would lock itself out); the CLI can. */
    @Test
    void theLastActiveAdminKeyIsNotRevokedOverTheApi() {
        String solo = AdminCalls.createdKey(admin(a.managementHttp(), "POST", "/admin/v1/admin-keys", "{\"name\": \"solo\"}"));
        admin(b.http(), "GET", "/admin/v1/admin-keys?limit=1000", null).json().get("data").forEach(k -> {
            if (!k.hasNonNull("revoked_at") && !k.get("id").asText().equals(id(solo))) {
                assertEquals(200, call(b.http(), "DELETE", "/admin/v1/admin-keys/" + k.get("id").asText(), solo, null).status());
            }
        });
        Http.Reply self = call(b.http(), "DELETE", "/admin/v1/admin-keys/" + id(solo), solo, null);
        assertEquals(409, self.status(), self::toString);
        assertEquals(200, call(b.http(), "GET", "/admin/v1/admin-keys", solo, null).status(), "it still works");
        adminKey = AdminCalls.createdKey(call(b.http(), "POST", "/admin/v1/admin-keys", solo, "{\"name\": \"next\"}"));
        assertEquals(200, admin(b.http(), "DELETE", "/admin/v1/admin-keys/" + id(solo), null).status(),
                "with another one active it may go");
    }
}
