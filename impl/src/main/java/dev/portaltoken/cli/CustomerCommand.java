package dev.portaltoken.cli;

import dev.portaltoken.customer.CustomerRepository;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.db.Database;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "customer", description = "Manage customers.", mixinStandardHelpOptions = true)
final class CustomerCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a customer; prints its id (cus_...) alone on the last line.")
    static final class Create implements Callable<Integer> {
        private final Cli.Context context;
        @Mixin
        DatabaseOptions database;
        @Option(names = "--tenant", required = true, paramLabel = "SLUG", description = "The owning tenant.")
        String tenant;
        @Option(names = "--alias", description = "Your own id for the customer, unique within the tenant.")
        String alias;
        @Option(names = "--name", description = "Display name.")
        String name;
        @Option(names = "--email", description = "Billing email.")
        String email;

        Create(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            try (Database db = database.open(context.env())) {
                Tenant owner = new Tenants(new TenantRepository(db.dataSource())).require(tenant);
                UUID id = new Customers(new CustomerRepository(db.dataSource())).create(owner.id(), alias, name, email);
                context.out().println(CustomerIds.format(id));
            }
            return 0;
        }
    }

    @Command(name = "archive", mixinStandardHelpOptions = true,
            description = "Archive a customer: no more portal tokens are minted for it.")
    static final class Archive implements Callable<Integer> {
        private final Cli.Context context;
        @Mixin
        DatabaseOptions database;
        @Option(names = "--tenant", required = true, paramLabel = "SLUG", description = "The owning tenant.")
        String tenant;
        @Parameters(paramLabel = "ID_OR_ALIAS", description = "The customer's cus_ id or alias.")
        String idOrAlias;

        Archive(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            try (Database db = database.open(context.env())) {
                Tenant owner = new Tenants(new TenantRepository(db.dataSource())).require(tenant);
                new Customers(new CustomerRepository(db.dataSource())).archive(owner.id(), idOrAlias);
                context.out().println("archived customer " + idOrAlias);
            }
            return 0;
        }
    }
}
