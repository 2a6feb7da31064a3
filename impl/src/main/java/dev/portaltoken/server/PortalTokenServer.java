package dev.portaltoken.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import com.nimbusds.jose.jwk.JWK;
import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.ApiKeyRepository;
import dev.portaltoken.config.ServerConfig;
import dev.portaltoken.customer.CustomerRepository;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.db.Database;
import dev.portaltoken.http.ApiExceptionMapper;
import dev.portaltoken.http.AuthenticationFilter;
import dev.portaltoken.http.BodySizeFilter;
import dev.portaltoken.http.ContractResources;
import dev.portaltoken.http.Json;
import dev.portaltoken.http.JsonOnlyFilter;
import dev.portaltoken.http.JwksResource;
import dev.portaltoken.http.OperationsResource;
import dev.portaltoken.http.PortalTokenRequestReader;
import dev.portaltoken.http.PortalTokenResource;
import dev.portaltoken.http.ProcessingExceptionMapper;
import dev.portaltoken.http.RateLimitFilter;
import dev.portaltoken.http.RequestLogFilter;
import dev.portaltoken.http.ResponseHeadersFilter;
import dev.portaltoken.http.UnexpectedExceptionMapper;
import dev.portaltoken.http.WebApplicationExceptionMapper;
import dev.portaltoken.metrics.Metrics;
import dev.portaltoken.ops.Readiness;
import dev.portaltoken.ratelimit.AuthFailureLimiter;
import dev.portaltoken.ratelimit.ClientAddresses;
import dev.portaltoken.ratelimit.KeyRateLimiter;
import dev.portaltoken.token.PortalTokenIssuer;
import dev.portaltoken.token.PortalTokenService;
import dev.portaltoken.token.SigningKey;
import dev.portaltoken.token.SigningKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.model.Resource;

/**
 * The one place that builds the server with {@code new}: metrics, database, repositories, services,
 * signing key, resources and providers, registered explicitly (no scanning, no DI container).
 */
public final class PortalTokenServer implements AutoCloseable {
    private static final long JWKS_MAX_AGE_SECONDS = 300;

    private final Metrics metrics;
    private final Database database;
    private final Readiness readiness;
    private final List<HttpServer> servers;
    private final SigningKey signingKey;
    private final URI baseUri;
    private final URI managementUri;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PortalTokenServer(Metrics metrics, Database database, Readiness readiness, List<HttpServer> servers,
                              SigningKey signingKey, URI baseUri, URI managementUri) {
        this.metrics = metrics;
        this.database = database;
        this.readiness = readiness;
        this.servers = servers;
        this.signingKey = signingKey;
        this.baseUri = baseUri;
        this.managementUri = managementUri;
    }

    /** Opens the database, migrates it, loads the signing key and starts listening. */
    public static PortalTokenServer start(ServerConfig config) {
        Metrics metrics = new Metrics();
        Database database = Database.open(config.database(), "server", true, metrics.registry());
        List<HttpServer> servers = new ArrayList<>();
        Readiness readiness = null;
        try {
            SigningKey signingKey = SigningKeys.load(config.jwtSecret(), config.signingKey(), config.database().dataDir());
            ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(
                    new ApiKeyRepository(database.dataSource()), config.apiKeyCacheTtl());
            AuthFailureLimiter authFailures = new AuthFailureLimiter(config.rateLimits());
            KeyRateLimiter keyLimits = new KeyRateLimiter(config.rateLimits());
            Customers customers = new Customers(new CustomerRepository(database.dataSource()), config.customerCacheTtl());
            PortalTokenService tokens = new PortalTokenService(customers,
                    new PortalTokenIssuer(signingKey, config.tokenIssuer(), config.tokenAudience(), Clock.systemUTC()),
                    config.portalUrl(), metrics.tokensMinted(signingKey.algorithm().getName()));
            List<JWK> published = signingKey.publicJwk().stream().toList();
            readiness = new Readiness(database.dataSource(), database::migrated, () -> true);

            Resource operations = ContractResources.of(new OperationsResource(readiness, metrics));
            ResourceConfig api = application(metrics)
                    .registerResources(ContractResources.of(new PortalTokenResource(tokens)),
                            ContractResources.of(new JwksResource(() -> published)))
                    .register(new AuthenticationFilter(authenticator, authFailures,
                            new ClientAddresses(config.trustedProxies()), metrics))
                    .register(new RateLimitFilter(keyLimits, metrics))
                    .register(new PortalTokenRequestReader(Json.mapper()));
            if (config.managementPort().isEmpty()) {
                api.registerResources(operations);
            }
            HttpServer main = listen(config.host(), config.port(), api, config.workerThreads());
            servers.add(main);
            URI baseUri = uri(config.host(), main);
            URI managementUri = baseUri;
            if (config.managementPort().isPresent()) {
                HttpServer management = listen(config.host(), config.managementPort().getAsInt(),
                        application(metrics).registerResources(operations), 2);
                servers.add(management);
                managementUri = uri(config.host(), management);
            }
            return new PortalTokenServer(metrics, database, readiness, servers, signingKey, baseUri, managementUri);
        } catch (RuntimeException e) {
            servers.forEach(HttpServer::shutdownNow);
            if (readiness != null) {
                readiness.close();
            }
            database.close();
            metrics.close();
            throw e;
        }
    }

