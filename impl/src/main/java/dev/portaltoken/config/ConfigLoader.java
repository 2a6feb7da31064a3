package dev.portaltoken.config;

import com.nimbusds.jose.JWSAlgorithm;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Builds the typed configuration from command-line flags, then environment variables, then an
 * optional configuration file, then defaults (first found wins; a blank value counts as unset).
 * Each value is parsed once by its {@link Setting}'s parser; the first bad value, unknown file key or
 * missing required setting stops with one line that names it.
 */
public final class ConfigLoader {
    private final Map<Setting<?>, String> flags;
    private final Map<String, String> env;
    private final Map<Setting<?>, String> file;

    /**
     * @param flags values given on the command line (absent keys were not given)
     * @param env   the environment, usually {@code System.getenv()}
     */
    public ConfigLoader(Map<Setting<?>, String> flags, Map<String, String> env) {
        this(flags, env, Optional.empty());
    }

    /** @param configFile a {@code .properties} or {@code .yaml} file read after flags and environment */
    public ConfigLoader(Map<Setting<?>, String> flags, Map<String, String> env, Optional<Path> configFile) {
        this.flags = Map.copyOf(new HashMap<>(flags));
        this.env = Map.copyOf(env);
        this.file = configFile.map(ConfigFile::read).orElse(Map.of());
    }

    public ServerConfig load() {
        Optional<Integer> managementPort = optional(Setting.MANAGEMENT_PORT);
        return new ServerConfig(
                required(Setting.HOST),
                required(Setting.PORT),
                managementPort.map(OptionalInt::of).orElse(OptionalInt.empty()),
                required(Setting.LOG_FORMAT),
                database(),
                optional(Setting.PORTAL_URL),
                optional(Setting.PUBLIC_URL),
                required(Setting.TOKEN_ISSUER),
                tokenAudience(),
                signing(),
                required(Setting.API_KEY_CACHE_SECONDS),
                required(Setting.CUSTOMER_CACHE_SECONDS),
                required(Setting.REVOCATIONS_REREAD_SECONDS),
                new RateLimitConfig(required(Setting.RATE_LIMIT_PER_SECOND), required(Setting.RATE_LIMIT_BURST),
                        required(Setting.AUTH_FAILURES_PER_MINUTE), required(Setting.INSTANCES)),
                optional(Setting.TRUSTED_PROXIES).orElse(List.of()),
                required(Setting.HTTP_WORKER_THREADS));
    }

    /** Only what is needed to reach the database (the admin commands). */
    public DatabaseConfig database() {
        Optional<String> url = optional(Setting.DATABASE_URL);
        if (url.isEmpty()) {
            for (Setting<?> needsUrl : List.of(Setting.DATABASE_USER, Setting.DATABASE_PASSWORD)) {
                if (raw(needsUrl).isPresent()) {
                    throw new ConfigException(Setting.DATABASE_URL.env() + ": required when " + needsUrl.env()
                            + " is set (the credentials are for an external database)");
                }
            }
        }
        return new DatabaseConfig(url, optional(Setting.DATABASE_USER), optional(Setting.DATABASE_PASSWORD),
                required(Setting.DATA_DIR), required(Setting.DATABASE_POOL_SIZE),
                required(Setting.DATABASE_CONNECTION_TIMEOUT_SECONDS));
    }

    /** How tokens are signed (also what {@code keys} and {@code token verify} need). */
    public SigningConfig signing() {
        Optional<Secret> secret = optional(Setting.JWT_SECRET);
        JWSAlgorithm algorithm = optional(Setting.TOKEN_ALG)
                .orElse(secret.isPresent() ? JWSAlgorithm.HS256 : JWSAlgorithm.EdDSA);
        if (JWSAlgorithm.HS256.equals(algorithm) && secret.isEmpty()) {
            throw new ConfigException(Setting.TOKEN_ALG.env() + ": HS256 needs " + Setting.JWT_SECRET.env());
        }
        return new SigningConfig(algorithm, optional(Setting.SIGNER), secret, optional(Setting.KEY_ENCRYPTION_KEY),
                required(Setting.KEY_REFRESH_SECONDS));
    }

    /** The {@code aud} claim tokens carry and {@code token verify} expects. */
    public TokenAudience tokenAudience() {
        return new TokenAudience(optional(Setting.TOKEN_AUDIENCE));
    }

    private <T> Optional<T> optional(Setting<T> setting) {
        return raw(setting).map(setting::parse);
    }

    private <T> T required(Setting<T> setting) {
        return optional(setting).orElseThrow(() -> new ConfigException(setting.env() + ": must not be empty"));
    }

    /** The first value given for the setting, or its default; empty when none or blank. */
    private Optional<String> raw(Setting<?> setting) {
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
}
