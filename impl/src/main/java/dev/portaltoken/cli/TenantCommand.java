package dev.portaltoken.cli;

import dev.portaltoken.db.Database;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tenant", description = "Manage tenants.", mixinStandardHelpOptions = true)
final class TenantCommand {

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
}
