package dev.portaltoken.cli;

import dev.portaltoken.auth.ApiKeys;
import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.auth.ListedKey;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.Base62;
import dev.portaltoken.tenant.Tenant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "api-key", description = "Manage API keys.", mixinStandardHelpOptions = true,
        footer = {"%nExample:", "  portal-token-server api-key create --tenant acme --name production"})
final class ApiKeyCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List a tenant's keys: id, hint, name, created, last_used, revoked. Never the keys themselves.",
            footer = {"%nExample:", "  portal-token-server api-key list --tenant acme --json"})
    static final class List extends ListCommand.OfTenant {
        List() {
            super((dataSource, owner, snapshot, sink) -> keys(dataSource).list(snapshot, owner.id(),
                    key -> row(sink, key)), COLUMNS);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an API key. It is printed once, alone on the last line; only a hash of its secret is stored.",
            footer = {"%nExample:", "  portal-token-server api-key create --tenant acme --name production"})
    static final class Create extends TenantScoped {
        @Option(names = "--name", description = "A label for the key.")
        String name;

        @Override
        void run(DataSource dataSource, Tenant owner) throws Exception {
            ApiKeyFormat.Generated key = keys(dataSource).create(owner.id(), name);
            context().out().println("created API key " + Base62.encode(key.id()) + " for tenant " + owner.slug()
                    + "; it is shown only this once:");
            context().out().println(key.key());
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke an API key. Running servers stop accepting it at once (at most PORTAL_API_KEY_CACHE_SECONDS later).",
            footer = {"%nExample:", "  portal-token-server api-key revoke --tenant acme 2vIOgNg2ElyLMxWAPn6Xz"})
    static final class Revoke extends TenantScoped {
        @Parameters(paramLabel = "KEY_ID", description = "The key's id (the part after '/', as api-key list shows it).")
        String keyId;

        @Override
        void validate() {
            keyId(keyId, "an API key");
        }

        @Override
        void run(DataSource dataSource, Tenant owner) throws Exception {
            UUID id = keyId(keyId, "an API key");
            if (!keys(dataSource).revoke(owner.id(), id)) {
                throw Failure.notFound("tenant " + owner.slug() + " has no active API key " + keyId);
            }
            context().out().println("revoked API key " + Base62.encode(id));
        }
    }

    /** Lists keys (API or portal keys): id, hint, name, created, last_used, revoked; never the keys. */
    /** The columns of a key listing, API keys and portal keys alike. Never the keys themselves. */
    static final String[] COLUMNS = {"id", "hint", "name", "created", "last_used", "revoked"};

    static void row(Listing.Sink sink, ListedKey key) {
        sink.row(Base62.encode(key.id()), key.hint(), key.name(), key.created(), key.lastUsed(), key.revoked());
    }

    /** The keys service on the command's database. */
    static ApiKeys keys(DataSource dataSource) {
        return ApiKeys.of(dataSource);
    }

    /** The key id of a revoke command, or a usage error. */
    static UUID keyId(String text, String kind) {
        return parseKeyId(text).orElseThrow(() -> Failure.invalid(
                "that is not " + kind + " id (give the part after '/', as the list command shows it)"));
    }

    /** Accepts the key's base62 id or its UUID; never a whole key (that would put a secret in shell history). */
    static Optional<UUID> parseKeyId(String text) {
        return ApiKeys.parseId(text);
    }
}
