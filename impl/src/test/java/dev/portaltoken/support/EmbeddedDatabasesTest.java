package dev.portaltoken.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The copies of the template data directory: each a PostgreSQL of its own, locked down as a first start leaves it. */
class EmbeddedDatabasesTest {
    @Test
    void eachCopyIsItsOwnDatabaseAndWritingToOneChangesNeitherAnotherNorTheTemplate() throws Exception {
        try (EmbeddedDatabases.Opened first = EmbeddedDatabases.open("copy-a");
             EmbeddedDatabases.Opened second = EmbeddedDatabases.open("copy-b")) {
            assertNotEquals(first.dataDir(), second.dataDir());
            execute(first, "CREATE TABLE only_in_the_first (x int)");
            execute(first, "DELETE FROM flyway_schema_history");
            assertEquals(0, count(first, "SELECT count(*) FROM flyway_schema_history"));
            assertEquals(1, count(first, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_the_first'"));
            assertEquals(0, count(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_the_first'"));
            assertEquals(EmbeddedDatabases.migrationFiles(), count(second, "SELECT count(*) FROM flyway_schema_history WHERE success"),
                    "the copy is migrated");
            try (EmbeddedDatabases.Opened third = EmbeddedDatabases.open("copy-c")) {
                assertEquals(0, count(third, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_the_first'"));
                assertEquals(count(second, "SELECT count(*) FROM flyway_schema_history"),
                        count(third, "SELECT count(*) FROM flyway_schema_history"), "the template was not changed");
                assertEquals(0, count(third, "SELECT count(*) FROM tenant"), "the template holds no tenant");
            }
        }
    }

    @Test
    void aCopyKeepsTheOwnerOnlyPermissionsPostgresqlAndThePasswordNeed() throws Exception {
        Path dataDir = EmbeddedDatabases.fresh("copy-permissions");
        try {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("postgres"))));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    dataDir.resolve("postgres-password"))));
            assertTrue(Files.exists(dataDir.resolve("postgres").resolve("PG_VERSION")));
            assertTrue(Files.notExists(dataDir.resolve("postgres").resolve("postmaster.pid")), "the template is stopped");
        } finally {
            TempDirectories.delete(dataDir);
        }
    }

    private static void execute(EmbeddedDatabases.Opened database, String sql) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(EmbeddedDatabases.Opened database, String sql) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
