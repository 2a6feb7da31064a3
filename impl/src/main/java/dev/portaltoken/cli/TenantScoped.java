package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.tenant.Tenant;
import javax.sql.DataSource;
import picocli.CommandLine.Mixin;

/**
 * The third rung: an admin command about one tenant's data. It resolves {@code --tenant} (an unknown
 * slug is a one-line error) and runs with the tenant.
 */
abstract class TenantScoped extends DatabaseCommand {
    @Mixin
    TenantOption tenant;

    abstract void run(DataSource dataSource, Tenant tenant) throws Exception;

    @Override
    final void run(ConfigLoader settings, DataSource dataSource) throws Exception {
        run(dataSource, tenant.require(dataSource));
    }
}
