package dev.portaltoken.cli;

import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.Base62;
import java.util.UUID;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "admin-key", mixinStandardHelpOptions = true,
        description = "Manage admin keys (pt_admin_...): the credential of the admin API, which may manage every"
                + " tenant's customers and read the audit trail, and may not use the portal-token endpoints.",
        footer = {"%nExample:", "  portal-token-server admin-key create --name ops-console"})
final class AdminKeyCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List admin keys: id, hint, name, created, last_used, revoked. Never the keys themselves.",
            footer = {"%nExample:", "  portal-token-server admin-key list --json"})
    static final class List extends ListCommand {
        List() {
            super((dataSource, snapshot, sink) -> ApiKeyCommand.keys(dataSource).listAdmin(snapshot,
                    key -> ApiKeyCommand.row(sink, key)), ApiKeyCommand.COLUMNS);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an admin key. It is printed once, alone on the last line; only a hash of its secret"
                    + " is stored.",
            footer = {"%nExample:", "  portal-token-server admin-key create --name ops-console"})
    static final class Create extends DatabaseCommand {
        @Option(names = "--name", required = true, description = "What the key is for, e.g. the console or team using it.")
        String name;

        @Override
        void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            ApiKeyFormat.Generated key = ApiKeyCommand.keys(dataSource).createAdmin(name);
            context().out().println("created admin key " + Base62.encode(key.id()) + " (" + name
                    + "); it is shown only this once:");
            context().out().println(key.key());
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke an admin key. Running servers stop accepting it at once.",
            footer = {"%nExample:", "  portal-token-server admin-key revoke 2vIOgNg2ElyLMxWAPn6Xz"})
    static final class Revoke extends DatabaseCommand {
        @Parameters(paramLabel = "ID", description = "The key's id (the part after '/', as admin-key list shows it).")
        String keyId;

        @Override
        void validate() {
            ApiKeyCommand.keyId(keyId, "an admin key");
        }

        @Override
        void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            UUID id = ApiKeyCommand.keyId(keyId, "an admin key");
            if (!ApiKeyCommand.keys(dataSource).revokeAdmin(id)) {
                throw Failure.notFound("there is no active admin key " + keyId);
            }
            context().out().println("revoked admin key " + Base62.encode(id));
        }
    }
}
