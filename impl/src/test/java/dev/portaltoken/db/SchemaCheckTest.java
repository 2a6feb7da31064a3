package dev.portaltoken.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.support.TempDirectories;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The check that lets an up-to-date database open without Flyway: it must agree with what Flyway
 * recorded, and answer "not up to date" for every other history, so that Flyway decides those.
 */
class SchemaCheckTest {
    private static EmbeddedDatabases.Opened database;

    @BeforeAll
    static void open() {
        database = EmbeddedDatabases.open("schema-check");
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void theBuildsMigrationsAreWhatFlywayRecordedForThem() throws Exception {
        List<SchemaCheck.Migration> local = SchemaCheck.local();
        assertEquals(EmbeddedDatabases.migrationFiles(), local.size(), "one per V*.sql file: " + local);
        Set<SchemaCheck.Migration> recorded = new HashSet<>();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description, checksum FROM flyway_schema_history")) {
            while (rs.next()) {
                recorded.add(new SchemaCheck.Migration(rs.getString(1), rs.getString(2), rs.getInt(3)));
            }
        }
        assertEquals(recorded, new HashSet<>(local), "versions, descriptions and checksums as Flyway wrote them");
        try (Connection c = database.dataSource().getConnection()) {
            assertTrue(SchemaCheck.upToDate(c, local));
        }
    }

    @Test
    void aByteOrderMarkAndLineBreaksDoNotCountInTheChecksum() throws Exception {
        int plain = SchemaCheck.checksum(stream("CREATE TABLE t (x int);\nSELECT 1;\n"));
        assertEquals(plain, SchemaCheck.checksum(stream("\uFEFFCREATE TABLE t (x int);\r\nSELECT 1;")));
        assertFalse(plain == SchemaCheck.checksum(stream("CREATE TABLE t (x int);\nSELECT 2;\n")));
    }

    @Test
    void everyOtherHistoryIsLeftToFlyway() throws Exception {
        List<SchemaCheck.Migration> local = SchemaCheck.local();
        SchemaCheck.Migration latest = local.stream()
                .max((a, b) -> Integer.compare(Integer.parseInt(a.version()), Integer.parseInt(b.version())))
                .orElseThrow();
        List<String> changes = List.of(
                "DELETE FROM flyway_schema_history WHERE version = '" + latest.version() + "'",
                "UPDATE flyway_schema_history SET checksum = checksum # 1 WHERE version = '1'",
                "UPDATE flyway_schema_history SET checksum = NULL WHERE version = '1'",
                "UPDATE flyway_schema_history SET success = false WHERE version = '" + latest.version() + "'",
                "UPDATE flyway_schema_history SET description = 'renamed' WHERE version = '2'",
                "UPDATE flyway_schema_history SET type = 'JDBC' WHERE version = '2'",
                "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                        + " installed_by, execution_time, success) SELECT max(installed_rank) + 1, '9999', 'future',"
                        + " 'SQL', 'V9999__future.sql', 1, 'test', 0, true FROM flyway_schema_history",
                "DROP TABLE flyway_schema_history");
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String change : changes) {
                s.execute(change);
                assertFalse(SchemaCheck.upToDate(c, local), change);
                c.rollback();
            }
            assertTrue(SchemaCheck.upToDate(c, local), "each change was rolled back");
            List<SchemaCheck.Migration> fewer = new ArrayList<>(local);
            fewer.remove(latest);
            assertFalse(SchemaCheck.upToDate(c, fewer), "a database newer than the build");
            List<SchemaCheck.Migration> more = new ArrayList<>(local);
            more.add(new SchemaCheck.Migration("9999", "future", 1));
            assertFalse(SchemaCheck.upToDate(c, more), "a pending migration");
            c.setAutoCommit(true);
        }
    }

    /** An edited migration is not waved through: Flyway, which now runs, refuses it as it always did. */
    @Test
    void anEditedMigrationStillStopsTheOpeningWithFlywaysMessage() throws SQLException {
        Path dataDir = EmbeddedDatabases.fresh("schema-check-edited");
        DatabaseConfig config = new DatabaseConfig(Optional.empty(), Optional.empty(), Optional.empty(), dataDir, 2);
        try {
            try (Database opened = Database.open(config, "schema-check", true, null);
                 Connection c = opened.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("UPDATE flyway_schema_history SET checksum = checksum # 1 WHERE version = '1'");
            }
            RuntimeException refused = assertThrows(RuntimeException.class,
                    () -> Database.open(config, "schema-check", true, null).close());
            assertTrue(String.valueOf(refused.getMessage()).contains("checksum mismatch"), refused::getMessage);
        } finally {
            TempDirectories.delete(dataDir);
        }
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
