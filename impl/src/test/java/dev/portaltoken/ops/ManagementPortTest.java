package dev.portaltoken.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With a management port, health, readiness and metrics move there and leave the API port. */
class ManagementPortTest {

    @Test
    void operationsEndpointsLiveOnlyOnTheManagementPort() {
        try (TestServer server = TestServer.start(Map.of("MANAGEMENT_PORT", "0"))) {
            Http api = server.http();
            Http management = server.managementHttp();
            assertNotEquals(server.server().baseUri(), server.server().managementUri());
            for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
                assertEquals(200, management.get(path).status(), path);
                Http.Reply onApi = api.get(path);
                assertEquals(404, onApi.status(), path);
                assertEquals("NOT_FOUND", onApi.json().get("code").asText());
            }
            assertEquals(200, api.get("/.well-known/jwks.json").status());
        }
    }
}
