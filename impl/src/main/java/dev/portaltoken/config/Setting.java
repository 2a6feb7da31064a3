package dev.portaltoken.config;

/**
 * Every setting the server reads, with its environment variable, its configuration-file key, its
 * default and what it does. This table is the single source for loading, validation messages,
 * {@code serve --help} and the README's configuration reference.
 */
public enum Setting {
    PORT("PORT", "8080", false, "HTTP port to listen on (0 picks a free port)."),
    MANAGEMENT_PORT("MANAGEMENT_PORT", null, false,
            "Serve /healthz, /readyz and /metrics on this port only (unset: on the main port)."),
    HOST("HOST", "0.0.0.0", false, "Address to bind."),
    DATA_DIR("DATA_DIR", "./data", false,
            "Directory for the embedded PostgreSQL and the generated key encryption key."),
    DATABASE_URL("DATABASE_URL", null, false,
            "JDBC URL of an external PostgreSQL (jdbc:postgresql://host:5432/db). Unset: embedded PostgreSQL in the data directory."),
    DATABASE_USER("DATABASE_USER", null, false, "User for DATABASE_URL."),
    DATABASE_PASSWORD("DATABASE_PASSWORD", null, true, "Password for DATABASE_URL."),
    DATABASE_POOL_SIZE("DATABASE_POOL_SIZE", "10", false, "Maximum connections in the pool (1-100)."),
    PORTAL_URL("PORTAL_URL", "http://localhost:3000", false,
            "Base URL of the customer portal returned as portal_url (a tenant may override it)."),
    TOKEN_ISSUER("PORTAL_TOKEN_ISSUER", "portal-token-server", false, "The iss claim of minted tokens."),
    TOKEN_AUDIENCE("PORTAL_TOKEN_AUDIENCE", "customer-portal", false, "The aud claim of minted tokens."),
    TOKEN_ALG("PORTAL_TOKEN_ALG", null, false,
            "Signing algorithm: EdDSA (Ed25519), ES256 (P-256, for verifiers without EdDSA) or HS256 (needs PORTAL_JWT_SECRET)."
                    + " Unset: HS256 when PORTAL_JWT_SECRET is set, else EdDSA."),
    JWT_SECRET("PORTAL_JWT_SECRET", null, true,
            "Shared secret (at least 32 bytes) for HS256 tokens, as upstream signs them; also lets token verify check them."),
    KEY_ENCRYPTION_KEY("PORTAL_KEY_ENCRYPTION_KEY", null, true,
            "Base64 256-bit key (openssl rand -base64 32) that encrypts the signing keys stored in the database."
                    + " Unset: one is generated once into the data directory (owner-only)."),
    SIGNER("PORTAL_SIGNER", null, false,
            "EdDSA and ES256 implementation: aws-lc (native, fastest), bouncycastle (pure Java) or jdk (the JDK's own, slow)."
                    + " Unset: aws-lc where it loads (Linux x86-64), else bouncycastle."),
    KEY_REFRESH_SECONDS("PORTAL_KEY_REFRESH_SECONDS", "10", false,
            "How often a server re-reads the signing keys (1-30 s): rotations made elsewhere are picked up within"
                    + " this time, which is also the JWKS max-age."),
    LOG_FORMAT("LOG_FORMAT", "plain", false, "Log lines as plain text or json."),
    API_KEY_CACHE_SECONDS("PORTAL_API_KEY_CACHE_SECONDS", "30", false,
            "How long a verified API key is cached (0-30 s). Revocations reach every instance at once through"
                    + " PostgreSQL notifications; this is the longest delay should one be missed."),
    CUSTOMER_CACHE_SECONDS("PORTAL_CUSTOMER_CACHE_SECONDS", "600", false,
            "How long a found customer is remembered at most (0-3600 s). Changes reach every instance at once"
                    + " through PostgreSQL notifications; this bounds staleness should one be missed."),
    RATE_LIMIT_PER_SECOND("PORTAL_RATE_LIMIT_PER_SECOND", "50", false,
            "Sustained requests per second allowed per API key, across all instances (0 disables the limit)."),
    RATE_LIMIT_BURST("PORTAL_RATE_LIMIT_BURST", "100", false,
            "Requests an API key may make at once before the sustained rate applies (token bucket size)."),
    AUTH_FAILURES_PER_MINUTE("PORTAL_AUTH_FAILURES_PER_MINUTE", "60", false,
            "Failed authentications allowed per client address per minute; beyond it unknown keys get 429."),
    INSTANCES("PORTAL_INSTANCES", "1", false,
            "How many instances share the load: each enforces 1/N of the rate limits above."),
    TRUSTED_PROXIES("PORTAL_TRUSTED_PROXIES", null, false,
            "Comma-separated addresses or CIDRs of proxies whose X-Forwarded-For names the client address."),
    HTTP_WORKER_THREADS("HTTP_WORKER_THREADS", "32", false,
            "Threads that serve requests (1-512); a slow client holds one for at most the body timeout.");

    private final String env;
    private final String defaultValue;
    private final boolean secret;
    private final String help;

    Setting(String env, String defaultValue, boolean secret, String help) {
        this.env = env;
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.help = help;
    }

    /** Its name in a configuration file: the enum name in lower kebab case, e.g. {@code database-url}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The environment variable that sets it. */
    public String env() {
        return env;
    }

    /** The default, or null when unset means something of its own (see {@link #help()}). */
    public String defaultValue() {
        return defaultValue;
    }

    /** Secrets are never echoed in messages. */
    public boolean secret() {
        return secret;
    }

    public String help() {
        return help;
    }
}
