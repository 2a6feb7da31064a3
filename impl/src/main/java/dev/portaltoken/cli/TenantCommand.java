package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.tenant.Tenant;
import java.util.UUID;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tenant", description = "Manage tenants.", mixinStandardHelpOptions = true,
        footer = {"%nExample:", "  portal-token-server tenant create --slug acme --name \"Acme Inc\""})
final class TenantCommand extends CommandGroup {

    @Command(name = "list", description = "List tenants: id, slug, name, portal_url, created.",
            mixinStandardHelpOptions = true, footer = {"%nExample:", "  portal-token-server tenant list --json"})
    static final class List extends ListCommand {
        List() {
            super((dataSource, snapshot, sink) -> TenantOption.tenants(dataSource).list(snapshot, t -> sink.row(
                    t.id().toString(), t.slug(), t.name(), t.portalUrl(), t.createdAt())),
                    "id", "slug", "name", "portal_url", "created");
        }
    }

    @Command(name = "create", description = "Create a tenant.", mixinStandardHelpOptions = true,
            footer = {"%nExample:", "  portal-token-server tenant create --slug acme --name \"Acme Inc\""})
    static final class Create extends DatabaseCommand {
        @Option(names = "--slug", required = true, description = "Unique short name: a-z, 0-9 and '-', 1-63 characters.")
        String slug;
        @Option(names = "--name", description = "Display name (default: the slug).")
        String name;
        @Option(names = "--portal-url", paramLabel = "URL", description = "Portal base URL for this tenant (default: PORTAL_URL).")
        String portalUrl;
        @Option(names = "--id", paramLabel = "UUID", description = "The tenant's id as Meteroid knows it, so that"
                + " Meteroid's own portal finds the tenant of an HS256 token (default: a new one).")
        String id;

        @Override
        void validate() {
            givenId();
        }

        private UUID givenId() {
            if (id != null && !id.matches("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}")) {
                throw Failure.invalid("--id must be a UUID such as 0190a1b2-c3d4-7e5f-8000-000000000001, not '" + id + "'");
            }
            return id == null ? null : UUID.fromString(id);
        }

        @Override
        void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            Tenant tenant = TenantOption.tenants(dataSource).create(givenId(), slug, name, portalUrl);
            context().out().println("created tenant " + tenant.slug() + " (id " + tenant.id() + ")");
        }
    }

    @Command(name = "update", description = "Change a tenant's name or portal URL.", mixinStandardHelpOptions = true,
            footer = {"%nExample:", "  portal-token-server tenant update --slug acme --name \"Acme Corp\""})
    static final class Update extends DatabaseCommand {
        @Option(names = "--slug", required = true, description = "The tenant to change.")
        String slug;
        @Option(names = "--name", description = "New display name.")
        String name;
        @Option(names = "--portal-url", paramLabel = "URL", description = "New portal base URL for this tenant.")
        String portalUrl;
        @Option(names = "--clear-portal-url", description = "Use the configured PORTAL_URL for this tenant again.")
        boolean clearPortalUrl;

        @Override
        void validate() {
            if (name == null && portalUrl == null && !clearPortalUrl) {
                throw Failure.invalid("nothing to change: give --name, --portal-url or --clear-portal-url");
            }
            if (portalUrl != null && clearPortalUrl) {
                throw Failure.invalid("give either --portal-url or --clear-portal-url, not both");
            }
        }

        @Override
        void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            Tenant tenant = TenantOption.tenants(dataSource).update(slug, name, portalUrl, clearPortalUrl);
            context().out().println("updated tenant " + tenant.slug() + " (name '" + tenant.name() + "', portal URL "
                    + (tenant.portalUrl() == null ? "from PORTAL_URL" : tenant.portalUrl()) + ")");
        }
    }
}
