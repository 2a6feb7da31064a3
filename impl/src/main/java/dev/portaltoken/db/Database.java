package dev.portaltoken.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.config.Urls;
import dev.portaltoken.config.Secret;
import dev.portaltoken.util.DaemonThreads;
import dev.portaltoken.util.SecretFile;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL this process uses (external through {@code DATABASE_URL}, else embedded), behind
 * one HikariCP pool, with the schema migrated by Flyway.
 *
 * <p>A server on an external database starts even when that database is down: the pool connects
 * lazily, migrations are retried in the background every {@link #RETRY_MILLIS} ms, and
 * {@link #migrated()} stays false (the server reports not-ready) until they succeed. Admin commands
 * fail at once instead. Connections time out after a few seconds so that requests fail fast while
 * the database is away, and the pool recovers by itself when it returns. Thread-safe.
 */
public final class Database implements AutoCloseable {
    static final long RETRY_MILLIS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final EmbeddedPostgresServer embedded;
    private final HikariDataSource dataSource;
    private final String description;
    private final AtomicBoolean migrated = new AtomicBoolean();
    private final ScheduledExecutorService retrier;

    private Database(EmbeddedPostgresServer embedded, HikariDataSource dataSource, String description) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.description = description;
        this.retrier = DaemonThreads.scheduler("database-migrations");
    }

    /**
     * Opens the configured database and migrates it.
     *
     * @param role      names the pool in logs and metrics ({@code server}, {@code cli})
     * @param forServer a server owns an embedded PostgreSQL and tolerates an external one being down;
     *                  a CLI command may attach to a running embedded one and fails when it is down
     * @param registry  receives the pool's metrics; null for none
     */
    public static Database open(DatabaseConfig config, String role, boolean forServer, MeterRegistry registry) {
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
                embedded = EmbeddedPostgresServer.open(config.dataDir(), !forServer);
                hikari.setJdbcUrl(embedded.jdbcUrl());
                hikari.setUsername(embedded.user());
                hikari.setPassword(embedded.password());
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
            if (registry != null) {
                hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
            }
            Database database = new Database(embedded, new HikariDataSource(hikari), description);
            database.migrateFirst(forServer && !config.embedded());
            return database;
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
        PostgresCluster cluster = new PostgresCluster(dataDir);
        return new DatabaseConfig(Optional.of(cluster.jdbcUrl()), Optional.of(PostgresCluster.USER),
                Optional.of(new Secret(SecretFile.read(cluster.passwordFile()))), dataDir, poolSize);
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
        Properties properties = new Properties();
        properties.putAll(dataSource.getDataSourceProperties());
        if (dataSource.getUsername() != null) {
            properties.setProperty("user", dataSource.getUsername());
        }
        if (dataSource.getPassword() != null) {
            properties.setProperty("password", dataSource.getPassword());
        }
        properties.putAll(overrides);
        return DriverManager.getConnection(dataSource.getJdbcUrl(), properties);
    }

    /** Where the data lives, safe to print (no password). */
    public String description() {
        return description;
    }

    /** True once the schema is known to be up to date. */
    public boolean migrated() {
        return migrated.get();
    }

    @Override
    public void close() {
        retrier.shutdownNow();
        dataSource.close();
        closeQuietly(embedded);
    }

    private void migrateFirst(boolean mayWait) {
        try {
            migrate();
        } catch (RuntimeException e) {
            if (!mayWait || !isUnreachable(e)) {
                dataSource.close();
                throw e;
            }
            LOG.warn("database {} is unreachable; starting not ready and retrying migrations every {} ms",
                    description, RETRY_MILLIS);
            retrier.schedule(this::retryMigrations, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void retryMigrations() {
        try {
            migrate();
            LOG.info("database {} reachable; migrations applied", description);
        } catch (RuntimeException e) {
            if (!isUnreachable(e)) {
                LOG.error("database migrations failed; retrying in {} ms: {}", RETRY_MILLIS, e.getMessage());
            }
            retrier.schedule(this::retryMigrations, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void migrate() {
        Flyway.configure().dataSource(migrationDataSource()).locations("classpath:db/migration").load().migrate();
        migrated.set(true);
    }

    /**
     * The pool's database and settings for Flyway's own connections, but with the socket timeout of
     * {@link Bulk} work: a migration that builds an index on a large table runs far longer than the
     * request path's socket timeout allows.
     */
    private DataSource migrationDataSource() {
        PGSimpleDataSource migrations = new PGSimpleDataSource();
        migrations.setURL(dataSource.getJdbcUrl());
        try {
            for (String name : dataSource.getDataSourceProperties().stringPropertyNames()) {
                migrations.setProperty(name, dataSource.getDataSourceProperties().getProperty(name));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("a pool property pgjdbc does not know", e);
        }
        migrations.setSocketTimeout(Math.toIntExact(Bulk.SOCKET_TIMEOUT.toSeconds()));
        migrations.setUser(dataSource.getUsername());
        migrations.setPassword(dataSource.getPassword());
        return migrations;
    }

    /** True when {@code e} comes from not reaching the database at all (as opposed to a bad migration). */
    static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(EmbeddedPostgresServer embedded) {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                // shutting down anyway
            }
        }
    }
}
