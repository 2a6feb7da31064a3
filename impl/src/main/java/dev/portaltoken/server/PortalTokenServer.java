package dev.portaltoken.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.ApiKeyRepository;
import dev.portaltoken.config.ServerConfig;
import dev.portaltoken.config.SigningConfig;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.customer.CustomerRepository;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.db.DataAccessException;
import dev.portaltoken.db.ChangeListener;
import dev.portaltoken.db.Database;
import dev.portaltoken.http.ApiExceptionMapper;
import dev.portaltoken.http.AuthenticationFilter;
import dev.portaltoken.http.BodySizeFilter;
import dev.portaltoken.http.ContractResources;
import dev.portaltoken.http.Json;
import dev.portaltoken.http.JsonOnlyFilter;
import dev.portaltoken.http.JwksResource;
import dev.portaltoken.http.OperationsResource;
import dev.portaltoken.http.OptionsFilter;
import dev.portaltoken.http.PortalTokenRequestReader;
import dev.portaltoken.http.PortalTokenResource;
import dev.portaltoken.http.ProcessingExceptionMapper;
import dev.portaltoken.http.RateLimitFilter;
import dev.portaltoken.http.RequestLogFilter;
import dev.portaltoken.http.ResponseHeadersFilter;
import dev.portaltoken.http.UnexpectedExceptionMapper;
import dev.portaltoken.http.WebApplicationExceptionMapper;
import dev.portaltoken.keys.KeyEncryptionKey;
import dev.portaltoken.keys.KeyRing;
import dev.portaltoken.keys.SigningKeyRepository;
import dev.portaltoken.keys.SigningKeyStore;
import dev.portaltoken.metrics.Metrics;
import dev.portaltoken.ops.Readiness;
import dev.portaltoken.ratelimit.AuthFailureLimiter;
import dev.portaltoken.ratelimit.ClientAddresses;
import dev.portaltoken.ratelimit.KeyRateLimiter;
import dev.portaltoken.token.PortalTokenIssuer;
import dev.portaltoken.token.PortalTokenService;
import dev.portaltoken.token.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * The one place that builds the server with {@code new}: metrics, database, signing keys and their
 * refresher, repositories, services, limiters, resources and providers, registered explicitly (no
 * scanning, no DI container).
 */
public final class PortalTokenServer implements AutoCloseable {
    /**
     * A new signing key signs only after two refresh intervals (one for every instance to publish
     * it, one for JWKS caches, whose max-age is the interval, to expire) and this margin for clock
     * differences between hosts.
     */
    private static final java.time.Duration PUBLISH_MARGIN = java.time.Duration.ofSeconds(2);
    private final Metrics metrics;
    private final Database database;
    private final KeyRingSupervisor keys;
    private final Readiness readiness;
    private final ChangeListener changes;
    private final List<HttpServer> servers;
    private final Drain drain;
    private final URI baseUri;
    private final URI managementUri;
    private final SignerProvider signer;
    private final boolean hmac;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PortalTokenServer(Metrics metrics, Database database, KeyRingSupervisor keys, Readiness readiness,
                              ChangeListener changes, List<HttpServer> servers, Drain drain, URI baseUri,
                              URI managementUri, SignerProvider signer, boolean hmac) {
        this.metrics = metrics;
        this.database = database;
        this.keys = keys;
        this.readiness = readiness;
        this.changes = changes;
        this.servers = servers;
        this.drain = drain;
        this.baseUri = baseUri;
        this.managementUri = managementUri;
        this.signer = signer;
        this.hmac = hmac;
    }

