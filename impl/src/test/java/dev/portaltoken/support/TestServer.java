package dev.portaltoken.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.config.Secret;
import dev.portaltoken.db.Database;
import dev.portaltoken.http.HttpLimits;
import dev.portaltoken.config.Setting;
import dev.portaltoken.server.PortalTokenServer;
import io.github.bucket4j.TimeMeter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The real server on a free port, over a real (embedded) PostgreSQL in a fresh data directory,
 * with fixtures created through the real admin CLI. One per test class.
 */
public final class TestServer implements AutoCloseable {
    private final Path dataDir;
    /** Whether {@link #close} deletes the data directory (it was created for this server). */
    private final boolean ownsDataDir;
    private final Map<String, String> env;
    private final PortalTokenServer server;
    private final Http http;
    private final Http managementHttp;

    private TestServer(Path dataDir, boolean ownsDataDir, Map<String, String> env, PortalTokenServer server) {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.env = env;
        this.server = server;
        MintedTokens.Server minting = new MintedTokens.Server(Optional.ofNullable(env.get(Setting.JWT_SECRET.env())),
                Optional.ofNullable(env.get(Setting.TOKEN_AUDIENCE.env())).filter(a -> !a.isBlank()));
        if (server.managementUri().equals(server.baseUri())) {
            this.http = new Http(server.baseUri(), Conformance.allSpecs(), minting);
            this.managementHttp = http;
        } else {
            // With a management port the API port serves the contract, the JWKS, the documents and the pages; the other the operations.
            this.http = new Http(server.baseUri(), Conformance.of(Conformance.CONTRACT, Conformance.ADDITIONS,
                    Conformance.PAGES, Conformance.ADMIN, Conformance.WEBHOOKS), minting);
            this.managementHttp = new Http(server.managementUri(), Conformance.of(Conformance.OPERATIONS,
                    Conformance.ADMIN), minting);
        }
    }

    /**
     * Starts a server in a new temporary data directory, deleted when it closes; {@code extraEnv}
     * adds or overrides settings by environment variable name.
     */
    public static TestServer start(Map<String, String> extraEnv) {
        return start(extraEnv, Clock.systemUTC(), TimeMeter.SYSTEM_MILLISECONDS, HttpLimits.DEFAULT);
    }

    /** Starts a server whose rate limits refill by {@code rateLimitTime} (a {@link ManualTime} the test advances). */
    public static TestServer start(Map<String, String> extraEnv, TimeMeter rateLimitTime) {
        return start(extraEnv, Clock.systemUTC(), rateLimitTime, HttpLimits.DEFAULT);
    }

    /** Starts a server in {@code dataDir}, which the caller owns (and deletes). */
    public static TestServer start(Path dataDir, Map<String, String> extraEnv) {
        return start(dataDir, false, extraEnv, Clock.systemUTC(), TimeMeter.SYSTEM_MILLISECONDS, HttpLimits.DEFAULT);
    }

    /** A server with other HTTP limits than the production ones (shorter timeouts, to time them). */
    public static TestServer start(Map<String, String> extraEnv, HttpLimits limits) {
        return start(extraEnv, Clock.systemUTC(), TimeMeter.SYSTEM_MILLISECONDS, limits);
    }

    /** A server that mints tokens on {@code clock} (set back: tokens that are already expired). */
    public static TestServer start(Map<String, String> extraEnv, Clock clock) {
        return start(extraEnv, clock, TimeMeter.SYSTEM_MILLISECONDS, HttpLimits.DEFAULT);
    }

    private static TestServer start(Map<String, String> extraEnv, Clock clock, TimeMeter rateLimitTime,
                                    HttpLimits limits) {
        // On another server's database a data directory holds only the key-encryption key.
        Path dataDir = extraEnv.containsKey(Setting.DATABASE_URL.env()) ? TempDirectories.create("portal-token-test")
                : EmbeddedDatabases.fresh("portal-token-test");
        try {
            return start(dataDir, true, extraEnv, clock, rateLimitTime, limits);
        } catch (RuntimeException | Error e) {
            TempDirectories.delete(dataDir);
            throw e;
        }
    }

    private static TestServer start(Path dataDir, boolean ownsDataDir, Map<String, String> extraEnv, Clock clock,
                                    TimeMeter rateLimitTime, HttpLimits limits) {
        Map<String, String> env = new HashMap<>();
        env.put(Setting.DATA_DIR.env(), dataDir.toString());
        env.put(Setting.HOST.env(), "127.0.0.1");
        env.put(Setting.PORT.env(), "0");
        env.put(Setting.PORTAL_URL.env(), "https://portal.test.example");
        // Tests drive many requests from one address and key; rate-limit tests set their own limits.
        env.put(Setting.RATE_LIMIT_PER_SECOND.env(), "1000000");
        env.put(Setting.RATE_LIMIT_BURST.env(), "1000000");
        env.put(Setting.AUTH_FAILURES_PER_MINUTE.env(), "1000000");
        // Archive-then-mint tests expect the change at once; CustomerCacheTest covers the cache.
        env.put(Setting.CUSTOMER_CACHE_SECONDS.env(), "0");
        env.putAll(extraEnv);
        RuntimeSecrets.recordSecretSettings(env);
        PortalTokenServer server = PortalTokenServer.start(new ConfigLoader(Map.of(), env).load(), clock, rateLimitTime,
                limits);
        return new TestServer(dataDir, ownsDataDir, Map.copyOf(env), server);
    }

