package dev.portaltoken.meteroid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Await;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.Sql;
import dev.portaltoken.support.StandInMeteroid;
import dev.portaltoken.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's periodic sync (PORTAL_METEROID_SYNC_SECONDS), started by the lifecycle: a customer
 * created, renamed and archived upstream shows here without anyone running {@code customer sync},
 * and the sync stops when the server does.
 */
class PeriodicSyncTest {
    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of("PORTAL_METEROID_SYNC_SECONDS", "1"), null);

    private static String row(TestServer server, UUID id) {
        try (var c = server.sql(); var s = c.createStatement(); var rs = s.executeQuery(
                "SELECT name || '|' || (archived_at IS NOT NULL) FROM customer WHERE id = '" + id + "'")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theServerSyncsEveryConnectedTenantByItself(@TempDir Path dir) throws Exception {
        TestServer server = acme.server();
        String apiKey = MeteroidSyncTest.newApiKey();
        StandInMeteroid.Customers upstream = new StandInMeteroid.Customers();
        try (StandInMeteroid meteroid = StandInMeteroid.start(apiKey, upstream)) {
            StandInMeteroid.Customer customer = new StandInMeteroid.Customer(UUID.randomUUID(), "Periodic", "periodic", null);
            upstream.add(customer);
            server.cliOk("meteroid", "connect", "--tenant", "acme", "--api-url", meteroid.url().toString(),
                    "--api-key-file", Files.writeString(dir.resolve("key"), apiKey).toString());
            Await.until(Await.PICKUP, "the periodic sync created the customer",
                    () -> "Periodic|false".equals(row(server, customer.id())));
            upstream.replace(customer.id(), new StandInMeteroid.Customer(customer.id(), "Renamed", "periodic", null));
            upstream.archive(customer.id());
            Await.until(Await.PICKUP, "the periodic sync renamed and archived it",
                    () -> "Renamed|true".equals(row(server, customer.id())));
            assertTrue(server.cliOk("meteroid", "status", "--tenant", "acme").contains("1 renamed"), "recorded");
            assertEquals(List.of(), meteroid.violations());
            assertEquals(1, Sql.count(server::sql, "SELECT count(*) FROM meteroid_customer"));
        }
    }
}
