package dev.portaltoken.support;

import dev.portaltoken.http.HttpLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The server a test class shares: a {@link TestServer} started before the class's own
 * {@code @BeforeAll} methods and closed after its {@code @AfterAll} ones, with the tenants, API key
 * and customer it asked for created through the admin CLI. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ServerFixture acme = ServerFixture.acme(Map.of(), "some-alias");
 * }</pre>
 */
public final class ServerFixture implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> env;
    private final List<String> tenants = new ArrayList<>();
    private boolean withKey;
    private boolean withCustomer;
    private String customerAlias;
    private HttpLimits limits = HttpLimits.DEFAULT;
    private TestServer server;
    private String key;
    private String customer;

    private ServerFixture(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** A server with the settings {@code env} adds or overrides, and nothing in it. */
    public static ServerFixture server(Map<String, String> env) {
        return new ServerFixture(env);
    }

    /**
     * Tenant {@code acme}, one API key of it ({@link #key()}) and one customer ({@link #customer()},
     * its {@code cus_} id) with {@code alias} (none when null).
     */
    public static ServerFixture acme(Map<String, String> env, String alias) {
        ServerFixture fixture = new ServerFixture(env).tenant("acme");
        fixture.withKey = true;
        fixture.withCustomer = true;
        fixture.customerAlias = alias;
        return fixture;
    }

    /** Serves with {@code limits} rather than the production ones (shorter timeouts, to time them). */
    public ServerFixture limits(HttpLimits limits) {
        this.limits = limits;
        return this;
    }

    /** Creates tenant {@code slug} as well (after those asked for earlier). */
    public ServerFixture tenant(String slug) {
        tenants.add(slug);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = TestServer.start(env, limits);
        tenants.forEach(server::createTenant);
        if (withKey) {
            key = server.createApiKey(tenants.get(0));
        }
        if (withCustomer) {
            customer = server.createCustomer(tenants.get(0), customerAlias);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    public TestServer server() {
        return server;
    }

    /** The checking client of the API port ({@link TestServer#http()}). */
    public Http http() {
        return server.http();
    }

    /** The API key of the first tenant ({@link #acme}). */
    public String key() {
        return key;
    }

    /** The {@code cus_} id of the first tenant's customer ({@link #acme}). */
    public String customer() {
        return customer;
    }
}
