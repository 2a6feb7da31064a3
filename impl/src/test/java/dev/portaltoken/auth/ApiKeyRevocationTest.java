package dev.portaltoken.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portaltoken.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A revoked key stops working within the verified-key cache's lifetime, on a running server. */
class ApiKeyRevocationTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("PORTAL_API_KEY_CACHE_SECONDS", "1"));
        server.createTenant("acme");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aRevocationReachesARunningServerAtOnceThroughNotifications() throws Exception {
        try (dev.portaltoken.support.TestServer slow = dev.portaltoken.support.TestServer.start(
                Map.of("PORTAL_API_KEY_CACHE_SECONDS", "30"))) {
            slow.createTenant("acme");
            String customer = slow.createCustomer("acme", null);
            String key = slow.createApiKey("acme");
            assertEquals(200, slow.http().mint(key, customer, null).status(), "verified and now cached for 30 s");
            slow.cliOk("api-key", "revoke", "--tenant", "acme", key.substring(key.indexOf('/') + 1));
            long deadline = System.nanoTime() + 5_000_000_000L;
            int status;
            do {
                Thread.sleep(100);
                status = slow.http().mint(key, customer, null).status();
            } while (status == 200 && System.nanoTime() < deadline);
            assertEquals(401, status, "refused within seconds although the cache would keep it 30 s");
        }
    }

    @Test
    void aKeyInUseIsRefusedOnceTheCacheLifetimeHasPassedAfterRevocation() throws Exception {
        String customer = server.createCustomer("acme", null);
        String key = server.createApiKey("acme");
        assertEquals(200, server.http().mint(key, customer, null).status());
        server.cliOk("api-key", "revoke", "--tenant", "acme", key.substring(key.indexOf('/') + 1));
        long deadline = System.nanoTime() + 5_000_000_000L;
        int status;
        do {
            Thread.sleep(100);
            status = server.http().mint(key, customer, null).status();
        } while (status == 200 && System.nanoTime() < deadline);
        assertEquals(401, status, "revocation took effect within the cache lifetime");
    }
}
