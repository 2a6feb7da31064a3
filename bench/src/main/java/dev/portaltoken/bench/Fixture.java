package dev.portaltoken.bench;

import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.auth.ApiKeyRepository;
import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.db.Database;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.Uuids;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import java.io.IOException;
import java.net.URI;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * The benchmark's data, in a PostgreSQL started exactly as {@code serve --data-dir} starts its own
 * (same code, same cluster layout), held by this JVM until {@link #close}: the servers under test
 * use it as an external database, then, once it is closed, as their embedded one.
 *
 * <p>{@value Plan#TENANTS} tenants with {@value Plan#KEYS_PER_TENANT} API keys and
 * {@value Plan#CUSTOMERS_PER_TENANT} customers each (the hot set, every customer cached once warm),
 * and one large tenant whose customers are requested uniformly at random (the cold scenario).
 * Tenants and keys are created through the server's own classes; customers, whose ids are derived
 * from their number so that any of them can be named without a list, are written with {@code COPY}.
 * Request files hold API keys: they are mode 600 in the run's private directory and never printed.
 */
final class Fixture implements AutoCloseable {
    /** Customer ids are UUIDv7 with this fixed time and the tenant and customer numbers as the random part. */
    private static final long EPOCH_MILLIS = 1_767_225_600_000L;
    private static final int LARGE_TENANT = 0;
    private static final int COPY_BATCH = 100_000;

    private final Database database;
    private final Path dir;
    private final List<String> largeTenantKeys;
    private final int coldCustomers;
    private final String probeKey;
    private final Path dataDir;
    /** The introspect request file of each server measured, by its base URI (its tokens verify only there). */
    private final Map<URI, Path> introspectFiles = new HashMap<>();
    private int samples;
    private boolean closed;

    private Fixture(Database database, Path dir, List<String> largeTenantKeys, int coldCustomers, String probeKey,
                    Path dataDir) {
        this.database = database;
        this.dir = dir;
        this.largeTenantKeys = largeTenantKeys;
        this.coldCustomers = coldCustomers;
        this.probeKey = probeKey;
        this.dataDir = dataDir;
    }

    /** Starts PostgreSQL in {@code dataDir}, loads everything and writes the hot request file into {@code dir}. */
    static Fixture load(Path dataDir, Path dir, int coldCustomers) throws Exception {
        Database database = Database.open(new DatabaseConfig(Optional.empty(), Optional.empty(), Optional.empty(),
                dataDir, 4), "bench-fixture", true, null);
        try {
            Tenants tenants = new Tenants(new TenantRepository(database.dataSource()));
            ApiKeyRepository keys = new ApiKeyRepository(database.dataSource());
            List<String> hot = new ArrayList<>();
            String probeKey = null;
            for (int t = 1; t <= Plan.TENANTS; t++) {
                Tenant tenant = tenants.create(String.format(Locale.ROOT, "bench-%02d", t), "Bench tenant " + t, null);
                for (String key : apiKeys(keys, tenant, Plan.KEYS_PER_TENANT)) {
                    hot.add("K " + t + " " + key);
                    probeKey = probeKey == null ? key : probeKey;
                }
                copyCustomers(database, tenant.id(), t, Plan.CUSTOMERS_PER_TENANT);
                for (int c = 1; c <= Plan.CUSTOMERS_PER_TENANT; c++) {
                    hot.add("C " + t + " " + CustomerIds.format(customerId(t, c)) + " " + alias(t, c));
                }
            }
            List<String> large = List.of();
            if (coldCustomers > 0) {
                Tenant tenant = tenants.create("bench-large", "Bench tenant with many customers", null);
                large = apiKeys(keys, tenant, Plan.KEYS_PER_TENANT);
                copyCustomers(database, tenant.id(), LARGE_TENANT, coldCustomers);
            }
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE");
            }
            writePrivate(dir.resolve("hot.txt"), hot);
            return new Fixture(database, dir, large, coldCustomers, probeKey, dataDir);
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
    }

    /** The settings that point a server at this PostgreSQL as an external database (its socket, its password). */
    Map<String, String> externalEnv() {
        try {
            DatabaseConfig external = Database.embeddedAsExternal(dataDir, 4);
            return Map.of("DATABASE_URL", external.jdbcUrl().orElseThrow(), "DATABASE_USER",
                    external.user().orElseThrow(), "DATABASE_PASSWORD", external.password().orElseThrow().reveal());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The requests of the hot scenario: every key and customer of the ten tenants. */
    Path hotFile() {
        return dir.resolve("hot.txt");
    }

    /**
     * The requests of the introspect scenario against {@code server} ({@link IntrospectRequests}),
     * written once per server.
     */
    Path introspectFile(URI server) throws IOException, InterruptedException {
        Path existing = introspectFiles.get(server);
        if (existing != null) {
            return existing;
        }
        Path file = dir.resolve("introspect-" + (introspectFiles.size() + 1) + ".txt");
        writePrivate(file, IntrospectRequests.mint(server, hotFile()));
        introspectFiles.put(server, file);
        return file;
    }

    /** The API key of the start-up probe (tenant 1's first). */
    String probeKey() {
        return probeKey;
    }

    /** The customer of the start-up probe (tenant 1's first). */
    String probeCustomer() {
        return CustomerIds.format(customerId(1, 1));
    }

    /**
     * A new request file for one cold measurement: {@value Plan#COLD_SAMPLE} customers per wrk thread,
     * drawn uniformly from all of the large tenant's, each with a random one of its keys.
     */
    Path coldSample(SplittableRandom random) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String key : largeTenantKeys) {
            lines.add("K " + LARGE_TENANT + " " + key);
        }
        for (int i = 0; i < Plan.COLD_SAMPLE * Plan.WRK_THREADS; i++) {
            int c = 1 + random.nextInt(coldCustomers);
            lines.add("C " + LARGE_TENANT + " " + CustomerIds.format(customerId(LARGE_TENANT, c)) + " "
                    + alias(LARGE_TENANT, c));
        }
        Files.deleteIfExists(dir.resolve("cold-" + samples + ".txt")); // the previous measurement's
        Path file = dir.resolve("cold-" + (++samples) + ".txt");
        writePrivate(file, lines);
        return file;
    }

    /** Stops PostgreSQL (once; the request files stay usable). Thread-safe. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            database.close();
        }
    }

    static UUID customerId(int tenant, int customer) {
        return new UUID((EPOCH_MILLIS << 16) | 0x7000L, 0x8000_0000_0000_0000L | ((long) tenant << 32) | customer);
    }

    static String alias(int tenant, int customer) {
        return String.format(Locale.ROOT, "t%02d-c%07d", tenant, customer);
    }

    private static List<String> apiKeys(ApiKeyRepository keys, Tenant tenant, int count) throws SQLException {
        List<String> created = new ArrayList<>();
        for (int k = 1; k <= count; k++) {
            ApiKeyFormat.Generated key = ApiKeyFormat.generate(Uuids.v7());
            keys.insert(tenant.id(), "bench-" + k, key);
            created.add(key.key());
        }
        return created;
    }

    private static void copyCustomers(Database database, UUID tenantId, int tenant, int count) throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            for (int from = 1; from <= count; from += COPY_BATCH) {
                StringBuilder csv = new StringBuilder();
                for (int n = from; n < from + COPY_BATCH && n <= count; n++) {
                    csv.append(customerId(tenant, n)).append(',').append(tenantId).append(',').append(alias(tenant, n))
                            .append(",Customer ").append(n).append(",billing-").append(n).append("@t").append(tenant)
                            .append(".example\n");
                }
                c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "COPY customer (id, tenant_id, alias, name, email) FROM STDIN (FORMAT csv)",
                        new StringReader(csv.toString()));
            }
            c.commit();
        }
    }

    /** Writes {@code lines} into a new file only this user can read (it holds API keys). */
    static void writePrivate(Path file, List<String> lines) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
    }
}
