package dev.portaltoken.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portaltoken.support.Await;
import dev.portaltoken.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tenant's portal URL travels with its verified API keys in the key cache (30 s here); a change
 * made by the CLI is announced like the other changes and reaches a running server at once.
 */
class TenantChangeTest {

    @Test
    void aChangedPortalUrlReachesARunningServerLongBeforeTheKeyCacheExpires() {
        try (TestServer server = TestServer.start(Map.of("PORTAL_API_KEY_CACHE_SECONDS", "30"))) {
            server.createTenant("acme", "--portal-url", "https://old.acme.example");
            String key = server.createApiKey("acme");
            String customer = server.createCustomer("acme", null);
            assertEquals("https://old.acme.example", portalUrl(server, key, customer), "now cached with the key");

            server.cliOk("tenant", "update", "--slug", "acme", "--portal-url", "https://new.acme.example");
            Await.until(Await.PICKUP, "the new portal URL is served (the key cache keeps 30 s)",
                    () -> "https://new.acme.example".equals(portalUrl(server, key, customer)));

            server.cliOk("tenant", "update", "--slug", "acme", "--clear-portal-url");
            Await.until(Await.PICKUP, "the configured portal URL is served once the tenant's is cleared",
                    () -> "https://portal.test.example".equals(portalUrl(server, key, customer)));
        }
    }

    private static String portalUrl(TestServer server, String key, String customer) {
        return server.http().mint(key, customer, null).json().get("portal_url").asText();
    }
}
