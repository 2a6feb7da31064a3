package dev.portaltoken.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.TestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Found customers are remembered; an archive or alias change made by the CLI reaches a running
 * server's cache at once through PostgreSQL notifications, long before the cache lifetime.
 */
class CustomerCacheTest {

    private static long customerQueries(TestServer server) throws Exception {
        try (Connection c = server.sql(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(seq_scan + idx_scan), 0) FROM pg_stat_user_tables"
                     + " WHERE relname = 'customer'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aFoundCustomerIsServedFromMemoryAndChangesReachTheCacheAtOnce() throws Exception {
        try (TestServer server = TestServer.start(Map.of("PORTAL_CUSTOMER_CACHE_SECONDS", "3600"))) {
            server.createTenant("acme");
            String key = server.createApiKey("acme");
            server.createCustomer("acme", "cached");
            assertEquals(200, server.http().mint(key, "cached", null).status());
            long before = customerQueries(server);
            for (int i = 0; i < 20; i++) {
                assertEquals(200, server.http().mint(key, "cached", null).status());
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(404, server.http().mint(key, "missing-" + i, null).status());
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (customerQueries(server) - before < 20 && System.nanoTime() < deadline) {
                Thread.sleep(200); // table statistics reach pg_stat a little after each query
            }
            long queries = customerQueries(server) - before;
            assertTrue(queries >= 20, "the 20 misses are counted (the measure works): " + queries);
            assertTrue(queries <= 21, "the 20 repeat hits came from memory: " + queries);

            assertEquals(404, server.http().mint(key, "created-later", null).status());
            server.createCustomer("acme", "created-later");
            assertEquals(200, server.http().mint(key, "created-later", null).status(), "misses are not cached");

            server.cliOk("customer", "archive", "--tenant", "acme", "cached");
            deadline = System.nanoTime() + 10_000_000_000L;
            int status;
            do {
                Thread.sleep(200);
                status = server.http().mint(key, "cached", null).status();
            } while (status == 200 && System.nanoTime() < deadline);
            assertEquals(404, status, "the archive reached the running server's cache at once, not after an hour");
            server.cliOk("customer", "unarchive", "--tenant", "acme", "cached");
            server.cliOk("customer", "update", "--tenant", "acme", "cached", "--alias", "renamed");
            deadline = System.nanoTime() + 10_000_000_000L;
            do {
                Thread.sleep(200);
                status = server.http().mint(key, "cached", null).status();
            } while (status == 200 && System.nanoTime() < deadline);
            assertEquals(404, status, "the old alias stops working once renamed");
            assertEquals(200, server.http().mint(key, "renamed", null).status());
        }
    }
}
