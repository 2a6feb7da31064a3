package dev.portaltoken.cli;

import dev.portaltoken.audit.Actor;
import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.auth.ApiKeys;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.Base62;
import java.util.UUID;
import javax.sql.DataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portal-key} and {@code admin-key}, one shape for both kinds of operator key: list, create and
 * revoke, through {@link ApiKeys} as the admin API does. {@link #group} names and describes the group
 * of one {@link Caller.Kind}.
 */
@Command(mixinStandardHelpOptions = true)
final class OperatorKeyCommand extends CommandGroup {

    /** What differs between the two groups: their words. */
    private record Words(String command, String description, String exampleName) {
    }

    private static Words words(Caller.Kind kind) {
        return kind == Caller.Kind.ADMIN
                ? new Words("admin-key", "Manage admin keys (pt_admin_...): the credential of the admin API, which may"
                        + " manage tenants, keys and every tenant's customers and read the audit trail, and may not use"
                        + " the portal-token endpoints.", "ops-console")
                : new Words("portal-key", "Manage operator portal keys: the credential of a portal, which may"
                        + " introspect every tenant's tokens and do nothing else.", "billing-portal");
    }

    /** The command group of {@code kind}'s keys ({@link Caller.Kind#PORTAL} or {@link Caller.Kind#ADMIN}). */
    static CommandLine group(Caller.Kind kind) {
        Words words = words(kind);
        String plural = ApiKeys.kindName(kind) + "s";
        String noun = ApiKeys.noun(kind);
        String create = "  portal-token-server " + words.command() + " create --name " + words.exampleName();
        CommandLine group = new CommandLine(new OperatorKeyCommand());
        group.getCommandSpec().name(words.command());
        describe(group, words.description(), create);
        group.addSubcommand(describe(ConfiguredCommand.withSettingFlags(new List(kind)), "List " + plural + ": id, hint,"
                + " name, created, last_used, revoked. Never the keys themselves.",
                "  portal-token-server " + words.command() + " list --json"));
        group.addSubcommand(describe(ConfiguredCommand.withSettingFlags(new Create(kind)), "Create " + noun + ". It is"
                + " printed once, alone on the last line; only a hash of its secret is stored.", create));
        group.addSubcommand(describe(ConfiguredCommand.withSettingFlags(new Revoke(kind)), "Revoke " + noun + "."
                + " Running servers stop accepting it at once.",
                "  portal-token-server " + words.command() + " revoke 2vIOgNg2ElyLMxWAPn6Xz"));
        return group;
    }

    private static CommandLine describe(CommandLine command, String description, String example) {
        command.getCommandSpec().usageMessage().description(description).footer("%nExample:", example);
        return command;
    }

    @Command(name = "list", mixinStandardHelpOptions = true)
    static final class List extends ListCommand {
        List(Caller.Kind kind) {
            super((dataSource, snapshot, sink) -> {
                ApiKeys keys = ApiKeyCommand.keys(dataSource);
                if (kind == Caller.Kind.ADMIN) {
                    keys.listAdmin(snapshot, key -> ApiKeyCommand.row(sink, key));
                } else {
                    keys.listPortal(snapshot, key -> ApiKeyCommand.row(sink, key));
                }
            }, ApiKeyCommand.COLUMNS);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true)
    static final class Create extends DatabaseCommand {
        @Option(names = "--name", required = true, description = "What the key is for, e.g. the console, team or"
                + " portal using it.")
        String name;
        private final Caller.Kind kind;

        Create(Caller.Kind kind) {
            this.kind = kind;
        }

        @Override
        void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            ApiKeyFormat.Generated key = ApiKeyCommand.keys(dataSource).create(Actor.cli(), kind, null, name).generated();
            context().out().println("created " + ApiKeys.kindName(kind) + " " + Base62.encode(key.id()) + " (" + name
                    + "); it is shown only this once:");
            context().out().println(key.key());
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true)
    static final class Revoke extends DatabaseCommand {
        @Parameters(paramLabel = "ID", description = "The key's id (the part after '/', as the list command shows it).")
        String keyId;
        private final Caller.Kind kind;

        Revoke(Caller.Kind kind) {
            this.kind = kind;
        }

        @Override
        void validate() {
            ApiKeyCommand.keyId(keyId, ApiKeys.noun(kind));
        }

        @Override
        void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            UUID id = ApiKeyCommand.keyId(keyId, ApiKeys.noun(kind));
            if (ApiKeyCommand.keys(dataSource).revoke(Actor.cli(), kind, null, id, false).isEmpty()) {
                throw Failure.notFound("there is no active " + ApiKeys.kindName(kind) + " " + keyId);
            }
            context().out().println("revoked " + ApiKeys.kindName(kind) + " " + Base62.encode(id));
        }
    }
}
