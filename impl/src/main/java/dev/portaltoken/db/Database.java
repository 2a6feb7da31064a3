package dev.portaltoken.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.config.DatabaseUrl;
import dev.portaltoken.config.Urls;
import dev.portaltoken.config.Secret;
import dev.portaltoken.embedded.EmbeddedPostgresServer;
import dev.portaltoken.util.Lifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL this process uses (external through {@code DATABASE_URL}, else embedded), behind
 * one HikariCP pool, with the schema migrated by Flyway.
 *
 * <p>A server on an external database starts even when that database is down: the pool connects
 * lazily, migrations are retried in the background every {@link Migrations#RETRY_MILLIS} ms, and
 * {@link #migrated()} stays false (the server reports not-ready) until they succeed. Admin commands
 * fail at once instead. Connections time out after a few seconds so that requests fail fast while
 * the database is away, and the pool recovers by itself when it returns. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final EmbeddedPostgresServer embedded;
    private final HikariDataSource dataSource;
    private final String description;
    private final Optional<DatabaseUrl> listenUrl;
    private final Migrations migrations;

    private Database(EmbeddedPostgresServer embedded, HikariDataSource dataSource, String description,
                     Optional<DatabaseUrl> listenUrl, Migrations migrations) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.description = description;
        this.listenUrl = listenUrl;
        this.migrations = migrations;
    }

    /**
     * As {@link #open(DatabaseConfig, String, boolean, MeterRegistry, Lifecycle)} with a lifecycle of
     * its own: closing the database stops all it started (tests, and tools that install no exit hook).
     */
    public static Database open(DatabaseConfig config, String role, boolean forServer, MeterRegistry registry) {
        return open(config, role, forServer, registry, new Lifecycle());
    }

    /**
     * Opens the configured database and migrates it. An embedded PostgreSQL is handed to
     * {@code lifecycle} as soon as it runs (so that the JVM's exit stops it even during start-up),
     * and migration retries run on its tasks. Closing the database closes what it started, too.
     *
     * @param role      names the pool in logs and metrics ({@code server}, {@code cli})
     * @param forServer a server owns an embedded PostgreSQL and tolerates an external one being down;
     *                  a CLI command may attach to a running embedded one and fails when it is down
     * @param registry  receives the pool's metrics; null for none
     */
    public static Database open(DatabaseConfig config, String role, boolean forServer, MeterRegistry registry,
                                Lifecycle lifecycle) {
        EmbeddedPostgresServer embedded = null;
        try {
            HikariConfig hikari = new HikariConfig();
            hikari.setPoolName("portal-token-" + role);
            hikari.setMaximumPoolSize(config.poolSize());
            hikari.setMinimumIdle(Math.min(2, config.poolSize()));
            // A server fails requests fast while the database is away; a one-off admin command waits longer.
            hikari.setConnectionTimeout(forServer ? config.connectionTimeout().toMillis() : 15_000);
            hikari.setValidationTimeout(1_000);
            String description;
            if (config.embedded()) {
                embedded = lifecycle.add(EmbeddedPostgresServer.open(config.dataDir(), !forServer));
                EmbeddedPostgresServer.Credentials credentials = embedded.credentials();
                hikari.setJdbcUrl(credentials.jdbcUrl());
                hikari.setUsername(credentials.user());
                hikari.setPassword(credentials.password());
                description = "embedded PostgreSQL in " + embedded.directory();
            } else {
                String url = config.jdbcUrl().orElseThrow();
                hikari.setJdbcUrl(url);
                config.user().ifPresent(hikari::setUsername);
                config.password().map(Secret::reveal).ifPresent(hikari::setPassword);
                description = Urls.withoutPassword(url);
                if (forServer) {
                    hikari.setInitializationFailTimeout(-1);
                }
            }
            hikari.addDataSourceProperty("connectTimeout", Long.toString(config.connectionTimeout().toSeconds()));
            hikari.addDataSourceProperty("socketTimeout", "10");
            hikari.addDataSourceProperty("tcpKeepAlive", "true");
            hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
            // No named server-side statements: a transaction-mode pooler runs each transaction on any server
            // connection, where the name is unknown or taken ("S_3 already exists"). The URL's value wins.
            hikari.addDataSourceProperty("prepareThreshold", "0");
            if (registry != null) {
                hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
            }
            HikariDataSource pool = new HikariDataSource(hikari);
            Migrations migrations = new Migrations(pool, description);
            try {
                migrations.migrateFirst(forServer && !config.embedded(), lifecycle.tasks());
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
            return new Database(embedded, pool, description, config.listenUrl(), migrations);
        } catch (IOException e) {
            closeQuietly(embedded);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeQuietly(embedded);
            throw e;
        }
    }

    /**
     * How another process reaches the embedded PostgreSQL of {@code dataDir} while it runs, as an
     * external database: its socket's JDBC URL, the superuser and the generated password.
     *
     * @throws IOException when the password file cannot be read (no embedded database was created there)
     */
    public static DatabaseConfig embeddedAsExternal(Path dataDir, int poolSize) throws IOException {
        EmbeddedPostgresServer.Credentials credentials = EmbeddedPostgresServer.credentialsOf(dataDir);
        return new DatabaseConfig(Optional.of(credentials.jdbcUrl()), Optional.of(credentials.user()),
                Optional.of(new Secret(credentials.password())), dataDir, poolSize);
    }

    /**
     * Whether {@code dataDir} holds an embedded PostgreSQL (one a server created there). Only a
     * server creates one; admin commands check this first, so a mistyped data directory is an error
     * rather than a new, empty database.
     */
    public static boolean embeddedExists(Path dataDir) {
        return EmbeddedPostgresServer.exists(dataDir);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * A new connection outside the pool, with the pool's settings and {@code overrides} (pgjdbc
     * properties), for a task that holds one for a long time (listening for notifications). The
     * caller closes it.
     */
    public Connection openUnpooled(Map<String, String> overrides) throws SQLException {
        return connect(dataSource.getJdbcUrl(), dataSource.getUsername(), dataSource.getPassword(), overrides);
    }

    /**
     * The connection that listens for changes: to {@code DATABASE_LISTEN_URL} when set (with its own
     * credentials, else the pool's), else as {@link #openUnpooled}. The caller closes it.
     */
    public Connection openListening(Map<String, String> overrides) throws SQLException {
        if (listenUrl.isEmpty()) {
            return openUnpooled(overrides);
        }
        DatabaseUrl url = listenUrl.get();
        return connect(url.jdbcUrl(), url.user().orElse(dataSource.getUsername()),
                url.password().map(Secret::reveal).orElse(dataSource.getPassword()), overrides);
    }

    private Connection connect(String url, String user, String password, Map<String, String> overrides)
            throws SQLException {
        Properties properties = new Properties();
        properties.putAll(dataSource.getDataSourceProperties());
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.putAll(overrides);
        return DriverManager.getConnection(url, properties);
    }

    /** Where the data lives, safe to print (no password). */
    public String description() {
        return description;
    }

    /** True once the schema is known to be up to date. */
    public boolean migrated() {
        return migrations.done();
    }

    @Override
    public void close() {
        migrations.close();
        dataSource.close();
        closeQuietly(embedded);
    }

    private static void closeQuietly(EmbeddedPostgresServer embedded) {
        try {
            if (embedded != null) {
                embedded.close();
            }
        } catch (IOException e) {
            // shutting down anyway
        }
    }
}
