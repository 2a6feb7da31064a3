package dev.portaltoken.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.TenantRepository;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A read snapshot gives the same rows however often it is read, and leaves the pool as it found it. */
class ReadSnapshotTest {
    private static TestServer server;
    private static Database database;

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        server = TestServer.start(Map.of());
        database = Database.open(server.database(), "snapshot-test", false, null);
    }

    @AfterAll
    static void stop() {
        database.close();
        server.close();
    }

    @Test
    void everyReadSeesTheSameRowsWhileOthersWrite() throws Exception {
        TenantRepository tenants = new TenantRepository(database.dataSource());
        new dev.portaltoken.tenant.Tenants(tenants).create("snap-a", "A", null);
        try (ReadSnapshot snapshot = ReadSnapshot.open(database.dataSource())) {
            List<String> first = slugs(tenants, snapshot);
            assertTrue(first.contains("snap-a"), first::toString);
            try (Connection other = server.sql(); Statement s = other.createStatement()) {
                s.execute("INSERT INTO tenant (id, slug, name) VALUES (gen_random_uuid(), 'snap-b', 'B')");
                s.execute("UPDATE tenant SET slug = 'snap-a-renamed' WHERE slug = 'snap-a'");
            }
            assertEquals(first, slugs(tenants, snapshot), "the second read sees what the first did");
        }
        try (ReadSnapshot later = ReadSnapshot.open(database.dataSource())) {
            List<String> now = slugs(tenants, later);
            assertTrue(now.contains("snap-b") && now.contains("snap-a-renamed") && !now.contains("snap-a"), now::toString);
        }
    }

    @Test
    void theConnectionReturnsToThePoolWithTheRequestPathTimeouts() throws Exception {
        int requestTimeout;
        try (Connection c = database.dataSource().getConnection()) {
            requestTimeout = c.getNetworkTimeout();
        }
        assertEquals(10_000, requestTimeout, "the pool's socketTimeout");
        try (ReadSnapshot snapshot = ReadSnapshot.open(database.dataSource())) {
            snapshot.forEach("SELECT current_setting('statement_timeout'), current_setting('transaction_read_only'),"
                    + " current_setting('transaction_isolation')", ps -> { }, rs -> rs.getString(1) + " "
                    + rs.getString(2) + " " + rs.getString(3), setting -> assertEquals("1h on repeatable read", setting));
        }
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('statement_timeout')")) {
            rs.next();
            assertEquals("0", rs.getString(1), "SET LOCAL ended with the snapshot");
            assertEquals(requestTimeout, c.getNetworkTimeout());
            assertTrue(c.getAutoCommit());
            assertFalse(c.isReadOnly());
            assertEquals(Connection.TRANSACTION_READ_COMMITTED, c.getTransactionIsolation());
        }
    }

    private static List<String> slugs(TenantRepository tenants, ReadSnapshot snapshot) throws Exception {
        List<String> slugs = new ArrayList<>();
        tenants.list(snapshot, (Tenant t) -> slugs.add(t.slug()));
        return slugs;
    }
}