    /**
     * Opens the database and migrates it, checks that the key encryption key opens the stored
     * signing keys (creating the first one when there is none), starts re-reading them every refresh
     * interval, and starts listening. An external database that is down defers all of that: the
     * server listens at once and reports not ready until it is done.
     */
    public static PortalTokenServer start(ServerConfig config) {
        // AWS-LC loads and runs its self-tests (about 0.2 s) while the database opens.
        CompletableFuture<SignerProvider> signerChoice =
                CompletableFuture.supplyAsync(() -> Signers.select(config.signing().signer()));
        Metrics metrics = new Metrics();
        Database database = Database.open(config.database(), "server", true, metrics.registry());
        List<HttpServer> servers = new ArrayList<>();
        Drain drain = new Drain();
        KeyRingSupervisor keys = null;
        Readiness readiness = null;
        ChangeListener changes = null;
        try {
            SigningConfig signing = config.signing();
            SignerProvider signer = chosen(signerChoice);
            boolean hmac = JWSAlgorithm.HS256.equals(signing.algorithm());
            metrics.signer(hmac ? "jdk" : signer.configName(), signing.algorithm().getName());
            keys = new KeyRingSupervisor(() -> openKeyRing(config, database, signer), database::migrated);
            keys.start(signing.refreshInterval());
            KeyRingSupervisor ring = keys;

            ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(
                    new ApiKeyRepository(database.dataSource()), config.apiKeyCacheTtl());
            AuthFailureLimiter authFailures = new AuthFailureLimiter(config.rateLimits());
            KeyRateLimiter keyLimits = new KeyRateLimiter(config.rateLimits());
            Customers customers = new Customers(new CustomerRepository(database.dataSource()), config.customerCacheTtl());
            PortalTokenService tokens = new PortalTokenService(customers,
                    new PortalTokenIssuer(ring::signingKey, config.tokenIssuer(), config.tokenAudience(),
                            Clock.systemUTC()),
                    config.portalUrl(), metrics.tokensMinted(signing.algorithm().getName()));
            readiness = new Readiness(database.dataSource(), database::migrated, ring::loaded);
            changes = new ChangeListener(database, Map.of(
                    "customer_changed", tenantId -> customers.forgetTenant(UUID.fromString(tenantId)),
                    "api_key_changed", keyId -> authenticator.forgetKey(UUID.fromString(keyId))),
                    () -> {
                        customers.forgetAll();
                        authenticator.forgetAll();
                    }).start();

            Resource operations = ContractResources.of(new OperationsResource(readiness, metrics));
            ResourceConfig api = application(metrics, signing.refreshInterval().toSeconds())
                    .registerResources(ContractResources.of(new PortalTokenResource(tokens)),
                            ContractResources.of(new JwksResource(ring::publishedKeys)))
                    .register(new AuthenticationFilter(authenticator, authFailures,
                            new ClientAddresses(config.trustedProxies()), metrics))
                    .register(new RateLimitFilter(keyLimits, metrics))
                    .register(new PortalTokenRequestReader(Json.mapper()));
            if (config.managementPort().isEmpty()) {
                api.registerResources(operations);
            }
            HttpServer main = listen(config.host(), config.port(), api, config.workerThreads(), drain);
            servers.add(main);
            URI baseUri = uri(config.host(), main);
            URI managementUri = baseUri;
            if (config.managementPort().isPresent()) {
                HttpServer management = listen(config.host(), config.managementPort().getAsInt(),
                        application(metrics, signing.refreshInterval().toSeconds()).registerResources(operations), 2, drain);
                servers.add(management);
                managementUri = uri(config.host(), management);
            }
            return new PortalTokenServer(metrics, database, keys, readiness, changes, servers, drain, baseUri,
                    managementUri, signer, hmac);
        } catch (SQLException e) {
            stop(servers, keys, readiness, changes, database, metrics);
            throw new DataAccessException(e);
        } catch (RuntimeException e) {
            stop(servers, keys, readiness, changes, database, metrics);
            throw e;
        }
    }

    private static SignerProvider chosen(CompletableFuture<SignerProvider> choice) {
        try {
            return choice.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e; // one line for the start-up error
        }
    }

