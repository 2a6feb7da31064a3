package dev.portaltoken.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.support.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A migration may run longer than the request path's socket timeout (10 s): V5 builds an index
 * that takes minutes on a large table. Here it waits 12 s for a lock instead, and still completes.
 */
class SlowMigrationTest {

    @Test
    void aMigrationLongerThanTheRequestSocketTimeoutCompletes(@TempDir Path dataDir) throws Exception {
        try (TestServer server = TestServer.start(Map.of())) {
            try (Connection c = server.sql(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE slow_migration");
            }
            String url = server.jdbcUrl().replace("/postgres", "/slow_migration");
            String user = server.database().user().orElse("postgres");
            String password = server.database().password().map(dev.portaltoken.config.Secret::reveal).orElse("");
            String beforeV5 = Arrays.stream(Flyway.configure().dataSource(url, user, password)
                            .locations("classpath:db/migration").load().info().all())
                    .map(MigrationInfo::getVersion).filter(v -> v.compareTo(MigrationVersion.fromVersion("5")) < 0)
                    .max(Comparator.naturalOrder()).orElseThrow().getVersion();
            Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").target(beforeV5)
                    .load().migrate();
            CountDownLatch locked = new CountDownLatch(1);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    s.execute("LOCK TABLE customer IN ROW EXCLUSIVE MODE"); // what any write holds; CREATE INDEX waits
                    locked.countDown();
                    Thread.sleep(12_000);
                    c.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(locked.await(30, TimeUnit.SECONDS));
            try (Database database = Database.open(new DatabaseConfig(Optional.of(url), Optional.of(user),
                    server.database().password(), dataDir, 2), "migration-test", false, null)) {
                assertTrue(database.migrated());
                try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_indexes WHERE indexname = 'customer_tenant_created_idx'")) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), "V5 applied");
                }
            }
            writer.get(30, TimeUnit.SECONDS);
        }
    }
}
