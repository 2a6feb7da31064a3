package dev.portaltoken.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.ApiKeyRepository;
import dev.portaltoken.config.ServerConfig;
import dev.portaltoken.customer.CustomerRepository;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.db.Database;
import dev.portaltoken.http.ApiExceptionMapper;
import dev.portaltoken.http.AuthenticationFilter;
import dev.portaltoken.http.ContractResources;
import dev.portaltoken.http.Json;
import dev.portaltoken.http.JsonOnlyFilter;
import dev.portaltoken.http.JwksResource;
import dev.portaltoken.http.PortalTokenRequestReader;
import dev.portaltoken.http.PortalTokenResource;
import dev.portaltoken.http.ResponseHeadersFilter;
import dev.portaltoken.http.UnexpectedExceptionMapper;
import dev.portaltoken.http.WebApplicationExceptionMapper;
import dev.portaltoken.token.PortalTokenIssuer;
import dev.portaltoken.token.PortalTokenService;
import dev.portaltoken.token.SigningKey;
import dev.portaltoken.token.SigningKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The one place that builds the server with {@code new}: database, repositories, services, signing
 * key, resources and providers, registered explicitly (no scanning, no DI container).
 */
public final class PortalTokenServer implements AutoCloseable {
    private static final long JWKS_MAX_AGE_SECONDS = 300;

    private final Database database;
    private final HttpServer http;
    private final SigningKey signingKey;
    private final URI baseUri;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private PortalTokenServer(Database database, HttpServer http, SigningKey signingKey, URI baseUri) {
        this.database = database;
        this.http = http;
        this.signingKey = signingKey;
        this.baseUri = baseUri;
    }

    /** Opens the database, migrates it, loads the signing key and starts listening. */
    public static PortalTokenServer start(ServerConfig config) {
        Database database = Database.open(config.database(), "server", true);
        try {
            SigningKey signingKey = SigningKeys.load(config.jwtSecret(), config.signingKey(), config.database().dataDir());
            ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(
                    new ApiKeyRepository(database.dataSource()), config.apiKeyCacheTtl());
            Customers customers = new Customers(new CustomerRepository(database.dataSource()));
            PortalTokenService tokens = new PortalTokenService(customers,
                    new PortalTokenIssuer(signingKey, config.tokenIssuer(), config.tokenAudience(), Clock.systemUTC()),
                    config.portalUrl());
            List<com.nimbusds.jose.jwk.JWK> published = signingKey.publicJwk().stream().toList();

            ObjectMapper mapper = Json.mapper();
            UnexpectedExceptionMapper unexpected = new UnexpectedExceptionMapper();
            ResourceConfig resources = new ResourceConfig()
                    .registerResources(ContractResources.of(new PortalTokenResource(tokens)),
                            ContractResources.of(new JwksResource(() -> published)))
                    .register(new AuthenticationFilter(authenticator))
                    .register(new JsonOnlyFilter())
                    .register(new ResponseHeadersFilter(JWKS_MAX_AGE_SECONDS))
                    .register(new PortalTokenRequestReader(mapper))
                    .register(new JacksonJsonProvider(mapper))
                    .register(new ApiExceptionMapper())
                    .register(new WebApplicationExceptionMapper(unexpected))
                    .register(unexpected)
                    .property(CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true)
                    .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                    .property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true)
                    .property(ServerProperties.PROCESSING_RESPONSE_ERRORS_ENABLED, true);

            URI requested = URI.create("http://" + config.host() + ":" + config.port() + "/");
            HttpServer http = GrizzlyHttpServerFactory.createHttpServer(requested, resources, false);
            http.getListeners().forEach(l -> l.registerAddOn(new IgnoreUpgradeAddOn()));
            http.start();
            NetworkListener listener = http.getListeners().iterator().next();
            URI baseUri = URI.create("http://" + displayHost(config.host()) + ":" + listener.getPort() + "/");
            return new PortalTokenServer(database, http, signingKey, baseUri);
        } catch (IOException e) {
            database.close();
            throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port(), e);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Where the server listens, with a host usable from this machine. */
    public URI baseUri() {
        return baseUri;
    }

    public SigningKey signingKey() {
        return signingKey;
    }

    public String databaseDescription() {
        return database.description();
    }

    /**
     * Stops accepting, lets in-flight requests finish (up to 10 s), then closes the pool and the
     * embedded PostgreSQL. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            http.shutdown(10, TimeUnit.SECONDS).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            http.shutdownNow();
        } finally {
            database.close();
        }
    }

    private static String displayHost(String host) {
        return "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host;
    }
}
