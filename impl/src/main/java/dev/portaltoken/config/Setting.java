package dev.portaltoken.config;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.crypto.SignerProvider;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One setting the server reads: its environment variable, configuration-file key, optional flag,
 * default, help and typed {@link Parser}. These constants are the single source for loading,
 * validation messages, {@code serve --help} and the table of docs/configuration.md
 * ({@link #readmeRow()}); {@link #values()} holds every one of them, made by the factories below.
 *
 * @param env          the environment variable that sets it
 * @param key          its name in a configuration file, e.g. {@code database-url}
 * @param defaultValue the default, or null when unset means something of its own (see {@link #help()})
 * @param kind         whether it is also a flag, or a secret
 * @param parser       how a given value is read, and the rule it follows
 * @param meaning      what it does ({@link #help()} adds the rule)
 * @param <T>          the parsed type of its value
 */
public record Setting<T>(String env, String key, String defaultValue, Kind kind, Parser<T> parser, String meaning) {
    private static final List<Setting<?>> ALL = new ArrayList<>();

    public static final Setting<Integer> PORT = flag("PORT", "port", "8080", Parser.integer(0, 65_535),
            "HTTP port to listen on (0 picks a free port).");
    public static final Setting<Integer> MANAGEMENT_PORT = flag("MANAGEMENT_PORT", "management-port", null,
            Parser.integer(0, 65_535), "Serve /healthz, /readyz and /metrics on this port only (unset: on the main port).");
    public static final Setting<AdminApiPort> ADMIN_API = plain("PORTAL_ADMIN_API", "admin-api", "management",
            Parser.oneOf(ordered("management", AdminApiPort.MANAGEMENT, "main", AdminApiPort.MAIN, "off",
                    AdminApiPort.OFF)), "Where the admin API's operator part (/admin/v1, admin keys) is served: on the"
                    + " management port only (not at all without MANAGEMENT_PORT), on the main port, or off. A tenant's"
                    + " API key manages its customers at /api/v1/customers on the main port whatever this says.");
    public static final Setting<String> HOST = flag("HOST", "host", "0.0.0.0", Parser.text(), "Address to bind.");
    public static final Setting<Path> DATA_DIR = flag("DATA_DIR", "data-dir", "./data", Parser.path(),
            "Directory for the embedded PostgreSQL and the generated key encryption key.");
    public static final Setting<DatabaseUrl> DATABASE_URL = plain("DATABASE_URL", "database-url", null,
            Parser.databaseUrl(), "URL of an external PostgreSQL, or of a pooler in front of it (PgBouncer in session or"
                    + " transaction mode). A postgres:// URL's user and password are used unless DATABASE_USER and"
                    + " DATABASE_PASSWORD are set. Unset: embedded PostgreSQL in the data directory.");
    public static final Setting<String> DATABASE_USER = plain("DATABASE_USER", "database-user", null, Parser.text(),
            "User for DATABASE_URL.");
    public static final Setting<Secret> DATABASE_PASSWORD = secret("DATABASE_PASSWORD", "database-password",
            Parser.secretText(0), "Password for DATABASE_URL.");
    public static final Setting<Integer> DATABASE_POOL_SIZE = plain("DATABASE_POOL_SIZE", "database-pool-size", "10",
            Parser.integer(1, 100), "Maximum connections in the pool.");
    public static final Setting<DatabaseUrl> DATABASE_LISTEN_URL = plain("DATABASE_LISTEN_URL", "database-listen-url",
            null, Parser.databaseUrl(), "URL of the same PostgreSQL reached directly (or through a session-mode pooler),"
                    + " for the one connection that listens for changes, when DATABASE_URL goes through a"
                    + " transaction-mode pooler, which cannot deliver notifications. Its user and password, if it names"
                    + " none: those of DATABASE_URL. Unset: DATABASE_URL.");
    public static final Setting<Duration> DATABASE_CONNECTION_TIMEOUT_SECONDS = plain(
            "DATABASE_CONNECTION_TIMEOUT_SECONDS", "database-connection-timeout-seconds", "3", Parser.seconds(1, 60),
            "How long a request waits for a database connection (and a new connection for its TCP handshake) before"
                    + " it fails with 500 while the database is away; the admin commands wait 15 s.");
    public static final Setting<URI> PORTAL_URL = flag("PORTAL_URL", "portal-url", null, Parser.httpUrl(),
            "Base URL of the customer portal returned as portal_url (a tenant may override it). Unset: this server's"
                    + " public URL (PUBLIC_URL, such as http://localhost:8080), where it serves a reference portal page.");
    public static final Setting<URI> PUBLIC_URL = flag("PUBLIC_URL", "public-url", null, Parser.httpUrl(),
            "This server's public base URL as clients reach it, returned as api_url. Unset: the address it listens"
                    + " on (http://localhost:PORT, or http://HOST:PORT when HOST is a specific address).");
    public static final Setting<String> TOKEN_ISSUER = plain("PORTAL_TOKEN_ISSUER", "token-issuer",
            "portal-token-server", Parser.text(), "The iss claim of minted tokens.");
    public static final Setting<String> TOKEN_AUDIENCE = plain("PORTAL_TOKEN_AUDIENCE", "token-audience", null,
            Parser.text(), "The aud claim of minted tokens, which token verify expects. Unset: "
                    + TokenAudience.ASYMMETRIC_DEFAULT + " for EdDSA and ES256 tokens, none for HS256 tokens (upstream's"
                    + " portal rejects any aud).");
    public static final Setting<JWSAlgorithm> TOKEN_ALG = plain("PORTAL_TOKEN_ALG", "token-alg", null,
            Parser.oneOf(algorithms()), "Signing algorithm: EdDSA (Ed25519), ES256 (P-256, for verifiers without"
                    + " EdDSA) or HS256 (needs PORTAL_JWT_SECRET). Unset: HS256 when PORTAL_JWT_SECRET is set, else EdDSA.");
    public static final Setting<Secret> JWT_SECRET = secret("PORTAL_JWT_SECRET", "jwt-secret", Parser.secretText(32),
            "Shared secret for HS256 tokens, as upstream signs them. Used only when PORTAL_TOKEN_ALG is HS256:"
                    + " beside EdDSA or ES256 it signs and verifies nothing.");
    public static final Setting<Secret> KEY_ENCRYPTION_KEY = secret("PORTAL_KEY_ENCRYPTION_KEY", "key-encryption-key",
            Parser.base64Key(SigningConfig.KEY_ENCRYPTION_KEY_BYTES), "Key that encrypts the signing keys stored in the database. Unset: one is generated"
                    + " once into the data directory (owner-only). Set it in production, the same on every instance.");
    public static final Setting<SignerProvider> SIGNER = plain("PORTAL_SIGNER", "signer", null, Parser.signer(),
            "EdDSA and ES256 implementation: aws-lc (native, fastest), bouncycastle (pure Java) or jdk (the JDK's own,"
                    + " slow). Unset: aws-lc where it loads and passes its self-tests (Linux x86-64), else bouncycastle.");
    public static final Setting<Duration> KEY_REFRESH_SECONDS = plain("PORTAL_KEY_REFRESH_SECONDS",
            "key-refresh-seconds", "10", Parser.seconds(1, 30), "How often a server re-reads the signing keys:"
                    + " rotations made elsewhere are picked up within this time, which is also the JWKS max-age.");
    public static final Setting<LogFormat> LOG_FORMAT = flag("LOG_FORMAT", "log-format", "plain",
            Parser.oneOf(ordered("plain", LogFormat.PLAIN, "json", LogFormat.JSON)), "Log lines as plain text or json.");
    public static final Setting<Duration> API_KEY_CACHE_SECONDS = plain("PORTAL_API_KEY_CACHE_SECONDS",
            "api-key-cache-seconds", "30", Parser.seconds(0, 30), "How long a verified API key is cached. Revocations"
                    + " reach every instance at once through PostgreSQL notifications; this is the longest delay should"
                    + " one be missed.");
    public static final Setting<Duration> CUSTOMER_CACHE_SECONDS = plain("PORTAL_CUSTOMER_CACHE_SECONDS",
            "customer-cache-seconds", "600", Parser.seconds(0, 3600), "How long a found customer is remembered at most."
                    + " Changes reach every instance at once through PostgreSQL notifications; this bounds staleness"
                    + " should one be missed.");
    public static final Setting<Integer> MAX_REVOKED_TOKENS_PER_TENANT = plain("PORTAL_MAX_REVOKED_TOKENS_PER_TENANT",
            "max-revoked-tokens-per-tenant", "100000", Parser.integer(1, 10_000_000),
            "How many unexpired revoked token ids one tenant may hold; revoking more answers 429 and points to the"
                    + " customer-wide revocation, which costs one row. Every instance holds each in memory, 25 to 32"
                    + " bytes: 100000 is at most 3.2 MB per tenant.");
    public static final Setting<Duration> REVOCATIONS_REREAD_SECONDS = plain("PORTAL_REVOCATIONS_REREAD_SECONDS",
            "revocations-reread-seconds", "5", Parser.seconds(1, 3600), "How often a server re-reads the token"
                    + " revocations recorded since its last read. Revocations reach every instance at once through"
                    + " PostgreSQL notifications; this is the longest delay should one be missed.");
    public static final Setting<Integer> RATE_LIMIT_PER_SECOND = plain("PORTAL_RATE_LIMIT_PER_SECOND",
            "rate-limit-per-second", "50", Parser.integer(0, 1_000_000),
            "Sustained requests per second allowed per API key, across all instances (0 disables the limit).");
    public static final Setting<Integer> RATE_LIMIT_BURST = plain("PORTAL_RATE_LIMIT_BURST", "rate-limit-burst", "100",
            Parser.integer(1, 1_000_000), "Requests an API key may make at once (the token bucket's size).");
    public static final Setting<Integer> AUTH_FAILURES_PER_MINUTE = plain("PORTAL_AUTH_FAILURES_PER_MINUTE",
            "auth-failures-per-minute", "60", Parser.integer(1, 1_000_000),
            "Failed authentications allowed per client address (IPv6: per /64) per minute; beyond it failing"
                    + " requests get 429, valid keys still pass.");
    public static final Setting<Boolean> RATE_LIMIT_MODE = plain("PORTAL_RATE_LIMIT_MODE", "rate-limit-mode",
            "instance", Parser.oneOf(ordered("instance", false, "cluster", true)), "How instances share the per-key"
                    + " limit: instance (each enforces 1/PORTAL_INSTANCES of it, in memory) or cluster (each counts in"
                    + " memory and exchanges its counts with the others through PostgreSQL every second: exact under an"
                    + " uneven load balancer or a changing instance count, within the overshoot bound of"
                    + " docs/operations.md).");
    public static final Setting<Integer> INSTANCES = plain("PORTAL_INSTANCES", "instances", "1",
            Parser.integer(1, 1_000), "How many instances share the load: each enforces 1/N of the rate limits above"
                    + " (in cluster mode, of the failed-authentication limit only).");
    public static final Setting<List<Cidr>> TRUSTED_PROXIES = plain("PORTAL_TRUSTED_PROXIES", "trusted-proxies", null,
            Parser.cidrs(), "Proxies whose X-Forwarded-For names the client address.");
    public static final Setting<Integer> HTTP_WORKER_THREADS = plain("HTTP_WORKER_THREADS", "http-worker-threads",
            "32", Parser.integer(1, 512), "Threads that serve the requests that may wait (on PostgreSQL, or for the rest"
                    + " of a body; a slow client holds one for at most the body timeout). Requests answered from memory"
                    + " (a cached token request, health checks, the JWKS) run on the thread that read them.");
    public static final Setting<Duration> DRAIN_DELAY_SECONDS = plain("PORTAL_DRAIN_DELAY_SECONDS",
            "drain-delay-seconds", "0", Parser.seconds(0, 120), "On SIGTERM, how long the server still serves while"
                    + " /readyz reports it not ready, before it stops accepting connections and finishes the requests in"
                    + " flight: at least the time the load balancer takes to take it out (HAProxy: check interval x"
                    + " fall, plus one interval; Kubernetes: a few seconds for the endpoint removal to propagate).");

    public static final Setting<Duration> METEROID_SYNC_SECONDS = plain("PORTAL_METEROID_SYNC_SECONDS",
            "meteroid-sync-seconds", "0", Parser.seconds(0, 604_800), "How often the server syncs the customers of"
                    + " every tenant connected to Meteroid with an API key (meteroid connect), as customer sync does;"
                    + " one instance at a time per tenant. 0: never (run customer sync yourself).");

    /** How a setting is given and shown. */
    public enum Kind {
        /** From the environment or a configuration file. */
        PLAIN,
        /** As {@link #PLAIN}, and as a {@code serve} flag too. */
        FLAG,
        /** As {@link #PLAIN}, never echoed in messages. */
        SECRET
    }

    private static <T> Setting<T> plain(String env, String key, String defaultValue, Parser<T> parser, String meaning) {
        return add(new Setting<>(env, key, defaultValue, Kind.PLAIN, parser, meaning));
    }

    private static <T> Setting<T> flag(String env, String key, String defaultValue, Parser<T> parser, String meaning) {
        return add(new Setting<>(env, key, defaultValue, Kind.FLAG, parser, meaning));
    }

    private static <T> Setting<T> secret(String env, String key, Parser<T> parser, String meaning) {
        return add(new Setting<>(env, key, null, Kind.SECRET, parser, meaning));
    }

    private static <T> Setting<T> add(Setting<T> setting) {
        ALL.add(setting);
        return setting;
    }

    private static Map<String, JWSAlgorithm> algorithms() {
        return ordered("EdDSA", JWSAlgorithm.EdDSA, "ES256", JWSAlgorithm.ES256, "HS256", JWSAlgorithm.HS256);
    }

    @SuppressWarnings("unchecked")
    private static <T> Map<String, T> ordered(Object... namesAndValues) {
        Map<String, T> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], (T) namesAndValues[i + 1]);
        }
        return map;
    }

    /** Every setting, in the order of docs/configuration.md's table. */
    public static List<Setting<?>> values() {
        return Collections.unmodifiableList(ALL);
    }

    /** Its command-line flag for {@code serve} ({@code --} and the file key), or null when it has none. */
    public String flagName() {
        return kind == Kind.FLAG ? "--" + key : null;
    }

    /** Secrets are never echoed in messages. */
    public boolean secret() {
        return kind == Kind.SECRET;
    }

    /** What it does, then the rule its value follows. */
    public String help() {
        return meaning + parser.sentence();
    }

    /**
     * Parses a given value.
     *
     * @param source how the user gave it ({@code --port}, {@code PORT}, a file's key), named in the error
     * @throws ConfigException naming the setting as given, without echoing a secret
     */
    T parse(String raw, String source) {
        try {
            return parser.parse().apply(raw);
        } catch (Parser.Rejected e) {
            String shown = secret() ? "" : " (got '" + Urls.withoutPassword(e.shown().orElse(raw.trim())) + "')";
            throw new ConfigException(source + ": must be " + parser.rule() + shown);
        }
    }

    /** Its row in the table of docs/configuration.md. */
    public String readmeRow() {
        return "| `" + env + "` | `" + key + "` | " + (defaultValue == null ? "unset" : "`" + defaultValue + "`") + " | "
                + help() + (kind == Kind.FLAG ? " Flag `" + flagName() + "`." : "") + " |";
    }

    @Override
    public String toString() {
        return env.toLowerCase(Locale.ROOT);
    }
}