    /** A Jersey application with the providers every port shares. */
    private static ResourceConfig application(Metrics metrics) {
        ObjectMapper mapper = Json.mapper();
        UnexpectedExceptionMapper unexpected = new UnexpectedExceptionMapper();
        return new ResourceConfig()
                .register(new RequestLogFilter(metrics))
                .register(new BodySizeFilter())
                .register(new JsonOnlyFilter())
                .register(new ResponseHeadersFilter(JWKS_MAX_AGE_SECONDS))
                .register(new JacksonJsonProvider(mapper))
                .register(new ApiExceptionMapper())
                .register(new WebApplicationExceptionMapper(unexpected))
                .register(new ProcessingExceptionMapper(unexpected))
                .register(unexpected)
                .property(CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true)
                .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true)
                .property(ServerProperties.PROCESSING_RESPONSE_ERRORS_ENABLED, true);
    }

    /**
     * Starts Grizzly with limits that keep slow, idle or oversized clients from holding workers:
     * request line and headers at most 8 KiB, connections idle for 15 s closed, a worker's read of a
     * request body timed out after 10 s and any request cut off after 30 s, unread bodies over
     * 64 KiB not drained (the connection is closed instead).
     */
    private static HttpServer listen(String host, int port, ResourceConfig application, int workers) {
        HttpServer http = GrizzlyHttpServerFactory.createHttpServer(
                URI.create("http://" + host + ":" + port + "/"), application, false);
        http.getServerConfiguration().setMaxPayloadRemainderToSkip(64 * 1024);
        http.getServerConfiguration().setDefaultErrorPageGenerator(HttpErrorPages::json);
        for (NetworkListener listener : http.getListeners()) {
            listener.registerAddOn(new HttpCodecAddOn());
            listener.setMaxHttpHeaderSize(8 * 1024);
            listener.getKeepAlive().setIdleTimeoutInSeconds(15);
            listener.getKeepAlive().setMaxRequestsCount(10_000);
            listener.setTransactionTimeout(30);
            listener.getTransport().setReadTimeout(10, TimeUnit.SECONDS);
            listener.getTransport().setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                    .setPoolName("http-worker").setCorePoolSize(workers).setMaxPoolSize(workers));
        }
        try {
            http.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
        return http;
    }

    private static URI uri(String host, HttpServer http) {
        String shown = "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host;
        return URI.create("http://" + shown + ":" + http.getListeners().iterator().next().getPort() + "/");
    }

    /** Where the API listens, with a host usable from this machine. */
    public URI baseUri() {
        return baseUri;
    }

    /** Where /healthz, /readyz and /metrics are served (the API's address when no management port). */
    public URI managementUri() {
        return managementUri;
    }

    public SigningKey signingKey() {
        return signingKey;
    }

    /** The pool this server uses, for admin work done in the same process (the demo set-up). */
    public javax.sql.DataSource dataSource() {
        return database.dataSource();
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
            for (HttpServer server : servers) {
                server.shutdown(10, TimeUnit.SECONDS).get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            servers.forEach(HttpServer::shutdownNow);
        } finally {
            readiness.close();
            database.close();
            metrics.close();
        }
    }
}
