package dev.portaltoken.config;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.crypto.SignerProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Builds a {@link ServerConfig} from command-line flags, then environment variables, then an
 * optional configuration file, then defaults (first found wins), failing on the first bad value,
 * unknown file key or missing required setting with one line that names it.
 */
public final class ConfigLoader {
    /** The length of a key encryption key (AES-256). */
    public static final int KEY_ENCRYPTION_KEY_BYTES = 32;
    private static final List<JWSAlgorithm> TOKEN_ALGORITHMS =
            List.of(JWSAlgorithm.EdDSA, JWSAlgorithm.ES256, JWSAlgorithm.HS256);

    private final Map<Setting, String> flags;
    private final Map<String, String> env;
    private final Map<Setting, String> file;

    /**
     * @param flags values given on the command line (absent keys were not given)
     * @param env   the environment, usually {@code System.getenv()}
     */
    public ConfigLoader(Map<Setting, String> flags, Map<String, String> env) {
        this(flags, env, Optional.empty());
    }

    /** @param configFile a {@code .properties} or {@code .yaml} file read after flags and environment */
    public ConfigLoader(Map<Setting, String> flags, Map<String, String> env, Optional<Path> configFile) {
        this.flags = new EnumMap<>(Setting.class);
        this.flags.putAll(flags);
        this.env = Map.copyOf(env);
        this.file = configFile.map(ConfigFile::read).orElse(Map.of());
    }

    public ServerConfig load() {
        return new ServerConfig(
                text(Setting.HOST),
                integer(Setting.PORT, 0, 65_535),
                optional(Setting.MANAGEMENT_PORT).isPresent()
                        ? OptionalInt.of(integer(Setting.MANAGEMENT_PORT, 0, 65_535)) : OptionalInt.empty(),
                logFormat(),
                database(),
                portalUrl(),
                text(Setting.TOKEN_ISSUER),
                tokenAudience(),
                signing(),
                Duration.ofSeconds(integer(Setting.API_KEY_CACHE_SECONDS, 0, 30)),
                Duration.ofSeconds(integer(Setting.CUSTOMER_CACHE_SECONDS, 0, 3600)),
                new RateLimitConfig(integer(Setting.RATE_LIMIT_PER_SECOND, 0, 1_000_000),
                        integer(Setting.RATE_LIMIT_BURST, 1, 1_000_000),
                        integer(Setting.AUTH_FAILURES_PER_MINUTE, 1, 1_000_000),
                        integer(Setting.INSTANCES, 1, 1_000)),
                trustedProxies(),
                integer(Setting.HTTP_WORKER_THREADS, 1, 512));
    }

    /** Only what is needed to reach the database (the admin commands). */
    public DatabaseConfig database() {
        Optional<String> url = optional(Setting.DATABASE_URL);
        if (url.isEmpty()) {
            for (Setting needsUrl : new Setting[] {Setting.DATABASE_USER, Setting.DATABASE_PASSWORD}) {
                if (optional(needsUrl).isPresent()) {
                    throw new ConfigException(Setting.DATABASE_URL.env() + ": required when " + needsUrl.env()
                            + " is set (the credentials are for an external database)");
                }
            }
        }
        url.ifPresent(u -> {
            if (!u.startsWith("jdbc:postgresql:")) {
                throw invalid(Setting.DATABASE_URL, u, "must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db)");
            }
        });
        return new DatabaseConfig(url, optional(Setting.DATABASE_USER),
                optional(Setting.DATABASE_PASSWORD).map(Secret::new), path(Setting.DATA_DIR),
                integer(Setting.DATABASE_POOL_SIZE, 1, 100));
    }

