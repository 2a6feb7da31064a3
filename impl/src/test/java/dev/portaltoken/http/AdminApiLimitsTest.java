package dev.portaltoken.http;

import static dev.portaltoken.http.CustomersApiTest.call;
import static dev.portaltoken.support.Replies.assertTooManyRequests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.AdminDocument;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.ManualTime;
import dev.portaltoken.support.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a production API is expected to do, on the admin API's routes (issue 25, section 4): requests
 * are rate limited per key as the token path is (429 with Retry-After, the key's one bucket), pages
 * and bodies are bounded (limit above 1000: 400; a body over the server's limit: 400 naming it, as
 * on the token path), and PORTAL_ADMIN_API
 * decides where the operator part (/admin/v1) is served: off, on neither port; main, on the main
 * port only. Every operator route is taken from openapi/admin.openapi.yaml, so one added later is
 * covered too.
 */
class AdminApiLimitsTest {
    private final ManualTime time = new ManualTime();

    /** Every operation of the operator part, as "METHOD /path" with each path parameter set to acme. */
    static List<String> operatorRoutes() {
        return AdminDocument.operations().stream().filter(AdminDocument.Operation::operatorPart)
                .map(o -> o.method() + " " + o.path("acme")).toList();
    }

    private static Http.Reply run(Http http, String route, String key) {
        String[] parts = route.split(" ");
        boolean body = !parts[0].equals("GET") && !parts[0].equals("DELETE");
        return call(http, parts[0], parts[1], key, body ? "{}" : null);
    }

    @Test
    void adminRoutesAreRateLimitedPerKeyAsTheTokenPathIs() {
        try (TestServer server = TestServer.start(Map.of("MANAGEMENT_PORT", "0", "PORTAL_RATE_LIMIT_PER_SECOND", "1",
                "PORTAL_RATE_LIMIT_BURST", "3"), time)) {
            server.createTenant("acme");
            String adminKey = server.cliOk("admin-key", "create", "--name", "limited");
            String apiKey = server.createApiKey("acme");
            String customer = server.createCustomer("acme", "limited");
            Http management = server.managementHttp();
            for (int i = 0; i < 3; i++) {
                Http.Reply list = call(management, "GET", "/admin/v1/tenants/acme/customers", adminKey, null);
                assertEquals(200, list.status(), list::toString);
                assertEquals(Integer.toString(2 - i), list.header("RateLimit-Remaining"));
            }
            Http.Reply limited = call(management, "POST", "/admin/v1/tenants/acme/customers", adminKey,
                    "{\"alias\": \"over-the-limit\"}");
            assertEquals(1, assertTooManyRequests(limited), "one request comes back in 1 s");
            assertEquals(429, call(management, "GET", "/admin/v1/audit-events", adminKey, null).status());

            // A tenant's key has one bucket for its customers and its mints alike, apart from the admin key's.
            assertEquals(200, call(server.http(), "GET", "/api/v1/customers", apiKey, null).status());
            assertEquals(200, call(server.http(), "GET", "/api/v1/customers/limited", apiKey, null).status());
            assertEquals(200, server.http().mint(apiKey, customer, null).status());
            assertTooManyRequests(call(server.http(), "POST", "/api/v1/customers", apiKey, "{\"alias\": \"over-too\"}"));

            time.advance(Duration.ofSeconds(1));
            assertEquals(404, call(management, "GET", "/admin/v1/tenants/acme/customers/over-the-limit", adminKey, null)
                    .status(), "the limited creation wrote nothing");
            time.advance(Duration.ofSeconds(1));
            assertEquals(404, call(server.http(), "GET", "/api/v1/customers/over-too", apiKey, null).status());
        }
    }

    @Test
    void pagesAndBodiesAreBounded() {
        try (TestServer server = TestServer.start(Map.of("MANAGEMENT_PORT", "0"))) {
            server.createTenant("acme");
            String adminKey = server.cliOk("admin-key", "create", "--name", "bounded");
            Http management = server.managementHttp();
            for (String list : List.of("/admin/v1/tenants/acme/customers", "/admin/v1/audit-events")) {
                Http.Reply refused = call(management, "GET", list + "?limit=1001", adminKey, null);
                assertEquals(400, refused.status(), refused::toString);
                assertEquals("BAD_REQUEST", refused.json().get("code").asText());
                assertEquals(200, call(management, "GET", list + "?limit=1000", adminKey, null).status());
            }
            String name = "n".repeat(HttpLimits.DEFAULT.maxBodyBytes());
            Http.Reply tooLarge = call(management, "POST", "/admin/v1/tenants/acme/customers", adminKey,
                    "{\"alias\": \"too-large\", \"name\": \"" + name + "\"}");
            // 400, as on the token path (the documents declare no 413): the message names the bound.
            assertEquals(400, tooLarge.status(), tooLarge::toString);
            assertEquals("request body is larger than " + HttpLimits.DEFAULT.maxBodyBytes() + " bytes",
                    tooLarge.json().get("message").asText());
            assertEquals(404, call(management, "GET", "/admin/v1/tenants/acme/customers/too-large", adminKey, null)
                    .status(), "nothing created");
            assertEquals(404, call(management, "GET", "/admin/v1/tenants/ac%00me/customers", adminKey, null).status(),
                    "a slug with a NUL names no tenant (it was a 500: PostgreSQL text holds no NUL)");
        }
    }

    @Test
    void offServesTheOperatorPartOnNeitherPort() throws Exception {
        try (TestServer server = TestServer.start(Map.of("MANAGEMENT_PORT", "0", "PORTAL_ADMIN_API", "off"))) {
            server.createTenant("acme");
            String adminKey = server.cliOk("admin-key", "create", "--name", "switched-off");
            String apiKey = server.createApiKey("acme");
            List<String> routes = operatorRoutes();
            assertTrue(routes.size() >= 8, routes::toString);
            for (String route : routes) {
                for (Http http : List.of(server.http(), server.managementHttp())) {
                    Http.Reply reply = run(http, route, adminKey);
                    assertEquals(404, reply.status(), route + ": " + reply);
                    assertEquals("NOT_FOUND", reply.json().get("code").asText());
                }
            }
            // Only the operator part is off: a tenant's own customers stay, and so does their document.
            assertEquals(201, call(server.http(), "POST", "/api/v1/customers", apiKey, "{\"alias\": \"still-on\"}")
                    .status());
            assertEquals(200, server.http().get("/openapi/admin.openapi.yaml").status());
        }
    }

    @Test
    void mainServesTheOperatorPartOnTheMainPortOnly() throws Exception {
        try (TestServer server = TestServer.start(Map.of("MANAGEMENT_PORT", "0", "PORTAL_ADMIN_API", "main"))) {
            server.createTenant("acme");
            String adminKey = server.cliOk("admin-key", "create", "--name", "on-main");
            for (String route : operatorRoutes()) {
                Http.Reply onManagement = run(server.managementHttp(), route, adminKey);
                assertEquals(404, onManagement.status(), route + ": " + onManagement);
            }
            assertEquals(200, call(server.http(), "GET", "/admin/v1/tenants/acme/customers", adminKey, null).status());
            assertEquals(200, call(server.http(), "GET", "/admin/v1/audit-events", adminKey, null).status());
        }
    }
}
