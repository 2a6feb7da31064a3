package dev.portaltoken.cli;

import dev.portaltoken.db.Database;
import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tenant", description = "Manage tenants.", mixinStandardHelpOptions = true)
final class TenantCommand extends CommandGroup {

    @Command(name = "list", description = "List tenants: id, slug, name, portal_url, created.",
            mixinStandardHelpOptions = true)
    static final class List implements Callable<Integer> {
        private final Cli.Context context;
        @Mixin
        DatabaseOptions database;
        @Option(names = "--json", description = "One JSON array of objects, nothing else.")
        boolean json;

        List(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            try (Database db = database.open(context.env()); ReadSnapshot snapshot = ReadSnapshot.open(db.dataSource())) {
                TenantRepository tenants = new TenantRepository(db.dataSource());
                new Listing("id", "slug", "name", "portal_url", "created").print(context.out(), json,
                        sink -> tenants.list(snapshot, t -> sink.row(t.id().toString(), t.slug(), t.name(),
                                t.portalUrl(), t.createdAt())));
            }
            return 0;
        }
    }

    @Command(name = "create", description = "Create a tenant.", mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        private final Cli.Context context;
        @Mixin
        DatabaseOptions database;
        @Option(names = "--slug", required = true, description = "Unique short name: a-z, 0-9 and '-', 1-63 characters.")
        String slug;
        @Option(names = "--name", description = "Display name (default: the slug).")
        String name;
        @Option(names = "--portal-url", paramLabel = "URL", description = "Portal base URL for this tenant (default: PORTAL_URL).")
        String portalUrl;

        Create(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            try (Database db = database.open(context.env())) {
                Tenant tenant = new Tenants(new TenantRepository(db.dataSource())).create(slug, name, portalUrl);
                context.out().println("created tenant " + tenant.slug() + " (id " + tenant.id() + ")");
            }
            return 0;
        }
    }

    @Command(name = "update", description = "Change a tenant's name or portal URL.", mixinStandardHelpOptions = true)
    static final class Update implements Callable<Integer> {
        private final Cli.Context context;
        @Mixin
        DatabaseOptions database;
        @Option(names = "--slug", required = true, description = "The tenant to change.")
        String slug;
        @Option(names = "--name", description = "New display name.")
        String name;
        @Option(names = "--portal-url", paramLabel = "URL", description = "New portal base URL for this tenant.")
        String portalUrl;
        @Option(names = "--clear-portal-url", description = "Use the configured PORTAL_URL for this tenant again.")
        boolean clearPortalUrl;

        Update(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            try (Database db = database.open(context.env())) {
                Tenant tenant = new Tenants(new TenantRepository(db.dataSource()))
                        .update(slug, name, portalUrl, clearPortalUrl);
                context.out().println("updated tenant " + tenant.slug() + " (name '" + tenant.name() + "', portal URL "
                        + (tenant.portalUrl() == null ? "from PORTAL_URL" : tenant.portalUrl()) + ")");
            }
            return 0;
        }
    }
}
