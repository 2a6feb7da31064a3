package dev.portaltoken.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Which PostgreSQL to use: {@code jdbcUrl} when present, else an embedded server whose data lives
 * under {@code dataDir}.
 */
public record DatabaseConfig(Optional<String> jdbcUrl, Optional<String> user, Optional<Secret> password,
                             Path dataDir, int poolSize) {

    public boolean embedded() {
        return jdbcUrl.isEmpty();
    }

    /** The same database with another pool size (a short admin operation needs few connections). */
    public DatabaseConfig withPoolSize(int size) {
        return new DatabaseConfig(jdbcUrl, user, password, dataDir, size);
    }
}
