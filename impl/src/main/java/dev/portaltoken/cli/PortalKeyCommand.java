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

@Command(name = "portal-key", mixinStandardHelpOptions = true,
        description = "Manage operator portal keys: the credential of a portal, which may introspect every tenant's"
                + " tokens and do nothing else.",
        footer = {"%nExample:", "  portal-token-server portal-key create --name billing-portal"})
final class PortalKeyCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List portal keys: id, hint, name, created, last_used, revoked. Never the keys themselves.",
            footer = {"%nExample:", "  portal-token-server portal-key list --json"})
    static final class List extends ListCommand {
        List() {
            super((dataSource, snapshot, sink) -> ApiKeyCommand.keys(dataSource).listPortal(snapshot,
                    key -> ApiKeyCommand.row(sink, key)), ApiKeyCommand.COLUMNS);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a portal key. It is printed once, alone on the last line; only a hash of its secret"
                    + " is stored.",
            footer = {"%nExample:", "  portal-token-server portal-key create --name billing-portal"})
    static final class Create extends DatabaseCommand {
        @Option(names = "--name", required = true, description = "What the key is for, e.g. the portal's name.")
        String name;

        @Override
        void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            ApiKeyFormat.Generated key = ApiKeyCommand.keys(dataSource).createPortal(name);
            context().out().println("created portal key " + Base62.encode(key.id()) + " (" + name
                    + "); it is shown only this once:");
            context().out().println(key.key());
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a portal key. Running servers stop accepting it at once.",
            footer = {"%nExample:", "  portal-token-server portal-key revoke 2vIOgNg2ElyLMxWAPn6Xz"})
    static final class Revoke extends DatabaseCommand {
        @Parameters(paramLabel = "ID", description = "The key's id (the part after '/', as portal-key list shows it).")
        String keyId;

        @Override
        void validate() {
            ApiKeyCommand.keyId(keyId, "a portal key");
        }

        @Override
        void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            UUID id = ApiKeyCommand.keyId(keyId, "a portal key");
            if (!ApiKeyCommand.keys(dataSource).revokePortal(id)) {
                throw Failure.notFound("there is no active portal key " + keyId);
            }
            context().out().println("revoked portal key " + Base62.encode(id));
        }
    }
}
