package dev.portaltoken.support;

import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.db.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A migrated embedded PostgreSQL of a test's own, in a fresh temporary data directory, as a server opens it. */
public final class EmbeddedDatabases {
    private EmbeddedDatabases() {
    }

    /** Opens one with a pool of 4 named {@code role}; the caller closes it. */
    public static Database open(String role) {
        try {
            return Database.open(new DatabaseConfig(Optional.empty(), Optional.empty(), Optional.empty(),
                    Files.createTempDirectory("portal-token-" + role), 4), role, true, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
