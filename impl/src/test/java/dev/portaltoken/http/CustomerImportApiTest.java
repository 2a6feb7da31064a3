package dev.portaltoken.http;

import static dev.portaltoken.http.CustomersApiTest.auth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bulk import over HTTP on two instances sharing one database: a (the operator part on its
 * management port) and b (the operator part on its main port). CSV and NDJSON bodies, all or
 * nothing with bad rows listed by line, one audit event, Idempotency-Key by the body's digest, and
 * every kind of key on both routes. The scale is shown by jar.CustomerImportScaleIT.
 */
class CustomerImportApiTest {
    private static final String CSV = "text/csv";
    private static final String NDJSON = "application/x-ndjson";
    private static final String TENANT_IMPORT = "/api/v1/customers/import";
    private static TestServer a;
    private static TestServer b;
    private static String acmeKey;
    private static String portalKey;
    private static String adminKey;

    @BeforeAll
    static void start() {
        String kek = TestServer.newKeyEncryptionKey();
        a = TestServer.start(Map.of("MANAGEMENT_PORT", "0", "PORTAL_KEY_ENCRYPTION_KEY", kek));
        b = a.startAnother(Map.of("PORTAL_KEY_ENCRYPTION_KEY", kek, "PORTAL_ADMIN_API", "main"));
        a.createTenant("acme");
        a.createTenant("globex");
        a.createTenant("initech");
        acmeKey = a.createApiKey("acme");
        portalKey = a.cliOk("portal-key", "create", "--name", "import-portal");
        adminKey = a.cliOk("admin-key", "create", "--name", "import-ops");
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    static Http.Reply upload(Http http, String path, String key, String type, String body, String... headers) {
        Map<String, String> all = key == null ? new java.util.HashMap<>() : auth(key, headers);
        all.put("Content-Type", type);
        return http.send("POST", path, all, body.getBytes(StandardCharsets.UTF_8));
    }

    private static long customers(String tenant) {
        try (Connection c = a.sql(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM customer c JOIN tenant t ON t.id = c.tenant_id WHERE t.slug = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertCounts(Http.Reply reply, long rows, long created, long updated, long unchanged) {
        assertEquals(200, reply.status(), reply::toString);
        JsonNode json = reply.json();
        assertEquals(rows, json.get("rows").asLong(), reply::toString);
        assertEquals(created, json.get("created").asLong(), reply::toString);
        assertEquals(updated, json.get("updated").asLong(), reply::toString);
        assertEquals(unchanged, json.get("unchanged").asLong(), reply::toString);
    }

    @Test
    void aTenantKeyImportsCsvThatTheOtherInstanceMintsAtOnceAndAReimportUpdatesByAlias() {
        String csv = "\uFEFFemail,Alias,name\r\nann@example.com,imp-ann,Ann\r\n,imp-bob,\"Bob, Jr.\"\r\n\r\n"
                + "cy@example.com,imp-cy,Cy\r\n";
        assertCounts(upload(a.http(), TENANT_IMPORT, acmeKey, CSV + "; charset=utf-8", csv), 3, 3, 0, 0);
        assertEquals(200, b.http().mint(acmeKey, "imp-bob", null).status(), "imported, minted by the other instance");
        Http.Reply bob = CustomersApiTest.call(b.http(), "GET", "/api/v1/customers/imp-bob", acmeKey, null);
        assertEquals("Bob, Jr.", bob.json().get("name").asText());
        assertFalse(bob.json().has("email"), bob::toString);

        assertCounts(upload(b.http(), TENANT_IMPORT, acmeKey, CSV,
                "alias,name,email\nimp-ann,Ann,ann@example.com\nimp-bob,Bob,\nimp-dee,Dee,\n"), 3, 1, 1, 1);
        assertEquals("Bob", CustomersApiTest.call(a.http(), "GET", "/api/v1/customers/imp-bob", acmeKey, null)
                .json().get("name").asText());
    }

    @Test
    void anAdminKeyImportsNdjsonForATenantOnEitherPortWhereTheOperatorPartIsServed() {
        long before = customers("globex");
        String ndjson = "{\"alias\": \"nd-1\", \"name\": \"One\", \"email\": \"one@example.com\"}\n\n"
                + "{\"alias\": \"nd-2\", \"name\": null}\r\n{\"alias\": \"nd-3\"}";
        assertCounts(upload(a.managementHttp(), "/admin/v1/tenants/globex/customers/import", adminKey, NDJSON, ndjson),
                3, 3, 0, 0);
        assertCounts(upload(b.http(), "/admin/v1/tenants/globex/customers/import", adminKey, NDJSON,
                "{\"alias\": \"nd-3\", \"email\": \"three@example.com\"}\n"), 1, 0, 1, 0);
        assertEquals(before + 3, customers("globex"));
        assertEquals("three@example.com", CustomersApiTest.call(b.http(), "GET",
                "/admin/v1/tenants/globex/customers/nd-3", adminKey, null).json().get("email").asText());
    }

    @Test
    void anyBadRowIsListedByLineAndNothingIsWritten() {
        long before = customers("acme");
        Http.Reply csv = upload(a.http(), TENANT_IMPORT, acmeKey, CSV, "alias,name,email\nbad-ok-1,A,\n,B,\n"
                + "bad-ok-2,C,not-an-email\nbad-ok-1,D,\nhas space,E,\nbad-ok-3,F\n");
        assertEquals(400, csv.status(), csv::toString);
        String message = csv.json().get("message").asText();
        assertTrue(message.startsWith("5 bad rows, nothing was imported:\n"), message);
        for (String line : new String[] {"line 3: alias is required", "line 4: ", "line 5: alias 'bad-ok-1' is also on line 2",
                "line 6: ", "line 7: expected 3 columns"}) {
            assertTrue(message.contains(line), line + " in " + message);
        }
        Http.Reply ndjson = upload(b.http(), "/admin/v1/tenants/acme/customers/import", adminKey, NDJSON,
                "{\"alias\": \"bad-nd-1\"}\n{\"alias\": \n[1]\n{\"alias\": \"bad-nd-2\", \"nmae\": \"x\"}\n"
                        + "{\"alias\": 7}\n{\"name\": \"no alias\"}\n{\"alias\": \"x" + "y".repeat(70_000) + "\"}\n");
        assertEquals(400, ndjson.status(), ndjson::toString);
        String listed = ndjson.json().get("message").asText();
        for (String line : new String[] {"line 2: not valid JSON", "line 3: expected a JSON object",
                "line 4: unknown field 'nmae' (did you mean 'name'?)", "line 5: alias must be a string",
                "line 6: alias is required", "line 7: line is longer than 65536 characters"}) {
            assertTrue(listed.contains(line), line + " in " + listed);
        }
        assertEquals(before, customers("acme"), "nothing was written");
        assertEquals(404, CustomersApiTest.call(a.http(), "GET", "/api/v1/customers/bad-ok-1", acmeKey, null).status());
    }

    @Test
    void theListOfBadRowsIsBoundedAndSaysHowManyThereAre() {
        StringBuilder csv = new StringBuilder("alias,name,email\n");
        for (int i = 0; i < 250; i++) {
            csv.append("ok-").append(i).append(",,\n").append(",no alias,\n");
        }
        Http.Reply reply = upload(a.http(), TENANT_IMPORT, acmeKey, CSV, csv.toString());
        assertEquals(400, reply.status(), reply::toString);
        String message = reply.json().get("message").asText();
        assertTrue(message.startsWith("250 bad rows, nothing was imported (the first 100 listed):\n"), message);
        assertEquals(100, message.lines().filter(line -> line.endsWith("alias is required")).count());
        assertTrue(message.contains("line 3: alias is required") && message.contains("line 201: alias is required"));
        assertFalse(message.contains("line 203:"), message);
    }

    @Test
    void malformedBodiesAreRefusedClearly() {
        String[][] cases = {
            {CSV, "", "the file is empty"},
            {CSV, "alias,nmae,email\n", "unknown column 'nmae' (did you mean 'name'?)"},
            {"application/json", "{\"alias\": \"x\"}", "an import takes text/csv or application/x-ndjson"},
            {CSV + "; charset=iso-8859-1", "alias,name,email\n", "charset iso-8859-1 is not read"},
            {CSV, "\"alias\"x,name,email\nok,,\n", "line 1: the header row is not valid CSV"},
            {CSV, "alias,name,email\nok,,\n\"bad\"x,,\nok-2,,\n", "1 bad row, nothing was imported:\nline 3: not valid CSV"},
        };
        for (String[] c : cases) {
            Http.Reply reply = upload(a.http(), TENANT_IMPORT, acmeKey, c[0], c[1]);
            assertEquals(400, reply.status(), c[1] + ": " + reply);
            assertTrue(reply.json().get("message").asText().contains(c[2]), reply::toString);
        }
        Map<String, String> headers = auth(acmeKey, "Content-Type", CSV);
        byte[] latin1 = "alias,name,email\nlatin,Zo\u00eb,\n".getBytes(StandardCharsets.ISO_8859_1);
        Http.Reply notUtf8 = a.http().send("POST", TENANT_IMPORT, headers, latin1);
        assertEquals(400, notUtf8.status(), notUtf8::toString);
        assertEquals("the body is not UTF-8 text", notUtf8.json().get("message").asText());
        byte[] cutShort = "alias,name,email\nshort,Zo\u00eb".getBytes(StandardCharsets.UTF_8);
        Http.Reply truncated = a.http().send("POST", TENANT_IMPORT, headers, java.util.Arrays.copyOf(cutShort,
                cutShort.length - 1));
        assertEquals("the body is not UTF-8 text", truncated.json().get("message").asText(), truncated::toString);
        String tooLarge = a.http().raw("POST " + TENANT_IMPORT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + acmeKey
                + "\r\nContent-Type: text/csv\r\nContent-Length: " + (HttpLimits.MAX_IMPORT_BYTES + 1)
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(tooLarge.startsWith("HTTP/1.1 400") && tooLarge.contains("the limit of an import"), tooLarge);
    }

    @Test
    void anIdempotencyKeyReplaysTheFirstAnswerForTheSameBodyAndRefusesAnother() {
        String body = "alias,name,email\nidem-imp-1,One,\nidem-imp-2,Two,\n";
        Http.Reply first = upload(a.http(), TENANT_IMPORT, acmeKey, CSV, body, "Idempotency-Key", "imp-key-1");
        assertCounts(first, 2, 2, 0, 0);
        assertNull(first.header("Idempotent-Replayed"));
        Http.Reply again = upload(b.http(), TENANT_IMPORT, acmeKey, CSV, body, "Idempotency-Key", "imp-key-1");
        assertCounts(again, 2, 2, 0, 0);
        assertEquals("true", again.header("Idempotent-Replayed"));
        Http.Reply other = upload(a.http(), TENANT_IMPORT, acmeKey, CSV, body + "idem-imp-3,,\n",
                "Idempotency-Key", "imp-key-1");
        assertEquals(422, other.status(), other::toString);
        assertEquals(404, CustomersApiTest.call(a.http(), "GET", "/api/v1/customers/idem-imp-3", acmeKey, null).status());
        assertCounts(upload(a.http(), TENANT_IMPORT, acmeKey, CSV, body, "Idempotency-Key", "imp-key-2"), 2, 0, 0, 2);
    }

    @Test
    void anImportIsOneAuditEventWithItsCountsAndItsKey() {
        assertCounts(upload(b.http(), "/admin/v1/tenants/initech/customers/import", adminKey, CSV,
                "alias,name,email\naud-1,,\naud-2,,\naud-3,,\n"), 3, 3, 0, 0);
        Http.Reply events = CustomersApiTest.call(b.http(), "GET", "/admin/v1/audit-events?tenant=initech", adminKey, null);
        assertEquals(200, events.status(), events::toString);
        List<JsonNode> customerEvents = new ArrayList<>();
        events.json().get("data").forEach(event -> {
            if (event.get("action").asText().startsWith("customer.")) {
                customerEvents.add(event);
            }
        });
        assertEquals(1, customerEvents.size(), "one event for the whole import: " + customerEvents);
        JsonNode event = customerEvents.get(0);
        assertEquals("customer.import", event.get("action").asText());
        assertEquals("admin_key", event.get("actor").get("kind").asText());
        assertEquals("import-ops", event.get("actor").get("name").asText());
        assertEquals(3, event.get("after").get("created").asLong());
        assertEquals(3, event.get("after").get("rows").asLong());
    }

    /** POST .../customers/import is the import; every other method there is the customer with alias "import". */
    @Test
    void aCustomerWhoseAliasIsImportIsStillReachedByItsAlias() {
        assertCounts(upload(a.http(), TENANT_IMPORT, acmeKey, NDJSON, "{\"alias\": \"import\"}\n"), 1, 1, 0, 0);
        Http.Reply byAlias = CustomersApiTest.call(b.http(), "GET", "/api/v1/customers/import", acmeKey, null);
        assertEquals(200, byAlias.status(), byAlias::toString);
        assertEquals("import", byAlias.json().get("alias").asText());
        Http.Reply renamed = CustomersApiTest.call(b.http(), "PATCH", "/api/v1/customers/import", acmeKey,
                "{\"name\": \"Imported\"}");
        assertEquals(200, renamed.status(), renamed::toString);
        assertEquals("Imported", renamed.json().get("name").asText());
    }

    @Test
    void eachKindOfKeyIsAllowedOnlyItsOwnRoute() {
        String body = "alias,name,email\nperm-imp,,\n";
        assertEquals(401, upload(a.http(), TENANT_IMPORT, null, CSV, body).status());
        assertEquals(401, upload(a.http(), TENANT_IMPORT, "pt_live_nope/x", CSV, body).status());
        assertEquals(403, upload(a.http(), TENANT_IMPORT, portalKey, CSV, body).status(), "a portal key");
        assertEquals(403, upload(a.http(), TENANT_IMPORT, adminKey, CSV, body).status(), "an admin key on the tenant's route");
        String operator = "/admin/v1/tenants/acme/customers/import";
        assertEquals(403, upload(b.http(), operator, acmeKey, CSV, body).status(), "a tenant key on the operator's route");
        assertEquals(403, upload(b.http(), operator, portalKey, CSV, body).status(), "a portal key on the operator's route");
        assertEquals(401, upload(a.managementHttp(), operator, null, CSV, body).status());
        assertEquals(404, upload(a.managementHttp(), "/admin/v1/tenants/nope/customers/import", adminKey, CSV, body)
                .status(), "no such tenant");
        assertEquals(404, upload(a.http(), operator, adminKey, CSV, body).status(), "not served on a's main port");
        assertEquals(404, CustomersApiTest.call(a.http(), "GET", "/api/v1/customers/perm-imp", acmeKey, null).status(),
                "no refused import wrote anything");
    }
}
