package dev.portaltoken.cli;

import dev.portaltoken.customer.CustomerImport;
import dev.portaltoken.customer.CustomerImporter;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.token.RevocationRecords;
import dev.portaltoken.tenant.Tenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "customer", description = "Manage customers.", mixinStandardHelpOptions = true,
        footer = {"%nExample:", "  portal-token-server customer create --tenant acme --alias acme-42"})
final class CustomerCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List a tenant's customers: id, alias, name, email, created, archived.",
            footer = {"%nExample:", "  portal-token-server customer list --tenant acme --json"})
    static final class List extends ListCommand.OfTenant {
        List() {
            super((dataSource, owner, snapshot, sink) -> customers(dataSource).list(snapshot, owner.id(),
                    c -> sink.row(CustomerIds.format(c.id()), c.alias(), c.name(), c.email(), c.created(), c.archived())),
                    "id", "alias", "name", "email", "created", "archived");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a customer; prints its id (cus_...) alone on the last line.",
            footer = {"%nExample:", "  portal-token-server customer create --tenant acme --alias acme-42"})
    static final class Create extends TenantScoped {
        @Option(names = "--alias", description = "Your own id for the customer, unique within the tenant.")
        String alias;
        @Option(names = "--name", description = "Display name.")
        String name;
        @Option(names = "--email", description = "Billing email.")
        String email;

        @Override
        void run(DataSource dataSource, Tenant owner) throws Exception {
            UUID id = customers(dataSource).create(owner.id(), alias, name, email);
            context().out().println(CustomerIds.format(id));
        }
    }

    /** A command on one customer named by its {@code cus_} id or alias; prints what it did. */
    private abstract static class OneCustomer extends TenantScoped {
        @Parameters(paramLabel = "ID_OR_ALIAS", description = "The customer's cus_ id or alias.")
        String idOrAlias;

        /** Applies the change and returns the past-tense verb to report, e.g. {@code archived}. */
        abstract String apply(Customers customers, Tenant owner) throws Exception;

        @Override
        final void run(DataSource dataSource, Tenant owner) throws Exception {
            String done = apply(customers(dataSource), owner);
            context().out().println(done + " customer " + idOrAlias);
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a customer's alias, name or email (an empty value clears it).",
            footer = {"%nExample:", "  portal-token-server customer update --tenant acme acme-42 --name \"Acme\""})
    static final class Update extends OneCustomer {
        @Option(names = "--alias", description = "New alias.")
        String alias;
        @Option(names = "--name", description = "New display name.")
        String name;
        @Option(names = "--email", description = "New billing email.")
        String email;

        @Override
        void validate() {
            if (alias == null && name == null && email == null) {
                throw Failure.invalid("nothing to change: give --alias, --name or --email");
            }
        }

        @Override
        String apply(Customers customers, Tenant owner) throws Exception {
            customers.update(owner.id(), idOrAlias, alias, name, email);
            return "updated";
        }
    }

    @Command(name = "archive", mixinStandardHelpOptions = true,
            description = "Archive a customer: no more portal tokens are minted for it.",
            footer = {"%nExample:", "  portal-token-server customer archive --tenant acme acme-42"})
    static final class Archive extends OneCustomer {

        @Override
        String apply(Customers customers, Tenant owner) throws Exception {
            customers.archive(owner.id(), idOrAlias);
            return "archived";
        }
    }

    @Command(name = "unarchive", mixinStandardHelpOptions = true,
            description = "Unarchive a customer: portal tokens can be minted for it again.",
            footer = {"%nExample:", "  portal-token-server customer unarchive --tenant acme acme-42"})
    static final class Unarchive extends OneCustomer {

        @Override
        String apply(Customers customers, Tenant owner) throws Exception {
            customers.unarchive(owner.id(), idOrAlias);
            return "unarchived";
        }
    }

    @Command(name = "revoke-tokens", mixinStandardHelpOptions = true,
            description = "Revoke every portal token issued to a customer so far (\"log out everywhere\"); every server"
                    + " stops accepting them within a second. Tokens minted afterwards are not affected.",
            footer = {"%nExample:", "  portal-token-server customer revoke-tokens --tenant acme acme-42"})
    static final class RevokeTokens extends TenantScoped {
        @Parameters(paramLabel = "ID_OR_ALIAS", description = "The customer's cus_ id or alias.")
        String idOrAlias;

        @Override
        void run(DataSource dataSource, Tenant owner) throws Exception {
            UUID customer = customers(dataSource).findIncludingArchived(owner.id(), idOrAlias)
                    .orElseThrow(() -> Failure.notFound("no customer '" + idOrAlias + "' in this tenant"));
            // By the database's clock, which every instance's cut-offs follow (not this machine's).
            Instant cutOff = new RevocationRecords(dataSource).revokeCustomer(owner.id(), customer);
            context().out().println("revoked every token of customer " + idOrAlias + " issued before " + cutOff);
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Create or update customers by alias from a CSV file whose header row names the columns",
                    "alias, name and email, in any order (a UTF-8 byte-order mark is fine).",
                    "All or nothing: any bad row is reported with its line number and nothing is imported."},
            footer = {"%nExample:", "  portal-token-server customer import --tenant acme customers.csv"})
    static final class Import extends TenantScoped {
        @Parameters(paramLabel = "FILE.csv", description = "The file to import.")
        Path file;


        @Override
        void validate() {
            if (!Files.isRegularFile(file)) {
                throw Failure.invalid("no such file: " + file);
            }
        }

        @Override
        void run(DataSource dataSource, Tenant owner) throws Exception {
            ImportOutput output = new ImportOutput(context(), file);
            CustomerImporter.Result result;
            try {
                result = new CustomerImporter(dataSource).importFile(owner.id(), file, output);
            } finally {
                output.done();
            }
            if (result.badRows() > 0) {
                throw Failure.invalid(result.badRows() + " bad row(s) in " + file.getFileName()
                        + "; nothing was imported");
            }
            context().out().printf("imported %s into tenant %s: %d created, %d updated, %d skipped (unchanged)%n",
                    file.getFileName(), owner.slug(), result.created(), result.updated(), result.skipped());
        }
    }

    /**
     * Bad rows as {@code FILE: line N: reason} on stderr, and a progress line there when stderr is
     * a terminal and the file is large (its records are counted first, quickly, for the total).
     */
    private static final class ImportOutput implements CustomerImporter.Listener {
        private final Cli.Context context;
        private final Path file;
        private final long total;
        private boolean shown;

        ImportOutput(Cli.Context context, Path file) {
            this.context = context;
            this.file = file;
            this.total = context.interactive() ? CustomerImport.countRecords(file).orElse(0) : 0;
            this.shown = total >= 10_000;
        }

        @Override
        public void badRow(String message) {
            done();
            context.err().println(file.getFileName() + ": " + message);
        }

        @Override
        public void progress(long records) {
            if (shown) {
                context.err().printf("\rimporting: %d/%d rows", records, total);
            }
        }

        /** Ends the progress line, once. */
        void done() {
            if (shown) {
                context.err().println();
                shown = false;
            }
        }
    }

    /** The customers service on the command's database (every lookup reads it: no cache). */
    static Customers customers(DataSource dataSource) {
        return Customers.forAdmin(dataSource);
    }
}
