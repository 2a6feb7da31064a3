import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.auth.ApiKeyRepository;
import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.customer.CustomerImport;
import dev.portaltoken.customer.CustomerRepository;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.db.Database;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.Uuids;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/**
 * Starts the embedded PostgreSQL of a data directory exactly as {@code serve --data-dir DIR} would
 * (same code, same cluster layout), migrates it, loads the benchmark fixture through the jar's own
 * public classes, and writes what the load generator needs to FILE (mode 600: it holds API keys).
 * With {@code --hold} it keeps that PostgreSQL running until SIGTERM, so that it serves as the
 * "external" database of the server under test; otherwise it stops it and exits.
 *
 * <pre>java -cp impl/target/portal-token-server.jar bench/Fixture.java --data-dir DIR --out FILE [--hold]
 *      [--tenants 10] [--keys-per-tenant 10] [--customers-per-tenant 1000]</pre>
 *
 * FILE has one line per API key, {@code K <tenant> <key>}, and one per customer,
 * {@code C <tenant> <cus_ id> <alias>}. Nothing secret is printed: stdout gets {@code port=N}, a
 * summary and {@code ready}.
 */
public class Fixture {
    public static void main(String[] args) throws Exception {
        Path dataDir = null;
        Path out = null;
        boolean hold = false;
        int tenantCount = 10;
        int keysPerTenant = 10;
        int customersPerTenant = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--hold" -> hold = true;
                case "--tenants" -> tenantCount = Integer.parseInt(args[++i]);
                case "--keys-per-tenant" -> keysPerTenant = Integer.parseInt(args[++i]);
                case "--customers-per-tenant" -> customersPerTenant = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (dataDir == null || out == null) {
            throw new IllegalArgumentException("usage: Fixture --data-dir DIR --out FILE [--hold]");
        }
        long started = System.nanoTime();
        Database database = Database.open(
                new DatabaseConfig(Optional.empty(), Optional.empty(), Optional.empty(), dataDir, 4),
                "bench-fixture", true, null);
        try {
            load(database, out, tenantCount, keysPerTenant, customersPerTenant);
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
        String port = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(3).trim();
        System.out.printf(Locale.ROOT, "loaded %d tenants, %d API keys, %d customers in %.1f s%n", tenantCount,
                tenantCount * keysPerTenant, tenantCount * customersPerTenant, (System.nanoTime() - started) / 1e9);
        System.out.println("port=" + port);
        if (!hold) {
            database.close();
            System.out.println("ready");
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(database::close, "stop-postgres"));
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void load(Database database, Path out, int tenantCount, int keysPerTenant,
                             int customersPerTenant) throws Exception {
        Tenants tenants = new Tenants(new TenantRepository(database.dataSource()));
        ApiKeyRepository keys = new ApiKeyRepository(database.dataSource());
        CustomerRepository customerRepository = new CustomerRepository(database.dataSource());
        Customers customers = new Customers(customerRepository);
        Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (int t = 1; t <= tenantCount; t++) {
                String slug = String.format(Locale.ROOT, "bench-%02d", t);
                Tenant tenant = tenants.create(slug, "Bench tenant " + t, null);
                for (int k = 1; k <= keysPerTenant; k++) {
                    ApiKeyFormat.Generated key = ApiKeyFormat.generate(Uuids.v7());
                    keys.insert(tenant.id(), "bench-" + k, key);
                    w.write("K " + t + " " + key.key() + "\n");
                }
                StringBuilder csv = new StringBuilder("alias,name,email\n");
                for (int c = 1; c <= customersPerTenant; c++) {
                    csv.append(String.format(Locale.ROOT, "t%02d-c%05d,Customer %d of %s,billing-%d@%s.example%n",
                            t, c, c, slug, c, slug));
                }
                CustomerImport.Parsed parsed = CustomerImport.read(new StringReader(csv.toString()));
                if (!parsed.errors().isEmpty()) {
                    throw new IllegalStateException("fixture rows refused: " + parsed.errors().get(0));
                }
                customers.importRows(tenant.id(), parsed, n -> { });
                for (CustomerRepository.Listed listed : customerRepository.list(tenant.id())) {
                    w.write("C " + t + " " + CustomerIds.format(listed.id()) + " " + listed.alias() + "\n");
                }
            }
        }
    }
}
