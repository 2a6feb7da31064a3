package dev.portaltoken.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.db.Database;
import dev.portaltoken.support.Psql;
import dev.portaltoken.support.StoppablePostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL across restarts: a data directory an earlier version created (trust
 * authentication, a TCP port) is locked down on the first start without losing data, and a
 * {@code postmaster.pid} left by a crash never gets another process signalled.
 */
class EmbeddedDatabaseLifecycleTest {

    private static Database open(Path dataDir) {
        return Database.open(new DatabaseConfig(Optional.empty(), Optional.empty(), Optional.empty(), dataDir, 2),
                "lifecycle", true, null);
    }

    private static String kept(Database database) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM tenant WHERE slug = 'kept'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static List<String> pidFile(Path dataDir) throws Exception {
        return Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
    }

    /** A postmaster.pid as PostgreSQL writes it, naming {@code pid}. */
    private static void writePidFile(Path dataDir, long pid) throws Exception {
        Path pgData = dataDir.toAbsolutePath().resolve("postgres");
        Files.writeString(pgData.resolve("postmaster.pid"), String.join("\n", Long.toString(pid), pgData.toString(),
                Long.toString(System.currentTimeMillis() / 1000), "5432", dataDir.resolve("postgres-socket").toString(),
                "", "  2752514    229400", "ready   ", ""));
    }

    @Test
    void aDataDirectoryAnEarlierVersionCreatedWithTrustGetsThePasswordAndKeepsItsData(@TempDir Path dataDir) throws Exception {
        // As versions before the Unix socket made it: zonky's initdb (trust for everyone) and a TCP port.
        try (EmbeddedPostgres earlier = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(StoppablePostgres.BINARIES.toFile()).setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(false).start();
             Connection c = earlier.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            org.flywaydb.core.Flyway.configure().dataSource(earlier.getPostgresDatabase())
                    .locations("classpath:db/migration").target("3").load().migrate();
            s.execute("INSERT INTO tenant (id, slug, name) VALUES (gen_random_uuid(), 'kept', 'from before the upgrade')");
        }

        try (Database upgraded = open(dataDir)) {
            assertEquals("from before the upgrade", kept(upgraded));
            Path passwordFile = dataDir.resolve("postgres-password");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
            List<String> rules = Files.readAllLines(dataDir.resolve("postgres/pg_hba.conf")).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
            assertEquals(List.of("local all all scram-sha-256"), rules, "no trust line is left");
            String socket = pidFile(dataDir).get(4).trim();
            int port = Integer.parseInt(pidFile(dataDir).get(3).trim());
            Psql.Result withoutPassword = Psql.selectOne(socket, port, null, false);
            assertNotEquals(0, withoutPassword.exit(), withoutPassword::toString);
            assertTrue(withoutPassword.err().contains("no password supplied"), withoutPassword::toString);
            assertNotEquals(0, Psql.selectOne("127.0.0.1", port, null, false).exit(), "no TCP any more");
            Psql.Result withPassword = Psql.selectOne(socket, port, Files.readString(passwordFile).strip(), false);
            assertEquals(0, withPassword.exit(), withPassword::toString);
        }

        try (Database restarted = open(dataDir)) {
            assertEquals("from before the upgrade", kept(restarted), "and the data survives the next restart");
        }
    }

    @Test
    void aStalePidFileNamingALiveProcessThatIsNotPostgresGetsThatProcessNeverSignalled(@TempDir Path dataDir)
            throws Exception {
        open(dataDir).close(); // a cluster, stopped
        Process bystander = new ProcessBuilder("sleep", "300").start();
        try {
            writePidFile(dataDir, bystander.pid()); // as left by a crash, its PID since reused
            try (Database database = open(dataDir)) {
                assertTrue(database.migrated(), "started on the data directory");
                assertTrue(bystander.isAlive(), "the process the stale pid file names was not signalled");
                assertNotEquals(Long.toString(bystander.pid()), pidFile(dataDir).get(0).trim());
            }
            assertTrue(bystander.isAlive());
        } finally {
            bystander.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPidFileNamingAnotherDataDirectorysPostgresGetsItNeitherSignalledNorUsed(@TempDir Path other,
                                                                                @TempDir Path dataDir) throws Exception {
        try (Database running = open(other)) {
            long otherPostmaster = Long.parseLong(pidFile(other).get(0).trim());
            open(dataDir).close();
            writePidFile(dataDir, otherPostmaster);
            try (Database database = open(dataDir)) {
                assertTrue(ProcessHandle.of(otherPostmaster).map(ProcessHandle::isAlive).orElse(false),
                        "the other data directory's PostgreSQL was not signalled");
                assertNotEquals(Long.toString(otherPostmaster), pidFile(dataDir).get(0).trim(), "a PostgreSQL of its own");
                try (Connection c = running.dataSource().getConnection()) {
                    assertTrue(c.isValid(5), "the other one still serves");
                }
                try (Connection c = database.dataSource().getConnection()) {
                    assertTrue(c.isValid(5));
                }
            }
        }
    }
}
