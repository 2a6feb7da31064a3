package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.config.ServerConfig;
import dev.portaltoken.config.Setting;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.server.LogSetup;
import dev.portaltoken.server.PortalTokenServer;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve POST /api/v1/customers/{id_or_alias}/portal-token, GET /.well-known/jwks.json,",
                "and /healthz, /readyz, /metrics.",
                "Settings come from flags, then environment variables, then --config FILE, then defaults."})
final class ServeCommand extends ConfiguredCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    @Option(names = "--demo",
            description = "On the embedded database: create a demo tenant, API key and customer once, and print a link"
                    + " to the portal page with a fresh token, and a curl line that mints one.")
    boolean demo;
    @Option(names = "--training-run",
            description = "Under java -XX:ArchiveClassesAtExit=FILE: start on a throwaway embedded database, answer a"
                    + " few requests, stop, and let the JVM write the class-data archive FILE that later launches map"
                    + " with -XX:SharedArchiveFile=FILE to start faster (docs/operations.md).")
    boolean trainingRun;

    @Override
    boolean warnsAtOnce() {
        return false;
    }

    /** Every setting that has a flag. */
    @Override
    List<Setting<?>> settingFlags() {
        return Setting.values().stream().filter(s -> s.flagName() != null).toList();
    }

    @Override
    int run(ConfigLoader settings) throws IOException {
        if (trainingRun) {
            if (demo) {
                throw new ConfigException("--training-run makes demo data of its own; drop --demo");
            }
            return ClassArchive.train(settings, context());
        }
        ServerConfig config = settings.load();
        if (demo && !config.database().embedded()) {
            throw new ConfigException("--demo runs only on the embedded database; unset DATABASE_URL");
        }
        if (demo && config.portalUrl().isPresent()) {
            throw new ConfigException("--demo links to this server's own portal page; unset PORTAL_URL");
        }
        LogSetup.apply(config.logFormat());
        settings.unknownVariables().forEach(LOG::warn);
        ClassArchive.notInUse().ifPresent(LOG::warn);
        GracefulShutdown.duringStartUp(context().err());
        try {
            PortalTokenServer server = PortalTokenServer.start(config);
            GracefulShutdown.install(server);
            printBanner(server.summary(), ManagementFactory.getRuntimeMXBean().getUptime());
            if (demo) {
                Demo.ensure(config.database()).print(context().out(), server.baseUri());
            }
        } catch (RuntimeException e) {
            if (!GracefulShutdown.stopping()) {
                throw e;
            }
            // A signal stops the JVM: what start-up was doing failed under it, which is no error to report.
        }
        return Cli.KEEP_RUNNING;
    }

    private void printBanner(PortalTokenServer.Summary summary, long readyMillis) {
        PrintStream out = context().out();
        String seconds = String.format(Locale.ROOT, "%.1f s", readyMillis / 1000.0);
        out.println(Cli.version() + summary.notReady().map(why -> " started in " + seconds + ", not ready: " + why)
                .orElse(" ready in " + seconds));
        out.println("  listening on " + summary.baseUri());
        if (!Objects.equals(summary.managementUri(), summary.baseUri())) {
            out.println("  management   " + summary.managementUri() + " (healthz, readyz, metrics)");
        }
        out.println("  database     " + summary.database());
        out.println("  signing      " + summary.signing());
        out.println("  signer       " + summary.signer());
        out.println("  API docs     " + summary.baseUri().resolve("docs"));
        out.println("  JWKS         " + summary.baseUri().resolve(".well-known/jwks.json"));
        out.flush();
    }

    /** The settings reference printed under {@code serve --help}. */
    static String settingsHelp() {
        StringBuilder help = new StringBuilder("%nSettings (environment variable / config-file key, default):%n");
        for (Setting<?> setting : Setting.values()) {
            // The default opens the description: picocli wraps lines at 80 columns, and the longest names
            // would push it over and split it.
            help.append(String.format(Locale.ROOT, "  %s / %s%n      %s%s%n", setting.env(), setting.key(),
                    setting.defaultValue() == null ? "" : "(default " + setting.defaultValue() + ") ",
                    setting.help().replace("%", "%%")));
        }
        return help.append("%nExample:%n  PORTAL_URL=https://billing.example.com portal-token-server serve --port 8080%n")
                .toString();
    }
}
