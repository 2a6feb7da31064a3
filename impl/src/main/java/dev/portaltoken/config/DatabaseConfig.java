package dev.portaltoken.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Which PostgreSQL to use: {@code jdbcUrl} when present, else an embedded server whose data lives
 * under {@code dataDir}.
 *
 * @param connectionTimeout how long a server's request waits for a connection while the database is away
 * @param listenUrl         where the connection that listens for changes goes, when not to
 *                          {@code jdbcUrl} (which then goes through a transaction-mode pooler); its
 *                          credentials, when it names none, are {@code user} and {@code password}
 */
public record DatabaseConfig(Optional<String> jdbcUrl, Optional<String> user, Optional<Secret> password,
                             Path dataDir, int poolSize, Duration connectionTimeout, Optional<DatabaseUrl> listenUrl) {
    /** The default of {@link Setting#DATABASE_CONNECTION_TIMEOUT_SECONDS}. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    /** With the default connection timeout, listening on {@code jdbcUrl} as well. */
    public DatabaseConfig(Optional<String> jdbcUrl, Optional<String> user, Optional<Secret> password, Path dataDir,
                          int poolSize) {
        this(jdbcUrl, user, password, dataDir, poolSize, CONNECTION_TIMEOUT, Optional.empty());
    }

    public boolean embedded() {
        return jdbcUrl.isEmpty();
    }

    /** The same database with another pool size (a short admin operation needs few connections). */
    public DatabaseConfig withPoolSize(int size) {
        return new DatabaseConfig(jdbcUrl, user, password, dataDir, size, connectionTimeout, listenUrl);
    }
}
