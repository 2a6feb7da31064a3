package dev.portaltoken.cli;

import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.db.ReadSnapshot;
import dev.portaltoken.tenant.Tenant;
import javax.sql.DataSource;
import picocli.CommandLine.Mixin;

/**
 * The rung of the commands that list rows: {@code --json}, and the rows read in one read snapshot
 * and printed as they arrive ({@link JsonOutput}). A list command states only how its rows are read
 * and its columns; one of {@link OfTenant} lists the rows of the tenant {@code --tenant} names.
 */
abstract class ListCommand extends DatabaseCommand {
    /** Reads a listing's rows into {@code sink}, in {@code snapshot}. */
    @FunctionalInterface
    interface Rows {
        void read(DataSource dataSource, ReadSnapshot snapshot, Listing.Sink sink);
    }

    /** Reads one tenant's rows into {@code sink}, in {@code snapshot}. */
    @FunctionalInterface
    interface TenantRows {
        void read(DataSource dataSource, Tenant owner, ReadSnapshot snapshot, Listing.Sink sink);
    }

    @Mixin
    JsonOutput output;
    private final TenantRows rows;
    private final String[] columns;

    ListCommand(Rows rows, String... columns) {
        this((dataSource, owner, snapshot, sink) -> rows.read(dataSource, snapshot, sink), columns);
    }

    private ListCommand(TenantRows rows, String... columns) {
        this.rows = rows;
        this.columns = columns;
    }

    /** The tenant whose rows are listed; null for a listing of no one tenant. */
    Tenant owner(DataSource dataSource) {
        return null;
    }

    @Override
    final void run(ConfigLoader settings, DataSource dataSource) {
        Tenant owner = owner(dataSource);
        output.print(context(), dataSource, (snapshot, sink) -> rows.read(dataSource, owner, snapshot, sink), columns);
    }

    /** A list of one tenant's rows: resolves {@code --tenant} (an unknown slug is a one-line error) first. */
    abstract static class OfTenant extends ListCommand {
        @Mixin
        TenantOption tenant;

        OfTenant(TenantRows rows, String... columns) {
            super(rows, columns);
        }

        @Override
        final Tenant owner(DataSource dataSource) {
            return tenant.require(dataSource);
        }
    }
}