    /** A client for the API port; its answers are checked against the documents that port serves. */
    public Http http() {
        return http;
    }

    /** A client for /healthz, /readyz and /metrics (the API port when no management port is set). */
    public Http managementHttp() {
        return managementHttp;
    }

    public PortalTokenServer server() {
        return server;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Map<String, String> env() {
        return env;
    }

    public CliRun.Result cli(String... args) {
        return CliRun.run(env, args);
    }

    /** Runs a CLI command with {@code stdin} on its standard input. */
    public CliRun.Result cliWithInput(String stdin, String... args) {
        return CliRun.runWithInput(env, stdin, args);
    }

    /** Runs a CLI command that must succeed and returns the last line it printed. */
    public String cliOk(String... args) {
        CliRun.Result result = cli(args);
        assertEquals(0, result.exit(), () -> String.join(" ", args) + " failed: " + result);
        return result.lastLine();
    }

    public void createTenant(String slug, String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "tenant";
        args[1] = "create";
        args[2] = "--slug";
        args[3] = slug;
        System.arraycopy(extra, 0, args, 4, extra.length);
        cliOk(args);
    }

    public String createApiKey(String tenant) {
        return cliOk("api-key", "create", "--tenant", tenant);
    }

    /** Revokes {@code apiKey} of {@code tenant} through the CLI. */
    public void revokeApiKey(String tenant, String apiKey) {
        cliOk("api-key", "revoke", "--tenant", tenant, apiKey.substring(apiKey.indexOf('/') + 1));
    }

    public String createCustomer(String tenant, String alias) {
        return alias == null ? cliOk("customer", "create", "--tenant", tenant)
                : cliOk("customer", "create", "--tenant", tenant, "--alias", alias);
    }

    /**
     * Another server on this one's database (a second instance behind the same load balancer), with
     * its own data directory; {@code extraEnv} as for {@link #start(Map)}.
     */
    public TestServer startAnother(Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.putAll(databaseEnv());
        return start(env);
    }

    /** The settings that point a server or the CLI at this server's database. */
    public Map<String, String> databaseEnv() {
        DatabaseConfig database = database();
        Map<String, String> env = new HashMap<>();
        env.put(Setting.DATABASE_URL.env(), database.jdbcUrl().orElseThrow());
        database.user().ifPresent(user -> env.put(Setting.DATABASE_USER.env(), user));
        database.password().ifPresent(password -> env.put(Setting.DATABASE_PASSWORD.env(), password.reveal()));
        return Map.copyOf(env);
    }

    /** The JDBC URL of this server's PostgreSQL (for the embedded one, its Unix socket). */
    public String jdbcUrl() {
        return database().jdbcUrl().orElseThrow();
    }

    /** A direct connection to the server's database, for assertions and fault injection. */
    public Connection sql() throws SQLException {
        DatabaseConfig database = database();
        return DriverManager.getConnection(database.jdbcUrl().orElseThrow(), database.user().orElse(null),
                database.password().map(Secret::reveal).orElse(null));
    }

    /** This server's database as an external one: the configured one, or the embedded one's socket and password. */
    /** Where this server's database is, as an external one (the embedded one through its socket, with its password). */
    public DatabaseConfig database() {
        String configured = env.get(Setting.DATABASE_URL.env());
        if (configured != null) {
            return new DatabaseConfig(Optional.of(configured), Optional.ofNullable(env.get(Setting.DATABASE_USER.env())),
                    Optional.ofNullable(env.get(Setting.DATABASE_PASSWORD.env())).map(Secret::new), dataDir, 2);
        }
        try {
            return Database.embeddedAsExternal(dataDir, 2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh key encryption key as PORTAL_KEY_ENCRYPTION_KEY takes it. */
    public static String newKeyEncryptionKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        String encoded = java.util.Base64.getEncoder().encodeToString(key);
        RuntimeSecrets.recordKeyEncryptionKey(encoded);
        return encoded;
    }

    /**
     * Stops the server, after noting its key encryption key and signing keys for the log scan, and
     * deletes its data directory when it was created for it.
     */
    @Override
    public void close() {
        try {
            recordSecrets();
        } finally {
            try {
                server.close();
            } finally {
                if (ownsDataDir) {
                    TempDirectories.delete(dataDir);
                }
            }
        }
    }

    private void recordSecrets() {
        RuntimeSecrets.recordKeyEncryptionKeyIn(dataDir);
        String kek = env.get(Setting.KEY_ENCRYPTION_KEY.env());
        try {
            if (kek == null && Files.isRegularFile(dataDir.resolve("key-encryption-key"))) {
                kek = Files.readString(dataDir.resolve("key-encryption-key"));
            }
            if (kek != null) {
                try (Connection c = sql()) {
                    RuntimeSecrets.recordSigningKeys(c, kek);
                }
            }
        } catch (IOException | SQLException | RuntimeException e) {
            // The database is gone already (a test stopped it, or a first instance closed it): its
            // keys were noted when the server that owned it closed, or never existed.
        }
    }
}
