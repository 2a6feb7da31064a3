package dev.portaltoken.http;

import static dev.portaltoken.http.CustomersApiTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portaltoken.support.Await;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenants over HTTP with an admin key, on two instances sharing one database: a serves the operator
 * part on its management port (the default), b on its main port. A tenant's {@code api_url} set on
 * one instance is what the other tells that tenant's callers on a mint within a second.
 */
class TenantsApiTest {
    private static TestServer a;
    private static TestServer b;
    private static String adminKey;

    @BeforeAll
    static void start() {
        String kek = TestServer.newKeyEncryptionKey();
        // A long key cache: only the database's announcement explains a change seen within a second.
        a = TestServer.start(Map.of("MANAGEMENT_PORT", "0", "PORTAL_KEY_ENCRYPTION_KEY", kek,
                "PORTAL_API_KEY_CACHE_SECONDS", "30"));
        b = a.startAnother(Map.of("PORTAL_KEY_ENCRYPTION_KEY", kek, "PORTAL_ADMIN_API", "main",
                "PORTAL_API_KEY_CACHE_SECONDS", "30"));
        adminKey = a.cliOk("admin-key", "create", "--name", "tenants-test");
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    static Http.Reply admin(Http http, String method, String path, String body, String... headers) {
        return call(http, method, path, adminKey, body, headers);
    }

    @Test
    void aTenantIsCreatedReadByIdOrSlugAndATakenSlugOrIdIsAConflict() {
        Http.Reply created = admin(a.managementHttp(), "POST", "/admin/v1/tenants",
                "{\"slug\": \"t-acme\", \"name\": \"Acme\", \"portal_url\": \"https://portal.acme.example\"}");
        assertEquals(201, created.status(), created::toString);
        assertEquals("/admin/v1/tenants/t-acme", created.header("Location"));
        assertEquals("Acme", created.json().get("name").asText());
        assertFalse(created.json().has("api_url"), "null: the server-wide PUBLIC_URL");
        String id = created.json().get("id").asText();
        Http.Reply bySlug = admin(b.http(), "GET", created.header("Location"), null);
        assertEquals(200, bySlug.status(), bySlug::toString);
        assertEquals(created.json(), bySlug.json());
        assertEquals(created.header("ETag"), bySlug.header("ETag"));
        assertEquals(created.json(), admin(b.http(), "GET", "/admin/v1/tenants/" + id, null).json(), "by id");
        assertTrue(a.cli("tenant", "list").out().contains(id), "the CLI and the API share the tenants");

        assertEquals(409, admin(b.http(), "POST", "/admin/v1/tenants", "{\"slug\": \"t-acme\"}").status());
        String given = "0190a1b2-c3d4-7e5f-8000-0000000000a1";
        Http.Reply withId = admin(b.http(), "POST", "/admin/v1/tenants", "{\"slug\": \"t-given\", \"id\": \"" + given + "\"}");
        assertEquals(201, withId.status(), withId::toString);
        assertEquals(given, withId.json().get("id").asText(), "the CLI's tenant create --id");
        assertEquals("t-given", withId.json().get("name").asText(), "the name defaults to the slug");
        Http.Reply takenId = admin(b.http(), "POST", "/admin/v1/tenants", "{\"slug\": \"t-other\", \"id\": \"" + given + "\"}");
        assertEquals(409, takenId.status(), takenId::toString);
        assertEquals(404, admin(b.http(), "GET", "/admin/v1/tenants/t-other", null).status(), "nothing written");
        for (String bad : List.of("{}", "{\"slug\": \"Has Caps\"}", "{\"slug\": \"-x\"}", "{\"slug\": \"t-bad\", \"id\": \"nope\"}",
                "{\"slug\": \"t-bad\", \"portal_url\": \"ftp://x\"}", "{\"slug\": \"t-bad\", \"api_url\": \"/relative\"}",
                "{\"slug\": \"t-bad\", \"name\": \"" + "n".repeat(256) + "\"}", "[]", "{\"slug\": ")) {
            Http.Reply refused = admin(a.managementHttp(), "POST", "/admin/v1/tenants", bad);
            assertEquals(400, refused.status(), bad + ": " + refused);
            assertEquals("BAD_REQUEST", refused.json().get("code").asText());
        }
        assertEquals(404, admin(a.managementHttp(), "GET", "/admin/v1/tenants/t-bad", null).status());
        assertEquals(404, admin(a.managementHttp(), "GET", "/admin/v1/tenants/" + UUID.randomUUID(), null).status());
    }

    @Test
    void tenantsAreListedBySlugAPageAtATimeAcrossInserts() {
        for (String slug : List.of("p-1", "p-2", "p-3")) {
            assertEquals(201, admin(a.managementHttp(), "POST", "/admin/v1/tenants", "{\"slug\": \"" + slug + "\"}").status());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        boolean inserted = false;
        do {
            Http.Reply page = admin(b.http(), "GET", "/admin/v1/tenants?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertEquals(200, page.status(), page::toString);
            page.json().get("data").forEach(t -> seen.add(t.get("slug").asText()));
            cursor = page.json().get("has_more").asBoolean() ? page.json().get("next_cursor").asText() : null;
            if (!inserted) {
                admin(a.managementHttp(), "POST", "/admin/v1/tenants", "{\"slug\": \"a-before-all\"}");
                admin(a.managementHttp(), "POST", "/admin/v1/tenants", "{\"slug\": \"zz-after-all\"}");
                inserted = true;
            }
        } while (cursor != null);
        assertEquals(seen.stream().sorted().distinct().toList(), seen, "by slug, none twice");
        assertTrue(seen.containsAll(List.of("p-1", "p-2", "p-3", "zz-after-all")), seen::toString);
        assertFalse(seen.contains("a-before-all"), "inserted before the cursor: not on a later page");
        assertEquals(400, admin(b.http(), "GET", "/admin/v1/tenants?limit=1001", null).status());
        assertEquals(400, admin(b.http(), "GET", "/admin/v1/tenants?cursor=not-ours!", null).status());
    }

    @Test
    void anUpdateWithAStaleETagIsRefusedAndChangesNothing() {
        Http.Reply created = admin(a.managementHttp(), "POST", "/admin/v1/tenants", "{\"slug\": \"t-etag\"}");
        String etag = created.header("ETag");
        Http.Reply renamed = admin(b.http(), "PATCH", "/admin/v1/tenants/t-etag", "{\"name\": \"Renamed\"}", "If-Match", etag);
        assertEquals(200, renamed.status(), renamed::toString);
        assertEquals("Renamed", renamed.json().get("name").asText());
        assertNotEquals(etag, renamed.header("ETag"));
        Http.Reply same = admin(a.managementHttp(), "PATCH", "/admin/v1/tenants/t-etag", "{\"name\": \"Renamed\"}",
                "If-Match", renamed.header("ETag"));
        assertEquals(200, same.status(), same::toString);
        assertEquals(renamed.header("ETag"), same.header("ETag"), "a change that changes nothing keeps the version");
        Http.Reply lost = admin(a.managementHttp(), "PATCH", "/admin/v1/tenants/t-etag", "{\"name\": \"Lost\"}", "If-Match", etag);
        assertEquals(412, lost.status(), lost::toString);
        assertEquals("Renamed", admin(a.managementHttp(), "GET", "/admin/v1/tenants/t-etag", null).json().get("name").asText());
        for (String bad : List.of("{\"name\": \"\"}", "{\"portal_url\": \"not a url\"}", "{\"api_url\": \"mailto:x@y\"}")) {
            assertEquals(400, admin(b.http(), "PATCH", "/admin/v1/tenants/t-etag", bad).status(), bad);
        }
        assertEquals(400, admin(b.http(), "PATCH", "/admin/v1/tenants/t-etag", "{}", "If-Match", "W/\"1\"").status());
        assertEquals(404, admin(b.http(), "PATCH", "/admin/v1/tenants/t-none", "{\"name\": \"x\"}").status());
        Http.Reply unchanged = admin(b.http(), "GET", "/admin/v1/tenants/t-etag", null);
        assertEquals(renamed.header("ETag"), unchanged.header("ETag"), "the refused changes left it as it was");
    }

    @Test
    void ofConcurrentUpdatesFromOneETagExactlyOneWins() throws Exception {
        String etag = admin(a.managementHttp(), "POST", "/admin/v1/tenants", "{\"slug\": \"t-race\"}").header("ETag");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Http.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Http http = i % 2 == 0 ? a.managementHttp() : b.http();
                String name = "racer-" + i;
                replies.add(pool.submit(() -> admin(http, "PATCH", "/admin/v1/tenants/t-race",
                        "{\"name\": \"" + name + "\"}", "If-Match", etag)));
            }
            List<Integer> statuses = new ArrayList<>();
            for (java.util.concurrent.Future<Http.Reply> reply : replies) {
                statuses.add(reply.get().status());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses::toString);
            assertEquals(5, statuses.stream().filter(s -> s == 412).count(), statuses::toString);
        } finally {
            pool.shutdown();
        }
        Http.Reply trail = admin(a.managementHttp(), "GET", "/admin/v1/audit-events?tenant=t-race", null);
        assertEquals(2, trail.json().get("data").size(), "one creation, one update: " + trail);
    }

    /** Issue 25: the api_url returned to that tenant's callers, which before only PUBLIC_URL set. */
    @Test
    void anApiUrlSetOnOneInstanceIsWhatTheOtherTellsTheTenantsCallersWithinASecond() {
        admin(a.managementHttp(), "POST", "/admin/v1/tenants", "{\"slug\": \"t-api\"}");
        String key = AdminCalls.createdKey(admin(a.managementHttp(), "POST", "/admin/v1/tenants/t-api/api-keys", "{}"));
        a.createCustomer("t-api", "api-url-customer");
        String serverWide = b.server().baseUri().toString().replaceAll("/$", "");
        assertEquals(serverWide, mintedApiUrl(key));

        Http.Reply patched = admin(a.managementHttp(), "PATCH", "/admin/v1/tenants/t-api",
                "{\"api_url\": \"https://api.t-api.example/\"}");
        long changed = System.nanoTime();
        assertEquals(200, patched.status(), patched::toString);
        assertEquals("https://api.t-api.example/", patched.json().get("api_url").asText());
        Await.until(Duration.ofSeconds(5), "b answers with the tenant's api_url",
                () -> mintedApiUrl(key).equals("https://api.t-api.example"));
        long millis = (System.nanoTime() - changed) / 1_000_000;
        assertTrue(millis <= 1_000, "seen by the other instance after " + millis + " ms, more than 1 s");

        assertEquals(200, admin(b.http(), "PATCH", "/admin/v1/tenants/t-api", "{\"api_url\": \"\"}").status());
        Await.until(Duration.ofSeconds(1), "cleared: the server-wide value again", () -> mintedApiUrl(key).equals(serverWide));
        assertNull(admin(b.http(), "GET", "/admin/v1/tenants/t-api", null).json().get("api_url"));
    }

    private static String mintedApiUrl(String key) {
        Http.Reply minted = b.http().mint(key, "api-url-customer", null);
        assertEquals(200, minted.status(), minted::toString);
        return minted.json().get("api_url").asText();
    }

    @Test
    void aCreationIsIdempotentAndEveryChangeIsAudited() {
        String body = "{\"slug\": \"t-once\", \"name\": \"Once\"}";
        Http.Reply first = admin(a.managementHttp(), "POST", "/admin/v1/tenants", body, "Idempotency-Key", "tenant-once");
        Http.Reply again = admin(b.http(), "POST", "/admin/v1/tenants", body, "Idempotency-Key", "tenant-once");
        assertEquals(201, again.status(), again::toString);
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(first.json(), again.json());
        assertEquals(first.header("Location"), again.header("Location"));
        Http.Reply other = admin(b.http(), "POST", "/admin/v1/tenants", "{\"slug\": \"t-twice\"}", "Idempotency-Key",
                "tenant-once");
        assertEquals(422, other.status(), other::toString);
        assertEquals(404, admin(b.http(), "GET", "/admin/v1/tenants/t-twice", null).status());
        admin(b.http(), "PATCH", "/admin/v1/tenants/t-once", "{\"portal_url\": \"https://p.example\"}");

        String id = first.json().get("id").asText();
        Http.Reply trail = admin(a.managementHttp(), "GET", "/admin/v1/audit-events?tenant=t-once", null);
        assertEquals(200, trail.status(), trail::toString);
        List<JsonNode> events = new ArrayList<>();
        trail.json().get("data").forEach(events::add);
        assertEquals(List.of("tenant.update", "tenant.create"), events.stream().map(e -> e.get("action").asText()).toList());
        JsonNode update = events.get(0);
        assertEquals("admin_key", update.get("actor").get("kind").asText());
        assertEquals(adminKey.substring(adminKey.indexOf('/') + 1), update.get("actor").get("key_id").asText());
        assertEquals(id, update.get("tenant_id").asText());
        assertEquals("t-once", update.get("target").asText());
        assertFalse(update.get("before").hasNonNull("portal_url"));
        assertEquals("https://p.example", update.get("after").get("portal_url").asText());
        assertFalse(events.get(1).hasNonNull("before"), "a creation has no before");
    }

    @Test
    void onlyAnAdminKeyManagesTenantsAndOnlyWhereTheOperatorPartIsServed() {
        a.createTenant("t-perm");
        String tenantKey = a.createApiKey("t-perm");
        String portalKey = a.cliOk("portal-key", "create", "--name", "tenants-portal");
        AdminCalls.onlyAnAdminKey(List.of(new AdminCalls.Call("POST", "/admin/v1/tenants", "{\"slug\": \"t-perm-new\"}"),
                new AdminCalls.Call("GET", "/admin/v1/tenants", null), new AdminCalls.Call("GET", "/admin/v1/tenants/t-perm", null),
                new AdminCalls.Call("PATCH", "/admin/v1/tenants/t-perm", "{\"name\": \"x\"}")),
                List.of(a.managementHttp(), b.http()), a.http(), adminKey, tenantKey, portalKey);
        assertEquals(404, admin(b.http(), "GET", "/admin/v1/tenants/t-perm-new", null).status(), "nothing was created");
        assertEquals("t-perm", admin(b.http(), "GET", "/admin/v1/tenants/t-perm", null).json().get("name").asText());
    }
}
