package dev.portaltoken.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.api.model.CustomerPortalTokenResponse;
import dev.portaltoken.api.model.Health;
import dev.portaltoken.cache.Freshness;
import dev.portaltoken.auth.ApiKeyAuthenticator;
import dev.portaltoken.auth.ApiKeyFormat;
import dev.portaltoken.auth.ApiKeyRepository;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.config.RateLimitConfig;
import dev.portaltoken.config.Secret;
import dev.portaltoken.config.SigningConfig;
import dev.portaltoken.config.TokenAudience;
import dev.portaltoken.keys.SigningKeys;
import dev.portaltoken.token.IssuedTokens;
import dev.portaltoken.util.BackgroundTasks;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.customer.CustomerRepository;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.db.Database;
import dev.portaltoken.http.Json;
import dev.portaltoken.ids.Uuids;
import dev.portaltoken.ratelimit.KeyRateLimiter;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.TenantRepository;
import dev.portaltoken.tenant.Tenants;
import dev.portaltoken.token.PortalTokenIssuer;
import dev.portaltoken.token.PortalTokenService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.portaltoken.ids.TokenIds;
import dev.portaltoken.token.Revocations;
import java.net.URI;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole portal-token request path in one process, without HTTP: the API key verified (from
 * the verified-key cache, as in steady state), the per-key rate limit taken, the customer found
 * (from the found-customer cache), the token minted and signed, and the response serialised to
 * JSON, built from the server's own classes over a real embedded PostgreSQL (the signing keys
 * stored and loaded as a server does). {@code introspect} is the same for an active token's
 * introspection. {@code health} is the baseline: what {@code GET /healthz} does besides HTTP,
 * serialising its answer. Compare ops/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class RequestPathBenchmark {
    /** The signing algorithm and implementation, as {@code PORTAL_TOKEN_ALG} and {@code PORTAL_SIGNER}. */
    @Param({"EdDSA-aws-lc", "EdDSA-bouncycastle", "ES256-aws-lc", "ES256-bouncycastle", "HS256"})
    public String signer;

    private java.nio.file.Path dataDir;
    private Database database;
    private ApiKeyAuthenticator authenticator;
    private KeyRateLimiter limiter;
    private PortalTokenService tokens;
    private Revocations revocations;
    private SigningKeys signingKeys;
    private BackgroundTasks tasks;
    private IssuedTokens lifecycle;
    private TokenIds ids;
    /** A token {@link #introspect} asks about (active: introspection from the caches, as in steady state). */
    private String minted;
    private ObjectMapper json;
    private String apiKey;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dataDir = Files.createTempDirectory("portal-token-bench");
        database = Database.open(new DatabaseConfig(Optional.empty(), Optional.empty(), Optional.empty(),
                dataDir, 4), "bench", true, null);
        Tenant tenant = new Tenants(new TenantRepository(database.dataSource())).create("bench", "Bench", null);
        ApiKeyFormat.Generated key = ApiKeyFormat.generate(Uuids.v7());
        ApiKeyRepository keys = new ApiKeyRepository(database.dataSource());
        keys.insert(tenant.id(), "bench", key);
        apiKey = key.key();
        Customers customers = new Customers(new CustomerRepository(database.dataSource()), Duration.ofSeconds(5),
                Freshness.UNTIL_EXPIRY);
        customers.create(tenant.id(), "bench-customer", "Bench Customer", null);

        String[] parts = signer.split("-", 2);
        JWSAlgorithm algorithm = JWSAlgorithm.parse(parts[0]);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        byte[] keyEncryptionKey = new byte[32];
        new SecureRandom().nextBytes(keyEncryptionKey);
        SignerProvider provider = parts.length > 1 ? SignerProvider.parse(parts[1]).orElseThrow() : SignerProvider.BOUNCYCASTLE;
        SigningConfig signing = new SigningConfig(algorithm, Optional.of(provider),
                JWSAlgorithm.HS256.equals(algorithm) ? Optional.of(Secret.ofBytes(secret)) : Optional.empty(),
                Optional.of(Secret.ofBytes(keyEncryptionKey)),
                Duration.ofSeconds(10));
        tasks = new BackgroundTasks();
        signingKeys = SigningKeys.serve(database.dataSource(), signing, provider, dataDir,
                SigningKeys.expected(signing, "portal-token-server", new TokenAudience(Optional.empty())), () -> true);
        signingKeys.start(tasks);
        ids = new TokenIds(Clock.systemUTC());
        authenticator = new ApiKeyAuthenticator(keys, Duration.ofSeconds(30), Freshness.UNTIL_EXPIRY);
        limiter = new KeyRateLimiter(new RateLimitConfig(1_000_000_000, 1_000_000_000, 60, 1));
        revocations = new Revocations(database.dataSource(), Clock.systemUTC(), Duration.ofSeconds(5), 100_000);
        revocations.start(tasks);
        tokens = new PortalTokenService(customers,
                new PortalTokenIssuer(signingKeys::signingKey, "portal-token-server", new TokenAudience(Optional.empty()),
                        ids),
                revocations, URI.create("https://portal.example.com"), URI.create("https://api.example.com"),
                new SimpleMeterRegistry().counter("minted"));
        lifecycle = new IssuedTokens(signingKeys, revocations, customers, ids, Clock.systemUTC(),
                new dev.portaltoken.metrics.Metrics().issuedTokens());
        json = Json.mapper();
        if (mint().length < 100) {
            throw new IllegalStateException("no token");
        }
        Caller caller = authenticator.authenticate(apiKey).orElseThrow();
        minted = tokens.issue(caller, "bench-customer", null, null, false).token();
        if (introspect().length < 100) {
            throw new IllegalStateException("the minted token is not active");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws java.io.IOException {
        signingKeys.close();
        revocations.close();
        tasks.close();
        database.close();
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public byte[] mint() throws Exception {
        Caller caller = authenticator.authenticate(apiKey).orElseThrow();
        if (!limiter.acquire(caller.apiKeyId()).allowed()) {
            throw new IllegalStateException("rate limited");
        }
        PortalTokenService.IssuedToken issued = tokens.issue(caller, "bench-customer", null, null, false);
        return json.writeValueAsBytes(new CustomerPortalTokenResponse(issued.portalUrl(), issued.token(),
                issued.portalLink(), issued.apiUrl(), issued.expiresAt().atOffset(ZoneOffset.UTC)));
    }

    /**
     * What {@code POST /api/v1/portal-tokens/introspect} does besides HTTP for an active token, in
     * steady state: the API key from its cache, the rate limit, the token's verification from the
     * verified-token cache, its expiry, key and revocation checked, the answer serialised.
     */
    @Benchmark
    public byte[] introspect() throws Exception {
        Caller caller = authenticator.authenticate(apiKey).orElseThrow();
        if (!limiter.acquire(caller.apiKeyId()).allowed()) {
            throw new IllegalStateException("rate limited");
        }
        IssuedTokens.Active active = lifecycle.introspect(caller, minted).orElseThrow();
        return json.writeValueAsBytes(active);
    }

    /**
     * What the token lifecycle adds to every mint: its jti, a UUIDv7 whose time is exact to 1/4096 ms
     * and never repeats (the only other addition, {@code invalidate_existing}, is one boolean test
     * unless it is true). Its cost against {@link #mint}'s is the mint's slowdown.
     */
    @Benchmark
    public java.util.UUID tokenId() {
        return ids.next();
    }

    @Benchmark
    public byte[] health() throws Exception {
        return json.writeValueAsBytes(new Health(Health.StatusEnum.OK));
    }
}
