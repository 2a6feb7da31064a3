package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.config.ServerConfig;
import dev.portaltoken.config.Setting;
import dev.portaltoken.server.PortalTokenServer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve POST /api/v1/customers/{id_or_alias}/portal-token and GET /.well-known/jwks.json.")
final class ServeCommand implements Callable<Integer> {
    private final Cli.Context context;

    @Option(names = "--port", paramLabel = "N", description = "HTTP port (default 8080; env PORT).")
    String port;
    @Option(names = "--host", description = "Address to bind (default 0.0.0.0; env HOST).")
    String host;
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Embedded PostgreSQL data and generated key encryption key (default ./data; env DATA_DIR).")
    String dataDir;
    @Option(names = "--portal-url", paramLabel = "URL", description = "Portal base URL (env PORTAL_URL).")
    String portalUrl;

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
        ServerConfig config = new ConfigLoader(flags, context.env()).load();
        long started = System.nanoTime();
        PortalTokenServer server = PortalTokenServer.start(config);
        GracefulShutdown.install(server);
        context.out().printf("portal-token-server listening on %s (database: %s; signing: %s kid %s; ready in %d ms)%n",
                server.baseUri(), server.databaseDescription(), server.signingKey().algorithm(),
                server.signingKey().keyId(), (System.nanoTime() - started) / 1_000_000);
        context.out().println("JWKS: " + server.baseUri().resolve(".well-known/jwks.json"));
        return Cli.KEEP_RUNNING;
    }

    private static void putIfGiven(Map<Setting, String> flags, Setting setting, String value) {
        if (value != null) {
            flags.put(setting, value);
        }
    }
}
