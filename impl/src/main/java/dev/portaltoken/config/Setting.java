package dev.portaltoken.config;

/**
 * Every setting the server reads, with its environment variable, its default and what it does.
 * This table is the single source for loading, validation messages and {@code serve --help}.
 */
public enum Setting {
    PORT("PORT", "8080", false, "HTTP port to listen on (0 picks a free port)."),
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
    SIGNER("PORTAL_SIGNER", "bouncycastle", false,
            "EdDSA and ES256 implementation: bouncycastle (fast) or jdk (the JDK's own, a fallback)."),
    KEY_REFRESH_SECONDS("PORTAL_KEY_REFRESH_SECONDS", "10", false,
            "How often a server re-reads the signing keys (1-30 s): rotations made elsewhere are picked up within"
                    + " this time, which is also the JWKS max-age."),
    API_KEY_CACHE_SECONDS("PORTAL_API_KEY_CACHE_SECONDS", "30", false,
            "How long a verified API key is cached (0-30 s); also the longest delay before a revocation takes effect.");

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
