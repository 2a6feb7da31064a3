package dev.portaltoken.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.ApiKeyRepository;
import dev.portaltoken.config.ServerConfig;
import dev.portaltoken.config.SigningConfig;
import dev.portaltoken.customer.CustomerRepository;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.db.DataAccessException;
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
import dev.portaltoken.keys.KeyEncryptionKey;
import dev.portaltoken.keys.KeyRing;
import dev.portaltoken.keys.SigningKeyRepository;
import dev.portaltoken.keys.SigningKeyStore;
import dev.portaltoken.token.PortalTokenIssuer;
import dev.portaltoken.token.PortalTokenService;
import dev.portaltoken.token.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The one place that builds the server with {@code new}: database, repositories, services, signing
 * keys and their refresher, resources and providers, registered explicitly (no scanning, no DI
 * container).
 */
public final class PortalTokenServer implements AutoCloseable {
    private final Database database;
    private final ScheduledExecutorService keyRefresher;
    private final HttpServer http;
    private final KeyRing keyRing;
    private final URI baseUri;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PortalTokenServer(Database database, ScheduledExecutorService keyRefresher, HttpServer http,
                              KeyRing keyRing, URI baseUri) {
        this.database = database;
        this.keyRefresher = keyRefresher;
        this.http = http;
        this.keyRing = keyRing;
        this.baseUri = baseUri;
    }

    /**
     * Opens the database, migrates it, checks that the key encryption key opens the stored signing
     * keys (creating the first one when there is none), starts re-reading them every refresh
     * interval, and starts listening.
     */
    public static PortalTokenServer start(ServerConfig config) {
        Database database = Database.open(config.database(), "server", true);
        ScheduledExecutorService keyRefresher = null;
        try {
            SigningConfig signing = config.signing();
            SigningKeyRepository keyRepository = new SigningKeyRepository(database.dataSource());
            SigningKeyStore keyStore = new SigningKeyStore(keyRepository,
                    KeyEncryptionKey.resolve(signing.keyEncryptionKey(), config.database().dataDir(),
                            keyRepository.hasSealedKeys()),
                    signing.signer());
            keyStore.checkEncryptionKey();
            KeyRing keyRing = new KeyRing(keyRepository, keyStore, signing.algorithm(),
                    signing.jwtSecret().filter(s -> JWSAlgorithm.HS256.equals(signing.algorithm()))
                            .map(s -> SigningKey.hmac(s.reveal().getBytes(StandardCharsets.UTF_8))));
            keyRing.refresh();
            long refreshMillis = signing.refreshInterval().toMillis();
            keyRefresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "signing-key-refresh");
                thread.setDaemon(true);
                return thread;
            });
            keyRefresher.scheduleWithFixedDelay(keyRing::refreshQuietly, refreshMillis, refreshMillis,
                    TimeUnit.MILLISECONDS);

            ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(
                    new ApiKeyRepository(database.dataSource()), config.apiKeyCacheTtl());
            Customers customers = new Customers(new CustomerRepository(database.dataSource()));
            PortalTokenService tokens = new PortalTokenService(customers,
                    new PortalTokenIssuer(keyRing::signingKey, config.tokenIssuer(), config.tokenAudience(),
                            Clock.systemUTC()),
                    config.portalUrl());

            ObjectMapper mapper = Json.mapper();
            UnexpectedExceptionMapper unexpected = new UnexpectedExceptionMapper();
            ResourceConfig resources = new ResourceConfig()
                    .registerResources(ContractResources.of(new PortalTokenResource(tokens)),
                            ContractResources.of(new JwksResource(keyRing::publishedKeys)))
                    .register(new AuthenticationFilter(authenticator))
                    .register(new JsonOnlyFilter())
                    .register(new ResponseHeadersFilter(signing.refreshInterval().toSeconds()))
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
            return new PortalTokenServer(database, keyRefresher, http, keyRing, baseUri);
        } catch (IOException e) {
            stop(keyRefresher, database);
            throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port(), e);
        } catch (SQLException e) {
            stop(keyRefresher, database);
            throw new DataAccessException(e);
        } catch (RuntimeException e) {
            stop(keyRefresher, database);
            throw e;
        }
    }

    /** Where the server listens, with a host usable from this machine. */
    public URI baseUri() {
        return baseUri;
    }

    /** The key new tokens are signed with now. */
    public SigningKey signingKey() {
        return keyRing.signingKey();
    }

    public String databaseDescription() {
        return database.description();
    }

    /**
     * Stops accepting, lets in-flight requests finish (up to 10 s), then stops refreshing the keys
     * and closes the pool and the embedded PostgreSQL. Idempotent.
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
            stop(keyRefresher, database);
        }
    }

    private static void stop(ScheduledExecutorService keyRefresher, Database database) {
        if (keyRefresher != null) {
            keyRefresher.shutdownNow();
        }
        database.close();
    }

    private static String displayHost(String host) {
        return "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host;
    }
}