    /** Checks the key encryption key against the stored keys (creating the first key if none) and loads them. */
    private static KeyRing openKeyRing(ServerConfig config, Database database, SignerProvider signer)
            throws SQLException {
        SigningConfig signing = config.signing();
        SigningKeyRepository keyRepository = new SigningKeyRepository(database.dataSource());
        SigningKeyStore keyStore = new SigningKeyStore(keyRepository,
                KeyEncryptionKey.resolve(signing.keyEncryptionKey(), config.database().dataDir(),
                        keyRepository.hasSealedKeys()),
                signer);
        keyStore.checkEncryptionKey();
        KeyRing keyRing = new KeyRing(keyRepository, keyStore, signing.algorithm(),
                signing.jwtSecret().filter(s -> JWSAlgorithm.HS256.equals(signing.algorithm()))
                        .map(s -> SigningKey.hmac(s.reveal().getBytes(StandardCharsets.UTF_8))),
                signing.refreshInterval().multipliedBy(2).plus(PUBLISH_MARGIN), Clock.systemUTC());
        keyRing.refresh();
        return keyRing;
    }

    /** A Jersey application with the providers every port shares. */
    private static ResourceConfig application(Metrics metrics, long jwksMaxAgeSeconds) {
        ObjectMapper mapper = Json.mapper();
        UnexpectedExceptionMapper unexpected = new UnexpectedExceptionMapper();
        return new ResourceConfig()
                .register(new RequestLogFilter(metrics))
                .register(new BodySizeFilter())
                .register(new JsonOnlyFilter())
                .register(new ResponseHeadersFilter(jwksMaxAgeSeconds))
                .register(new OptionsFilter())
                .register(new JacksonJsonProvider(mapper))
                .register(new ApiExceptionMapper())
                .register(new WebApplicationExceptionMapper(unexpected))
                .register(new ProcessingExceptionMapper(unexpected))
                .register(unexpected)
                .property(CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true)
                .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true)
                .property(ServerProperties.PROCESSING_RESPONSE_ERRORS_ENABLED, true)
                // Answers are well under 1 KiB: a 2 KiB buffer (not 8) still gives them a Content-Length.
                .property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 2048);
    }

    /**
     * Starts Grizzly with limits that keep slow, idle or oversized clients from holding workers:
     * request line and headers at most 8 KiB, connections idle for 15 s closed, a worker's read of a
     * request body timed out after 10 s and any request cut off after 30 s, unread bodies over
     * 64 KiB not drained (the connection is closed instead).
     */
    private static HttpServer listen(String host, int port, ResourceConfig application, int workers, Drain drain) {
        HttpServer http = GrizzlyHttpServerFactory.createHttpServer(
                URI.create("http://" + host + ":" + port + "/"), application, false);
        http.getServerConfiguration().getMonitoringConfig().getWebServerConfig().addProbes(drain);
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

    /**
     * The key new tokens are signed with now.
     *
     * @throws IllegalStateException while the signing keys are not loaded (database down at start-up)
     */
    public SigningKey signingKey() {
        return keys.signingKey();
    }

    /** The implementation that signs EdDSA and ES256 tokens (chosen at start-up). */
    public SignerProvider signer() {
        return signer;
    }

    /** True when tokens are HS256, signed with the shared secret by the JDK's HMAC rather than by {@link #signer()}. */
    public boolean hmac() {
        return hmac;
    }

    /** True once the signing keys are loaded. */
    public boolean signingKeysLoaded() {
        return keys.loaded();
    }

    /** The pool this server uses, for admin work done in the same process (the demo set-up). */
    public javax.sql.DataSource dataSource() {
        return database.dataSource();
    }

    public String databaseDescription() {
        return database.description();
    }

    /**
     * Stops accepting connections, keeps serving requests on the open ones (each answer then closes
     * its connection) until none has been in progress for 200 ms (at most 10 s), closes what is left,
     * then stops the key refresher and closes the pool and the embedded PostgreSQL. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            drain.start();
            for (HttpServer server : servers) {
                server.getListeners().forEach(listener -> listener.getTransport().unbindAll());
            }
            drain.awaitIdle(200, 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stop(servers, keys, readiness, changes, database, metrics);
        }
    }

    private static void stop(List<HttpServer> servers, KeyRingSupervisor keys, Readiness readiness,
                             ChangeListener changes, Database database, Metrics metrics) {
        servers.forEach(HttpServer::shutdownNow);
        if (changes != null) {
            changes.close();
        }
        if (keys != null) {
            keys.close();
        }
        if (readiness != null) {
            readiness.close();
        }
        database.close();
        metrics.close();
    }
}
