package dev.portaltoken.http;

import static dev.portaltoken.http.CustomersApiTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may do what in the admin API, each kind of key on each operation: admin keys (made and revoked
 * with the CLI) manage any tenant's customers and read the audit trail on the management port, and may
 * not use the portal-token endpoints; a tenant's API key manages its own customers only; portal keys
 * manage nothing. Server a serves the operator part on its management port (the default), server b,
 * on the same database, on its main port (PORTAL_ADMIN_API=main).
 */
class AdminApiPermissionsTest {
    private static final List<String> CUSTOMER_CALLS = List.of("GET /api/v1/customers", "POST /api/v1/customers",
            "GET /api/v1/customers/perm-acme", "PATCH /api/v1/customers/perm-acme", "PUT /api/v1/customers/perm-acme",
            "DELETE /api/v1/customers/perm-acme", "POST /api/v1/customers/perm-acme/unarchive");
    private static TestServer a;
    private static TestServer b;
    private static String acmeKey;
    private static String globexKey;
    private static String portalKey;
    private static String adminKey;
    private static String acmeCustomer;

    @BeforeAll
    static void start() {
        String kek = TestServer.newKeyEncryptionKey();
        a = TestServer.start(Map.of("MANAGEMENT_PORT", "0", "PORTAL_KEY_ENCRYPTION_KEY", kek));
        b = a.startAnother(Map.of("PORTAL_KEY_ENCRYPTION_KEY", kek, "PORTAL_ADMIN_API", "main"));
        a.createTenant("acme");
        a.createTenant("globex");
        acmeKey = a.createApiKey("acme");
        globexKey = a.createApiKey("globex");
        portalKey = a.cliOk("portal-key", "create", "--name", "billing-portal");
        adminKey = a.cliOk("admin-key", "create", "--name", "ops-console");
        acmeCustomer = a.createCustomer("acme", "perm-acme");
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    private static Http.Reply run(Http http, String call, String key) {
        String[] parts = call.split(" ");
        boolean body = parts[0].equals("POST") && !parts[1].endsWith("/unarchive") || parts[0].equals("PATCH")
                || parts[0].equals("PUT");
        return call(http, parts[0], parts[1], key, body ? "{}" : null);
    }

    @Test
    void adminKeysArePrefixedAndListedWithoutTheirSecret() {
        assertTrue(adminKey.startsWith("pt_admin_"), "the CLI prints the key once");
        String listed = a.cli("admin-key", "list", "--json").out();
        assertTrue(listed.contains("ops-console"), listed);
        assertFalse(listed.contains(adminKey.substring("pt_admin_".length(), adminKey.indexOf('/'))), "no secret");
    }

    @Test
    void anAdminKeyIsRefusedOnThePortalTokenEndpointsAndOnTheTenantsRoutes() {
        Http.Reply mint = a.http().mint(adminKey, acmeCustomer, null);
        assertEquals(403, mint.status(), mint::toString);
        assertEquals("FORBIDDEN", mint.json().get("code").asText());
        String token = a.http().mint(acmeKey, acmeCustomer, null).json().get("token").asText();
        Http.Reply introspect = a.http().post("/api/v1/portal-tokens/introspect", CustomersApiTest.auth(adminKey),
                "{\"token\": \"" + token + "\"}", "application/json");
        assertEquals(403, introspect.status(), introspect::toString);
        Http.Reply revoke = a.http().post("/api/v1/portal-tokens/revoke", CustomersApiTest.auth(adminKey),
                "{\"token\": \"" + token + "\"}", "application/json");
        assertEquals(403, revoke.status(), revoke::toString);
        assertEquals(403, a.http().post("/api/v1/customers/" + acmeCustomer + "/portal-tokens/revoke",
                CustomersApiTest.auth(adminKey), null, null).status());
        Http.Reply stillActive = a.http().post("/api/v1/portal-tokens/introspect", CustomersApiTest.auth(acmeKey),
                "{\"token\": \"" + token + "\"}", "application/json");
        assertTrue(stillActive.json().get("active").asBoolean(), "nothing the admin key tried changed the token");
        for (String call : CUSTOMER_CALLS) {
            assertEquals(403, run(a.http(), call, adminKey).status(), call);
        }
    }

    @Test
    void portalKeysManageNothingAndTenantKeysNoOperatorPart() {
        for (String call : CUSTOMER_CALLS) {
            assertEquals(403, run(a.http(), call, portalKey).status(), "portal key: " + call);
        }
        for (String key : List.of(acmeKey, portalKey)) {
            for (Http http : List.of(a.managementHttp(), b.http())) {
                assertEquals(403, call(http, "GET", "/admin/v1/tenants/acme/customers", key, null).status());
                assertEquals(403, call(http, "POST", "/admin/v1/tenants/acme/customers", key, "{}").status());
                assertEquals(403, call(http, "GET", "/admin/v1/audit-events", key, null).status());
            }
        }
        assertEquals(401, call(a.managementHttp(), "GET", "/admin/v1/audit-events", "pt_admin_nope/x", null).status());
    }

    @Test
    void aTenantsKeyNeverReachesAnotherTenantsCustomerByIdOrAlias() {
        for (String call : CUSTOMER_CALLS) {
            if (call.contains("perm-acme")) {
                Http.Reply byId = run(a.http(), call.replace("perm-acme", acmeCustomer), globexKey);
                assertEquals(call.startsWith("PUT") ? 400 : 404, byId.status(), call + " (the upsert takes an alias): "
                        + byId);
                if (!call.startsWith("PUT")) {
                    assertEquals(404, run(b.http(), call, globexKey).status(), "by alias: " + call);
                }
            }
        }
        Http.Reply upsert = call(b.http(), "PUT", "/api/v1/customers/perm-acme", globexKey, "{}");
        assertEquals(201, upsert.status(), "the same alias in another tenant is another customer: " + upsert);
        assertFalse(upsert.json().get("id").asText().equals(acmeCustomer));
        Http.Reply page = call(a.http(), "GET", "/api/v1/customers?limit=1000", globexKey, null);
        assertFalse(page.body().contains(acmeCustomer), "globex's list holds none of acme's");
        assertEquals(200, call(a.http(), "GET", "/api/v1/customers/" + acmeCustomer, acmeKey, null).status());
    }

    @Test
    void anAdminKeyManagesAnyTenantsCustomersWhereTheOperatorPartIsServed() {
        Http.Reply created = call(a.managementHttp(), "POST", "/admin/v1/tenants/globex/customers", adminKey,
                "{\"alias\": \"by-admin\"}", "Idempotency-Key", "admin-1");
        assertEquals(201, created.status(), created::toString);
        String id = created.json().get("id").asText();
        assertEquals("/admin/v1/tenants/globex/customers/" + id, created.header("Location"));
        assertEquals(200, b.http().mint(globexKey, "by-admin", null).status(), "the tenant mints it at once");
        Http.Reply read = call(b.http(), "GET", "/admin/v1/tenants/globex/customers/by-admin", adminKey, null);
        assertEquals(200, read.status(), "served on b's main port: " + read);
        assertEquals(id, read.json().get("id").asText());
        Http.Reply archived = call(b.http(), "DELETE", "/admin/v1/tenants/globex/customers/" + id, adminKey, null,
                "If-Match", read.header("ETag"));
        assertEquals(200, archived.status(), archived::toString);
        assertEquals(404, call(a.managementHttp(), "GET", "/admin/v1/tenants/initech/customers", adminKey, null)
                .status(), "no such tenant");
        assertEquals(404, call(a.http(), "GET", "/admin/v1/tenants/globex/customers", adminKey, null).status(),
                "by default the operator part is not on the main port");
    }

    @Test
    void everyWriteIsInTheAuditTrailWithItsKeyAndNoSecret() {
        Http.Reply created = call(a.http(), "POST", "/api/v1/customers", acmeKey, "{\"alias\": \"audited\"}");
        String id = created.json().get("id").asText();
        call(a.http(), "PATCH", "/api/v1/customers/audited", acmeKey, "{\"email\": \"audit@example.com\"}");
        Http.Reply page = call(a.managementHttp(), "GET", "/admin/v1/audit-events?tenant=acme&limit=1000", adminKey,
                null);
        assertEquals(200, page.status(), page::toString);
        List<JsonNode> events = new ArrayList<>();
        page.json().get("data").forEach(event -> {
            if (event.get("target").asText().equals(id)) {
                events.add(event);
            }
        });
        assertEquals(2, events.size(), page::toString);
        JsonNode update = events.get(0);
        assertEquals("customer.update", update.get("action").asText(), "newest first");
        assertEquals("api_key", update.get("actor").get("kind").asText());
        assertEquals(acmeKey.substring(acmeKey.indexOf('/') + 1), update.get("actor").get("key_id").asText());
        assertFalse(update.get("before").has("email") && !update.get("before").get("email").isNull());
        assertEquals("audit@example.com", update.get("after").get("email").asText());
        assertEquals("customer.create", events.get(1).get("action").asText());
        assertFalse(page.body().contains(acmeKey.substring(8, 20)), "no secret in the trail");

        Http.Reply first = call(a.managementHttp(), "GET", "/admin/v1/audit-events?limit=1", adminKey, null);
        assertTrue(first.json().get("has_more").asBoolean());
        Http.Reply second = call(a.managementHttp(), "GET", "/admin/v1/audit-events?limit=1&cursor="
                + first.json().get("next_cursor").asText(), adminKey, null);
        assertEquals(200, second.status());
        assertTrue(second.json().get("data").get(0).get("id").asText()
                .compareTo(first.json().get("data").get(0).get("id").asText()) < 0, "older on the next page");
    }

    @Test
    void aRevokedAdminKeyIsRefused() {
        String key = a.cliOk("admin-key", "create", "--name", "short-lived");
        assertEquals(200, call(a.managementHttp(), "GET", "/admin/v1/audit-events", key, null).status());
        a.cliOk("admin-key", "revoke", key.substring(key.indexOf('/') + 1));
        dev.portaltoken.support.Await.until(java.time.Duration.ofSeconds(5), "the revocation reaches the server",
                () -> call(a.managementHttp(), "GET", "/admin/v1/audit-events", key, null).status() == 401);
    }
}
