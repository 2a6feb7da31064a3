package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.config.Setting;
import dev.portaltoken.db.Database;
import dev.portaltoken.util.Lifecycle;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * The second rung: an admin command on the database. It checks what needs no database first
 * (that an embedded database exists in the data directory: only {@code serve} creates one; then
 * {@link #validate()}), then opens (and migrates) the database for the one operation, attaching to
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
        validate(); // a misused command line is told as such wherever the database is
        DatabaseConfig database = settings.database();
        if (database.embedded() && !Database.embeddedExists(database.dataDir())) {
            Path looked = database.dataDir().toAbsolutePath().normalize();
            throw new ConfigException("no database in " + looked + " (only 'serve' creates one); point to yours with "
                    + Setting.DATA_DIR.flagName() + " DIR or " + Setting.DATA_DIR.env() + "=DIR, or to an external one"
                    + " with " + Setting.DATABASE_URL.env());
        }
        // An exit hook: Ctrl-C during a command must stop the embedded PostgreSQL it may have started.
        try (Lifecycle lifecycle = new Lifecycle().closeOnExit()) {
            Database db = lifecycle.add(Database.open(database.withPoolSize(POOL_SIZE), "cli", false, null, lifecycle));
            run(settings, db.dataSource());
        }
        return 0;
    }
}
