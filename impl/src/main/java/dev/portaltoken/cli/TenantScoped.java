package dev.portaltoken.cli;

import dev.portaltoken.db.Database;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * An admin command about one tenant's data: it opens the database, resolves {@code --tenant} (an
 * unknown slug is a one-line error) and runs with both.
 */
abstract class TenantScoped implements Callable<Integer> {
    final Cli.Context context;
    @Mixin
    DatabaseOptions database;
    @Option(names = "--tenant", required = true, paramLabel = "SLUG", description = "The tenant.")
    String tenant;

    TenantScoped(Cli.Context context) {
        this.context = context;
    }

    /** Checks what needs no database (arguments, files) before it is opened. */
    void validate() throws Exception {
    }

    abstract void run(DataSource dataSource, Tenant tenant) throws Exception;

    @Override
    public final Integer call() throws Exception {
        validate();
        try (Database db = database.open(context.env())) {
            run(db.dataSource(), new Tenants(new TenantRepository(db.dataSource())).require(tenant));
        }
        return 0;
    }
}
