package dev.portaltoken.cli;

import dev.portaltoken.api.model.CustomerPortalTokenResponse;
import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.db.Database;
import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.http.Json;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.Tenants;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code serve --demo}: a tenant, an API key and a customer to try the server with, created once
 * and reused on every later start, and at every start a link to the portal page with a fresh token. The demo key is kept in {@code <data-dir>/demo-api-key} (mode
 * 600) so it can be printed again; only its hash is in the database, as for any key.
 */
final class Demo {
    static final String TENANT = "demo";
    static final String CUSTOMER_ALIAS = "demo-customer";
    static final String KEY_FILE = "demo-api-key";

    private final String apiKey;
    private final String customerId;

    private Demo(String apiKey, String customerId) {
        this.apiKey = apiKey;
        this.customerId = customerId;
    }

    /**
     * Creates what is missing, on the database a server has just opened (for the embedded one, this
     * attaches to it).
     */
    static Demo ensure(DatabaseConfig config) {
        try (Database database = Database.open(config.withPoolSize(DatabaseCommand.POOL_SIZE), "demo", false, null)) {
            DataSource dataSource = database.dataSource();
            Path dataDir = config.dataDir();
            Tenants tenants = TenantOption.tenants(dataSource);
            Optional<Tenant> existing = tenants.find(TENANT);
            Tenant tenant = existing.isPresent() ? existing.get() : tenants.create(TENANT, "Demo tenant", null);
            Customers customers = CustomerCommand.customers(dataSource);
            Optional<UUID> found = customers.findActive(tenant.id(), CUSTOMER_ALIAS);
            UUID customer = found.isPresent() ? found.get()
                    : customers.create(tenant.id(), CUSTOMER_ALIAS, "Demo Customer", "billing@demo.example");
            return new Demo(apiKey(dataSource, tenant, dataDir.resolve(KEY_FILE)), CustomerIds.format(customer));
        }
    }

    /** The demo tenant's API key (a secret: never printed but by {@link #print}). */
    String apiKey() {
        return apiKey;
    }

    /** The stored demo key when it still works for the demo tenant, else a new one. */
    private static String apiKey(DataSource dataSource, Tenant tenant, Path file) {
        try {
            if (Files.exists(file)) {
                String stored = Files.readString(file).strip();
                boolean valid = ApiKeyAuthenticator.forAdmin(dataSource).authenticate(stored)
                        .filter(caller -> caller.tenantId().equals(tenant.id())).isPresent();
                if (valid) {
                    return stored;
                }
            }
            ApiKeyFormat.Generated generated = ApiKeyCommand.keys(dataSource).create(tenant.id(), "demo");
            Path temp = Files.createTempFile(file.getParent(), KEY_FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, generated.key() + "\n");
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return generated.key();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the demo API key in " + file, e);
        }
    }

    /** Mints a token for the demo customer from the running server at {@code base} and prints how to use it. */
    void print(PrintStream out, URI base) {
        URI mint = base.resolve("api/v1/customers/" + CUSTOMER_ALIAS + "/portal-token");
        out.println();
        out.println("Demo: tenant '" + TENANT + "', customer " + customerId + " (alias " + CUSTOMER_ALIAS
                + ") and an API key for them. Open the customer portal page (its token is valid for 24 hours):");
        out.println();
        out.println("  " + portalLink(mint));
        out.println();
        out.println("Mint another portal token:");
        out.println();
        out.println("  curl -s -X POST -H 'Authorization: Bearer " + apiKey + "' " + mint);
        out.println();
        out.println("Verify it with the public keys at " + base.resolve(".well-known/jwks.json"));
        out.flush();
    }

    /** {@code <portal_url>/portal/customer?token=<JWT>}, minted through the server's API as any client does. */
    private String portalLink(URI mint) {
        HttpRequest request = HttpRequest.newBuilder(mint).version(HttpClient.Version.HTTP_1_1)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the demo could not mint a portal token: HTTP " + response.statusCode());
            }
            CustomerPortalTokenResponse minted = Json.mapper().readValue(response.body(), CustomerPortalTokenResponse.class);
            return minted.getPortalLink();
        } catch (IOException e) {
            throw new UncheckedIOException("the demo could not mint a portal token from " + mint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while minting the demo's portal token", e);
        }
    }
}
