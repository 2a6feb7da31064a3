package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.keys.SigningKeys;
import dev.portaltoken.meteroid.CustomerSync;
import dev.portaltoken.meteroid.MeteroidConnections;
import dev.portaltoken.meteroid.SyncResult;
import dev.portaltoken.tenant.Tenant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "meteroid", mixinStandardHelpOptions = true,
        description = "Connect a tenant to its Meteroid: the webhook secret its customer.created events are verified"
                + " with, and the API key customer sync lists its customers with (both stored sealed, never shown).",
        footer = {"%nExample:", "  portal-token-server meteroid status --tenant acme"})
final class MeteroidCommand extends CommandGroup {
    /** Nothing a secret file may hold is longer. */
    private static final int MAX_SECRET_BYTES = 4096;

    /** An admin command on one tenant's connection to Meteroid, whose secrets are sealed like the signing keys. */
    private abstract static class OnConnection extends DatabaseCommand {
        @Mixin
        TenantOption tenant;

        abstract void run(Tenant owner, MeteroidConnections connections, DataSource dataSource) throws Exception;

        @Override
        final void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            Tenant owner = tenant.require(dataSource);
            try (SigningKeys keys = SigningKeys.admin(dataSource, settings.signing(), settings.database().dataDir(),
                    SigningKeys.expected(settings.signing(), settings.tokenIssuer(), settings.tokenAudience()))) {
                run(owner, new MeteroidConnections(dataSource, keys::secretBox), dataSource);
            }
        }
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = {"Store (or replace) the tenant's Meteroid API URL, API key and webhook secret.",
                    "Secrets are read from files ('-': standard input), never from the command line; a secret not given"
                            + " keeps the stored one.",
                    "Typically: --api-url https://api.meteroid.com --api-key-file key.txt --webhook-secret-file whsec.txt"},
            footer = {"%nExample:", "  portal-token-server meteroid connect --tenant acme --api-url URL"})
    static final class Connect extends OnConnection {
        @Option(names = "--api-url", required = true, paramLabel = "URL",
                description = "Meteroid's API base URL, e.g. https://api.meteroid.com")
        String apiUrl;
        @Option(names = "--api-key-file", paramLabel = "FILE",
                description = "A file holding the tenant's Meteroid API key (pv_...), for customer sync.")
        String apiKeyFile;
        @Option(names = "--webhook-secret-file", paramLabel = "FILE",
                description = "A file holding the webhook endpoint's signing secret (whsec_...), as Meteroid shows it.")
        String webhookSecretFile;

        @Override
        void validate() {
            if ("-".equals(apiKeyFile) && "-".equals(webhookSecretFile)) {
                throw Failure.invalid("only one of --api-key-file and --webhook-secret-file can read standard input");
            }
        }

        @Override
        void run(Tenant owner, MeteroidConnections connections, DataSource dataSource) throws Exception {
            connections.connect(owner.id(), apiUrl, secret(apiKeyFile), secret(webhookSecretFile));
            MeteroidConnections.Status status = connections.status(owner.id());
            context().out().println("tenant " + owner.slug() + " is connected to Meteroid at " + status.apiUrl()
                    + status.apiKeyHint().map(h -> "; API key " + h + " stored sealed").orElse("; no API key")
                    + (status.webhookSecret() ? "; webhook secret stored sealed" : "; no webhook secret"));
            context().out().println("register this endpoint in Meteroid (event customer.created): <PUBLIC_URL>/webhooks/meteroid/"
                    + owner.slug());
        }

        private String secret(String file) throws IOException {
            if (file == null) {
                return null;
            }
            byte[] read;
            if ("-".equals(file)) {
                read = context().in().readNBytes(MAX_SECRET_BYTES + 1);
            } else {
                Path path = Path.of(file);
                if (!Files.isRegularFile(path)) {
                    throw Failure.invalid("no such file: " + file);
                }
                read = Files.readAllBytes(path);
            }
            String secret = new String(read, StandardCharsets.UTF_8).strip();
            if (read.length > MAX_SECRET_BYTES || secret.isEmpty() || secret.contains("\n")) {
                throw Failure.invalid((file.equals("-") ? "standard input" : file) + " must hold the secret alone, on one line");
            }
            return secret;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the tenant's connection to Meteroid and its last customer sync (never a secret).",
            footer = {"%nExample:", "  portal-token-server meteroid status --tenant acme"})
    static final class Status extends OnConnection {
        @Override
        void run(Tenant owner, MeteroidConnections connections, DataSource dataSource) {
            MeteroidConnections.Status status = connections.status(owner.id());
            context().out().println("api url:        " + status.apiUrl());
            context().out().println("api key:        " + status.apiKeyHint().orElse("none"));
            context().out().println("webhook secret: " + (status.webhookSecret() ? "stored" : "none"));
            context().out().println("webhook path:   /webhooks/meteroid/" + owner.slug());
            context().out().println("last sync:      " + status.lastSyncAt().map(DateTimeFormatter.ISO_INSTANT::format)
                    .map(at -> at + ": " + status.lastSyncResult().orElse("")).orElse("never"));
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = {"Bring the tenant's customers in line with its Meteroid: created, renamed, alias and email"
                    + " changed, archived and unarchived, as Meteroid lists them now (with the API key of meteroid connect).",
                    "Only customers that came from Meteroid are changed. Interrupted, it resumes where it stopped;"
                            + " nothing is changed until the whole list is read."},
            footer = {"%nExample:", "  portal-token-server customer sync --tenant acme"})
    static final class Sync extends OnConnection {
        @Override
        void run(Tenant owner, MeteroidConnections connections, DataSource dataSource) throws Exception {
            SyncResult result = new CustomerSync(dataSource, connections, CustomerSync.FIRST_RETRY_PAUSE)
                    .run(owner.id(), "customer sync (pid " + ProcessHandle.current().pid() + ")", new SyncProgress(context()));
            context().out().println("synced tenant " + owner.slug() + " with Meteroid: " + result.summary());
        }
    }

    /** Progress on stderr: a line rewritten in place on a terminal, else a line every 10,000 customers. */
    private static final class SyncProgress implements CustomerSync.Progress {
        private static final long EVERY = 10_000;
        private final Cli.Context context;
        private long shown;

        SyncProgress(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void resumed(long listed, boolean archived, int page) {
            context.err().println("resuming an interrupted sync: " + listed + " customers listed, at page " + page
                    + " of the " + (archived ? "archived" : "unarchived") + " customers");
            shown = listed;
        }

        @Override
        public void listed(long listed, boolean archived, int page) {
            if (context.interactive()) {
                context.err().print("\rlisting Meteroid's customers: " + listed);
            } else if (listed / EVERY > shown / EVERY) {
                context.err().println("listed " + listed + " customers");
            }
            shown = listed;
        }

        @Override
        public void applying(long listed) {
            context.err().println((context.interactive() ? "\r" : "") + "listed " + listed
                    + " customers; applying the changes");
        }
    }
}
