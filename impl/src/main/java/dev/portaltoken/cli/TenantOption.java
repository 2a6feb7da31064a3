package dev.portaltoken.cli;

import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.Tenants;
import javax.sql.DataSource;
import picocli.CommandLine.Option;

/** The {@code --tenant} option of the commands about one tenant's data. */
final class TenantOption {
    @Option(names = "--tenant", required = true, paramLabel = "SLUG", description = "The tenant.")
    String slug;

    /** The tenant; an unknown slug is a one-line error. */
    Tenant require(DataSource dataSource) {
        return tenants(dataSource).require(slug);
    }

    /** The tenants service on the command's database. */
    static Tenants tenants(DataSource dataSource) {
        return Tenants.of(dataSource);
    }
}
