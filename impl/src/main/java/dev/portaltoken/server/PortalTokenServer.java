package dev.portaltoken.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.ApiKeyRepository;
import dev.portaltoken.config.AdminApiPort;
import dev.portaltoken.config.ServerConfig;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.customer.CustomerRepository;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.db.ChangeListener;
import dev.portaltoken.db.Database;
import dev.portaltoken.errors.ErrorRenderer;
import dev.portaltoken.http.ApiApplication;
import dev.portaltoken.http.HttpLimits;
import dev.portaltoken.http.Json;
import dev.portaltoken.keys.SigningKeys;
import dev.portaltoken.meteroid.MeteroidWebhooks;
import dev.portaltoken.meteroid.PeriodicSync;
import dev.portaltoken.metrics.Metrics;
import dev.portaltoken.tenant.Tenants;
import dev.portaltoken.ops.ReadinessProbe;
import dev.portaltoken.ratelimit.AuthFailureLimiter;
import dev.portaltoken.ratelimit.ClientAddresses;
import dev.portaltoken.ratelimit.ClusterRateLimits;
import dev.portaltoken.ratelimit.KeyRateLimiter;
import dev.portaltoken.token.PortalTokenIssuer;
import dev.portaltoken.token.PortalTokenService;
import io.github.bucket4j.TimeMeter;
import dev.portaltoken.token.Revocations;
import dev.portaltoken.token.IssuedTokens;
import dev.portaltoken.ids.TokenIds;
import dev.portaltoken.util.Lifecycle;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The one place that builds the server: a straight list of {@code new} in dependency order, where
 * every started thing is handed to one {@link Lifecycle} that closes them in reverse, whether
 * start-up fails half way, the server stops or the JVM exits. Components with background work are
 * built first and then started by the lifecycle, on the named threads it hands out. No DI
 * container, nothing scanned.
 */
public final class PortalTokenServer implements AutoCloseable {
    /** Drain: how long no request must have been in progress, and the most the drain waits. */
    private static final long QUIET_MILLIS = 200;
    private static final long DRAIN_MAX_MILLIS = 10_000;
    /** The management port serves three cheap operations: two workers are plenty. */
    private static final int MANAGEMENT_WORKERS = 2;

    /**
     * What the start-up banner shows; {@code signer} names what computes the signatures, {@code
     * notReady} why {@code /readyz} does not answer 200 yet (empty when it does).
     */
    public record Summary(URI baseUri, URI managementUri, String database, String signing, String signer,
                          Optional<String> notReady) {
    }

    private final Lifecycle lifecycle;
    private final Listeners listeners;
    private final ReadinessProbe readiness;
    private final java.time.Duration drainDelay;
    private final Supplier<Summary> summary;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param summary the banner's facts as they are when asked (the keys may load later) */
    private PortalTokenServer(Lifecycle lifecycle, Listeners listeners, ReadinessProbe readiness,
                              java.time.Duration drainDelay, Supplier<Summary> summary) {
        this.lifecycle = lifecycle;
        this.listeners = listeners;
        this.readiness = readiness;
        this.drainDelay = drainDelay;
        this.summary = summary;
    }

    /**
     * Checks first what can be checked without creating anything (a forced signer loads, no other
     * server runs on the data directory, the ports are free), failing with one line that says how to
     * fix it. Then opens the database and migrates it, opens the signing keys (checking that the key encryption
     * key opens them, creating the first one) and keeps them fresh, and starts listening. An external
     * database that is down defers the keys: the server listens at once and reports not ready until
     * they are loaded.
     */
    public static PortalTokenServer start(ServerConfig config) {
        return start(config, Clock.systemUTC(), TimeMeter.SYSTEM_MILLISECONDS);
    }

    /**
     * As {@link #start(ServerConfig)}, minting tokens on {@code clock} (tests set it back to mint
     * expired ones) and refilling the rate limits by {@code rateLimitTime} (tests advance their own).
     */
    public static PortalTokenServer start(ServerConfig config, Clock clock, TimeMeter rateLimitTime) {
        return start(config, clock, rateLimitTime, HttpLimits.DEFAULT);
    }

