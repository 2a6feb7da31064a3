package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import javax.sql.DataSource;
import picocli.CommandLine.Option;

/**
 * The third rung: an admin command about one tenant's data. It resolves {@code --tenant} (an unknown
 * slug is a one-line error) and runs with the tenant.
 */
abstract class TenantScoped extends DatabaseCommand {
    @Option(names = "--tenant", required = true, paramLabel = "SLUG", description = "The tenant.")
    String tenant;

    abstract void run(DataSource dataSource, Tenant tenant) throws Exception;

    @Override
    final void run(ConfigLoader settings, DataSource dataSource) throws Exception {
        run(dataSource, new Tenants(new TenantRepository(dataSource)).require(tenant));
    }
}