    private List<String> trustedProxies() {
        List<String> proxies = optional(Setting.TRUSTED_PROXIES).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::strip).filter(p -> !p.isEmpty())
                .toList();
        for (String proxy : proxies) {
            if (!Cidr.isValid(proxy)) {
                throw invalid(Setting.TRUSTED_PROXIES, proxy, "must be IP addresses or CIDRs such as 10.0.0.0/8");
            }
        }
        return proxies;
    }

    private LogFormat logFormat() {
        String raw = text(Setting.LOG_FORMAT).trim().toLowerCase(java.util.Locale.ROOT);
        return switch (raw) {
            case "plain" -> LogFormat.PLAIN;
            case "json" -> LogFormat.JSON;
            default -> throw invalid(Setting.LOG_FORMAT, raw, "must be plain or json");
        };
    }

    /** How tokens are signed (also what {@code keys} and {@code token verify} need). */
    public SigningConfig signing() {
        Optional<Secret> secret = jwtSecret();
        JWSAlgorithm algorithm = optional(Setting.TOKEN_ALG)
                .map(raw -> TOKEN_ALGORITHMS.stream().filter(a -> a.getName().equalsIgnoreCase(raw.trim())).findFirst()
                        .orElseThrow(() -> invalid(Setting.TOKEN_ALG, raw, "must be EdDSA, ES256 or HS256")))
                .orElse(secret.isPresent() ? JWSAlgorithm.HS256 : JWSAlgorithm.EdDSA);
        if (JWSAlgorithm.HS256.equals(algorithm) && secret.isEmpty()) {
            throw new ConfigException(Setting.TOKEN_ALG.env() + ": HS256 needs " + Setting.JWT_SECRET.env());
        }
        Optional<SignerProvider> provider = optional(Setting.SIGNER).map(signer -> SignerProvider.parse(signer)
                .orElseThrow(() -> invalid(Setting.SIGNER, signer, "must be aws-lc, bouncycastle or jdk")));
        return new SigningConfig(algorithm, provider, secret, keyEncryptionKey(),
                Duration.ofSeconds(integer(Setting.KEY_REFRESH_SECONDS, 1, 30)));
    }

    /** The {@code aud} claim tokens carry and {@code token verify} expects. */
    public String tokenAudience() {
        return text(Setting.TOKEN_AUDIENCE);
    }

    private Optional<Secret> keyEncryptionKey() {
        Optional<String> kek = optional(Setting.KEY_ENCRYPTION_KEY);
        kek.ifPresent(k -> {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(k.trim());
            } catch (IllegalArgumentException e) {
                decoded = new byte[0];
            }
            if (decoded.length != KEY_ENCRYPTION_KEY_BYTES) {
                throw invalid(Setting.KEY_ENCRYPTION_KEY, k,
                        "must be a base64-encoded 256-bit key, as 'openssl rand -base64 32' prints");
            }
        });
        return kek.map(k -> new Secret(k.trim()));
    }

    private Optional<Secret> jwtSecret() {
        Optional<String> secret = optional(Setting.JWT_SECRET);
        secret.ifPresent(s -> {
            if (s.getBytes(StandardCharsets.UTF_8).length < 32) {
                throw invalid(Setting.JWT_SECRET, s, "must be at least 32 bytes long");
            }
        });
        return secret.map(Secret::new);
    }

    private URI portalUrl() {
        String raw = text(Setting.PORTAL_URL);
        try {
            URI uri = new URI(raw);
            if (!uri.isAbsolute() || uri.getHost() == null
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw invalid(Setting.PORTAL_URL, raw, "must be an absolute http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalid(Setting.PORTAL_URL, raw, "must be an absolute http(s) URL");
        }
    }

    private Optional<String> optional(Setting setting) {
        String value = flags.get(setting);
        if (value == null) {
            value = env.get(setting.env());
        }
        if (value == null) {
            value = file.get(setting);
        }
        if (value == null) {
            value = setting.defaultValue();
        }
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }

    private String text(Setting setting) {
        return optional(setting).orElseThrow(() -> new ConfigException(setting.env() + ": must not be empty"));
    }

    private int integer(Setting setting, int min, int max) {
        String raw = text(setting).trim();
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(setting, raw, "must be a whole number from " + min + " to " + max);
    }

    private Path path(Setting setting) {
        String raw = text(setting);
        try {
            return Path.of(raw);
        } catch (InvalidPathException e) {
            throw invalid(setting, raw, "is not a valid path");
        }
    }

    private static ConfigException invalid(Setting setting, String value, String rule) {
        String shown = setting.secret() ? "" : " (got '" + value + "')";
        return new ConfigException(setting.env() + ": " + rule + shown);
    }
}
