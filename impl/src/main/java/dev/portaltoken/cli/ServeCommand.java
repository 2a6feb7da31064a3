package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.config.ServerConfig;
import dev.portaltoken.config.Setting;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.server.LogSetup;
import dev.portaltoken.server.PortalTokenServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve POST /api/v1/customers/{id_or_alias}/portal-token, GET /.well-known/jwks.json,",
                "and /healthz, /readyz, /metrics.",
                "Settings come from flags, then environment variables, then --config FILE, then defaults."})
final class ServeCommand implements Callable<Integer> {
    private final Cli.Context context;

    @Option(names = "--port", paramLabel = "N", description = "HTTP port (env PORT).")
    String port;
    @Option(names = "--host", description = "Address to bind (env HOST).")
    String host;
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Embedded PostgreSQL data and generated key encryption key (env DATA_DIR).")
    String dataDir;
    @Option(names = "--portal-url", paramLabel = "URL", description = "Portal base URL (env PORTAL_URL).")
    String portalUrl;
    @Option(names = "--management-port", paramLabel = "N",
            description = "Serve /healthz, /readyz and /metrics only on this port (env MANAGEMENT_PORT).")
    String managementPort;
    @Option(names = "--log-format", paramLabel = "plain|json", description = "Log format (env LOG_FORMAT).")
    String logFormat;
    @Option(names = "--config", paramLabel = "FILE", description = "A .properties or .yaml file of settings (keys below).")
    Path configFile;
    @Option(names = "--demo",
            description = "On the embedded database: create a demo tenant, API key and customer once, and print a curl line that mints a token.")
    boolean demo;

    ServeCommand(Cli.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        putIfGiven(flags, Setting.PORT, port);
        putIfGiven(flags, Setting.HOST, host);
        putIfGiven(flags, Setting.DATA_DIR, dataDir);
        putIfGiven(flags, Setting.PORTAL_URL, portalUrl);
        putIfGiven(flags, Setting.MANAGEMENT_PORT, managementPort);
        putIfGiven(flags, Setting.LOG_FORMAT, logFormat);
        ServerConfig config = new ConfigLoader(flags, context.env(), Optional.ofNullable(configFile)).load();
        if (demo && !config.database().embedded()) {
            throw new ConfigException("--demo runs only on the embedded database; unset DATABASE_URL");
        }
        LogSetup.apply(config.logFormat());
        PortalTokenServer server = PortalTokenServer.start(config);
        GracefulShutdown.install(server);
        long readyMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        printBanner(server, readyMillis);
        if (demo) {
            Demo.ensure(server, config.database().dataDir()).print(context.out(), server.baseUri());
        }
        return Cli.KEEP_RUNNING;
    }

    private void printBanner(PortalTokenServer server, long readyMillis) {
        var out = context.out();
        out.printf(Locale.ROOT, "%s ready in %.1f s%n", Cli.version(), readyMillis / 1000.0);
        out.println("  listening on " + server.baseUri());
        if (!server.managementUri().equals(server.baseUri())) {
            out.println("  management   " + server.managementUri() + " (healthz, readyz, metrics)");
        }
        out.println("  database     " + server.databaseDescription());
        out.println("  signing      " + (server.signingKeysLoaded()
                ? server.signingKey().algorithm() + ", kid " + server.signingKey().keyId()
                : "keys not loaded yet (database unreachable); not ready until they are"));
        out.println("  signer       " + (server.hmac() ? "jdk (HS256: the JDK's HMAC)"
                : server.signer().configName() + " (" + Signers.describe(server.signer()) + ")"));
        out.println("  JWKS         " + server.baseUri().resolve(".well-known/jwks.json"));
        out.flush();
    }

    private static void putIfGiven(Map<Setting, String> flags, Setting setting, String value) {
        if (value != null) {
            flags.put(setting, value);
        }
    }

    /** The settings reference printed under {@code serve --help}. */
    static String settingsHelp() {
        StringBuilder help = new StringBuilder("%nSettings (environment variable / config-file key, default):%n");
        for (Setting setting : Setting.values()) {
            help.append(String.format(Locale.ROOT, "  %s / %s%s%n      %s%n", setting.env(), setting.key(),
                    setting.defaultValue() == null ? "" : " (default " + setting.defaultValue() + ")",
                    setting.help().replace("%", "%%")));
        }
        return help.toString();
    }
}
