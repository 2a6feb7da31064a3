package dev.portaltoken.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.config.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The PostgreSQL this process uses (external through {@code DATABASE_URL}, else embedded), behind
 * one HikariCP pool, with the schema migrated by Flyway. Thread-safe; close once at shutdown.
 */
public final class Database implements AutoCloseable {
    private final EmbeddedPostgresServer embedded;
    private final HikariDataSource dataSource;
    private final String description;

    private Database(EmbeddedPostgresServer embedded, HikariDataSource dataSource, String description) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.description = description;
    }

    /**
     * Opens the configured database and migrates it.
     *
     * @param role     names the pool in logs and metrics ({@code server}, {@code cli})
     * @param forServer a server owns an embedded PostgreSQL; a CLI command may attach to a running one
     */
    public static Database open(DatabaseConfig config, String role, boolean forServer) {
        EmbeddedPostgresServer embedded = null;
        try {
            HikariConfig hikari = new HikariConfig();
            hikari.setPoolName("portal-token-" + role);
            hikari.setMaximumPoolSize(config.poolSize());
            hikari.setMinimumIdle(Math.min(2, config.poolSize()));
            hikari.setConnectionTimeout(5_000);
            hikari.setValidationTimeout(2_000);
            String description;
            if (config.embedded()) {
                embedded = EmbeddedPostgresServer.open(config.dataDir(), !forServer);
                hikari.setJdbcUrl(embedded.jdbcUrl());
                hikari.setUsername(embedded.user());
                description = "embedded PostgreSQL in " + embedded.directory();
            } else {
                String url = config.jdbcUrl().orElseThrow();
                hikari.setJdbcUrl(url);
                config.user().ifPresent(hikari::setUsername);
                config.password().map(Secret::reveal).ifPresent(hikari::setPassword);
                description = JdbcUrls.withoutPassword(url);
            }
            // Fail fast on a request rather than hang when the database is unreachable.
            hikari.addDataSourceProperty("connectTimeout", "5");
            hikari.addDataSourceProperty("socketTimeout", "30");
            hikari.addDataSourceProperty("tcpKeepAlive", "true");
            HikariDataSource dataSource = new HikariDataSource(hikari);
            try {
                Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            } catch (RuntimeException e) {
                dataSource.close();
                throw e;
            }
            return new Database(embedded, dataSource, description);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeQuietly(embedded);
            throw e;
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Where the data lives, safe to print (no password). */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        dataSource.close();
        closeQuietly(embedded);
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
