package dev.portaltoken.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Which PostgreSQL to use: {@code jdbcUrl} when present, else an embedded server whose data lives
 * under {@code dataDir}.
 *
 * @param connectionTimeout how long a server's request waits for a connection while the database is away
 */
public record DatabaseConfig(Optional<String> jdbcUrl, Optional<String> user, Optional<Secret> password,
                             Path dataDir, int poolSize, Duration connectionTimeout) {
    /** The default of {@link Setting#DATABASE_CONNECTION_TIMEOUT_SECONDS}. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    /** With the default connection timeout. */
    public DatabaseConfig(Optional<String> jdbcUrl, Optional<String> user, Optional<Secret> password, Path dataDir,
                          int poolSize) {
        this(jdbcUrl, user, password, dataDir, poolSize, CONNECTION_TIMEOUT);
    }

    public boolean embedded() {
        return jdbcUrl.isEmpty();
    }

    /** The same database with another pool size (a short admin operation needs few connections). */
    public DatabaseConfig withPoolSize(int size) {
        return new DatabaseConfig(jdbcUrl, user, password, dataDir, size, connectionTimeout);
    }
}
