package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.db.Database;
import javax.sql.DataSource;

/**
 * The second rung: an admin command on the database. It checks what needs no database first
 * ({@link #validate()}), then opens (and migrates) the database for the one operation, attaching to
 * the embedded PostgreSQL of a running server on the same data directory, and closes it after.
 */
abstract class DatabaseCommand extends ConfiguredCommand {
    /** An admin operation needs few connections. */
    static final int POOL_SIZE = 2;

    /** Checks arguments and files before the database is opened. */
    void validate() throws Exception {
    }

    abstract void run(ConfigLoader settings, DataSource dataSource) throws Exception;

    @Override
    final int run(ConfigLoader settings) throws Exception {
        validate();
        try (Database db = Database.open(settings.database().withPoolSize(POOL_SIZE), "cli", false, null)) {
            run(settings, db.dataSource());
        }
        return 0;
    }
}