    /** As {@link #start(ServerConfig, Clock, TimeMeter)}, with other HTTP limits (tests shorten the timeouts). */
    public static PortalTokenServer start(ServerConfig config, Clock clock, TimeMeter rateLimitTime, HttpLimits limits) {
        Lifecycle lifecycle = new Lifecycle().closeOnExit();
        try {
            PortalTokenServer server = start(config, clock, rateLimitTime, limits, lifecycle);
            lifecycle.onExit(server::close);
            return server;
        } catch (RuntimeException e) {
            lifecycle.close();
            throw e;
        }
    }

    private static PortalTokenServer start(ServerConfig config, Clock clock, TimeMeter rateLimitTime, HttpLimits limits,
            Lifecycle lifecycle) {
        CompletableFuture<SignerProvider> signerChoice = StartChecks.beforeCreatingAnything(config);
        ObjectMapper json = Json.mapper();
        ErrorRenderer errors = new ErrorRenderer(json);
        Metrics metrics = lifecycle.add(new Metrics());
        Database database = lifecycle.add(Database.open(config.database(), "server", true, metrics.registry(), lifecycle));
        SignerProvider signer = StartChecks.chosen(signerChoice);
        boolean hmac = JWSAlgorithm.HS256.equals(config.signing().algorithm());
        metrics.signer(hmac ? "jdk" : signer.configName(), config.signing().algorithm().getName());
        SigningKeys keys = lifecycle.start(SigningKeys.serve(database.dataSource(), config.signing(), signer,
                config.database().dataDir(), SigningKeys.expected(config.signing(), config.tokenIssuer(),
                        config.tokenAudience()), database::migrated));

        // The API port is bound first: unless PUBLIC_URL is set, the public URL is its address.
        Drain drain = new Drain();
        HttpListener main = lifecycle.add(HttpListener.bind(config.host(), config.port(), config.workerThreads(),
                limits, drain, errors));
        PublicUrl publicUrl = PublicUrl.of(config.publicUrl(), main.uri());

        ChangeListener changes = new ChangeListener(database);
        ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(
                new ApiKeyRepository(database.dataSource()), config.apiKeyCacheTtl(), changes);
        Customers customers = new Customers(new CustomerRepository(database.dataSource()), config.customerCacheTtl(),
                changes, metrics.customerLookups("database")::increment, io.micrometer.core.instrument.Counter.builder(
                        "portal.customer.queries").description("Queries of customer lookups; concurrent lookups share one")
                        .register(metrics.registry())::increment, metrics.customerLookups("cache")::increment);
        TokenIds tokenIds = new TokenIds(clock);
        Revocations revocations = lifecycle.start(new Revocations(database.dataSource(), Clock.systemUTC(),
                config.revocationsReread(), config.maxRevokedTokensPerTenant()));
        PortalTokenService tokens = new PortalTokenService(customers,
                new PortalTokenIssuer(keys::signingKey, config.tokenIssuer(), config.tokenAudience(), tokenIds),
                revocations, config.portalUrl().orElse(publicUrl.uri()), publicUrl.uri(), // unset PORTAL_URL: the page served here
                metrics.tokensMinted(config.signing().algorithm().getName()));
        IssuedTokens issuedTokens = new IssuedTokens(keys, revocations, customers, tokenIds, Clock.systemUTC(),
                metrics.issuedTokens());
        lifecycle.start(changes.dispatchingTo(Map.of(
                "customer_changed", tenantId -> customers.forgetTenant(UUID.fromString(tenantId)),
                "api_key_changed", keyId -> authenticator.forgetKey(UUID.fromString(keyId)),
                "tenant_changed", tenantId -> authenticator.forgetTenant(UUID.fromString(tenantId)),
                "token_revoked", revocations::onTokenRevoked,
                "customer_revoked", revocations::onCustomerRevoked,
                "signing_key_changed", any -> keys.reloadSoon()),
                () -> {
                    customers.forgetAll();
                    authenticator.forgetAll();
                    revocations.reload();
                }));
        metrics.changeListener(changes::status, changes::failures);
        metrics.revocations(revocations::footprint);
        ReadinessProbe readiness = lifecycle.start(new ReadinessProbe(database.dataSource(), database::migrated,
                keys::loaded, changes::status));

        ApiApplication.Pipeline pipeline = new ApiApplication.Pipeline(json, errors, metrics, limits,
                config.signing().refreshInterval(), readiness);
        KeyRateLimiter keyLimits = new KeyRateLimiter(config.rateLimits(), rateLimitTime);
        if (config.rateLimits().cluster() && keyLimits.enabled()) {
            lifecycle.start(new ClusterRateLimits(keyLimits, database.dataSource()));
        }
        MeteroidWebhooks webhooks = new MeteroidWebhooks(database.dataSource(), Tenants.of(database.dataSource()),
                keys::secretBox, Clock.systemUTC());
        lifecycle.start(new PeriodicSync(database.dataSource(), webhooks, keys::secretBox, config.meteroidSyncInterval()));
        ApiApplication.Api api = new ApiApplication.Api(tokens, issuedTokens, keys::publishedKeys, authenticator,
                new AuthFailureLimiter(config.rateLimits(), rateLimitTime), new ClientAddresses(config.trustedProxies()),
                keyLimits, webhooks);
        ApiApplication.Admin admin = ApiApplication.Admin.of(database.dataSource(), customers, keys);
        lifecycle.start(admin.idempotency());
        var fromMemory = ApiApplication.answeredFromMemory(api, admin);
        main.serve(ApiApplication.api(pipeline, api, admin, config.managementPort().isEmpty(),
                config.adminApi() == AdminApiPort.MAIN), fromMemory, metrics);
        List<HttpListener> listeners = config.managementPort().isEmpty() ? List.of(main)
                : List.of(main, lifecycle.add(HttpListener.start(config.host(), config.managementPort().getAsInt(),
                        ApiApplication.management(pipeline, api, admin, config.adminApi() == AdminApiPort.MANAGEMENT),
                        fromMemory, metrics, MANAGEMENT_WORKERS, limits, drain, errors)));
        Listeners listening = new Listeners(drain, listeners);
        String signerName = hmac ? "jdk (HS256: the JDK's HMAC)"
                : signer.configName() + " (" + Signers.describe(signer) + ")";
        return new PortalTokenServer(lifecycle, listening, readiness, config.drainDelay(), () -> new Summary(
                listening.api(), listening.management(), database.description(), keys.describeSigning(), signerName,
                readiness.state().whyNot(database.description())));
    }

    /** Where the API listens, with a host usable from this machine. */
    public URI baseUri() {
        return listeners.api();
    }

    /** Where /healthz, /readyz and /metrics are served (the API's address when no management port). */
    public URI managementUri() {
        return listeners.management();
    }

    /**
     * What the JVM's exit does besides {@link #close}: {@code after} runs once this server has
     * stopped (the CLI writes the waiting request log lines).
     */
    public void onExit(Runnable after) {
        lifecycle.onExit(() -> {
            close();
            after.run();
        });
    }

    /** Where it listens, what database it uses and what it signs with, for the start-up banner. */
    public Summary summary() {
        return summary.get();
    }

    /**
     * Reports not ready at once and keeps serving for the drain delay ({@code PORTAL_DRAIN_DELAY_SECONDS},
     * the time a load balancer takes to notice; each answer meanwhile closes its connection, so that
     * clients reconnect elsewhere), then stops accepting connections, keeps serving requests on the
     * open ones until none has been in progress for a moment (at most 10 s), and closes everything it
     * started, in reverse. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            readiness.startDraining();
            listeners.drain().start();
            Thread.sleep(drainDelay.toMillis());
            listeners.drain(QUIET_MILLIS, DRAIN_MAX_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lifecycle.close();
        }
    }
}
