package dev.portaltoken.db;

import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.Setting;
import dev.portaltoken.config.Urls;
import dev.portaltoken.util.BackgroundTasks;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The schema of a {@link Database}, migrated by Flyway unless {@link SchemaCheck} finds it up to
 * date: at once, or, for a server whose external database is unreachable at start, every {@link
 * #RETRY_MILLIS} ms in the background until it succeeds ({@link #done()} stays false meanwhile).
 * Thread-safe.
 */
final class Migrations implements AutoCloseable {
    static final long RETRY_MILLIS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private final HikariDataSource dataSource;
    private final String description;
    private final AtomicBoolean migrated = new AtomicBoolean();
    private volatile BackgroundTasks.Task retrier;

    Migrations(HikariDataSource dataSource, String description) {
        this.dataSource = dataSource;
        this.description = description;
    }

    /** True once the schema is known to be up to date. */
    boolean done() {
        return migrated.get();
    }

    @Override
    public void close() {
        BackgroundTasks.Task task = retrier;
        if (task != null) {
            task.close();
        }
    }

    /**
     * Migrates now; when that finds the database unreachable and {@code mayWait}, goes on retrying
     * as a task of {@code tasks} until it succeeds.
     */
    void migrateFirst(boolean mayWait, BackgroundTasks tasks) {
        try {
            migrate();
        } catch (RuntimeException e) {
            Optional<String> tls = ConnectionFailures.tls(e);
            if (tls.isPresent() || !mayWait || !ConnectionFailures.unreachable(e)) {
                throw tls.isPresent() ? new ConfigException(Setting.DATABASE_URL.env() + ": " + tls.get()) : e;
            }
            LOG.warn("database {} is unreachable; starting not ready and retrying migrations every {} ms",
                    description, RETRY_MILLIS);
            Duration retry = Duration.ofMillis(RETRY_MILLIS);
            retrier = tasks.every("database-migrations", retry, retry, this::retryMigrations);
        }
    }

    private void retryMigrations() {
        if (migrated.get()) {
            return;
        }
        try {
            migrate();
            LOG.info("database {} reachable; migrations applied", description);
            retrier.close(); // done: not an ended task
        } catch (RuntimeException e) {
            if (!ConnectionFailures.unreachable(e)) {
                // A driver's message may quote the URL, and with it a password.
                LOG.error("database migrations failed; retrying in {} ms: {}", RETRY_MILLIS, Urls.withoutPassword(
                        String.valueOf(e instanceof DataAccessException ? e.getCause().getMessage() : e.getMessage())));
            }
        }
    }

    /**
     * Flyway's migration, unless {@link SchemaCheck} finds the schema up to date. Fails with the
     * driver's exception, wrapped, when the database cannot be reached.
     */
    private void migrate() {
        DataSource direct = migrationDataSource();
        boolean upToDate;
        try (Connection connection = direct.getConnection()) {
            upToDate = SchemaCheck.upToDate(connection, SchemaCheck.local());
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
        if (!upToDate) {
            Flyway.configure().dataSource(direct).locations("classpath:" + SchemaCheck.LOCATION).load().migrate();
        }
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
}
