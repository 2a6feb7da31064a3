package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.config.Setting;
import dev.portaltoken.db.Database;
import java.util.EnumMap;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The database selection every admin command shares with {@code serve}. */
final class DatabaseOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory of the embedded PostgreSQL (unused when DATABASE_URL is set) and of the generated"
                    + " key encryption key (default ./data; env DATA_DIR).")
    String dataDir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A .properties or .yaml settings file, as for serve.")
    Path configFile;

    /** The settings as {@code serve} would read them, with this command's {@code --data-dir} and {@code --config}. */
    ConfigLoader settings(Map<String, String> env) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        if (dataDir != null) {
            flags.put(Setting.DATA_DIR, dataDir);
        }
        return new ConfigLoader(flags, env, Optional.ofNullable(configFile));
    }

    DatabaseConfig config(Map<String, String> env) {
        return settings(env).database();
    }

    /** Opens (and migrates) the database for a short admin operation. */
    Database open(Map<String, String> env) {
        DatabaseConfig config = config(env);
        return Database.open(new DatabaseConfig(config.jdbcUrl(), config.user(), config.password(),
                config.dataDir(), 2), "cli", false, null);
    }
}
