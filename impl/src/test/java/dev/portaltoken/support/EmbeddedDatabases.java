package dev.portaltoken.support;

import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.db.Database;
import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;

/** A migrated embedded PostgreSQL of a test's own, in a fresh temporary data directory, as a server opens it. */
public final class EmbeddedDatabases {
    private EmbeddedDatabases() {
    }

    /** A test's own database; closing it stops PostgreSQL and deletes its data directory. */
    public record Opened(Database database, Path dataDir) implements AutoCloseable {
        public DataSource dataSource() {
            return database.dataSource();
        }

        @Override
        public void close() {
            try {
                database.close();
            } finally {
                TempDirectories.delete(dataDir);
            }
        }
    }

    /** Opens one with a pool of 4 named {@code role}; the caller closes it. */
    public static Opened open(String role) {
        Path dataDir = TempDirectories.create("portal-token-" + role);
        try {
            return new Opened(Database.open(new DatabaseConfig(Optional.empty(), Optional.empty(), Optional.empty(),
                    dataDir, 4), role, true, null), dataDir);
        } catch (RuntimeException e) {
            TempDirectories.delete(dataDir);
            throw e;
        }
    }

    /**
     * Creates and migrates the embedded PostgreSQL of {@code dataDir} and stops it again, as a first
     * {@code serve} would (admin commands refuse a data directory without one); returns {@code dataDir}.
     */
    public static Path create(Path dataDir) {
        Database.open(new DatabaseConfig(Optional.empty(), Optional.empty(), Optional.empty(), dataDir, 2), "setup",
                true, null).close();
        return dataDir;
    }
}
