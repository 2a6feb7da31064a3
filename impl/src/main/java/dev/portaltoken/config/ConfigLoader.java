package dev.portaltoken.config;

import com.nimbusds.jose.JWSAlgorithm;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Builds the typed configuration from command-line flags, then environment variables, then an
 * optional configuration file, then defaults (first found wins; a blank value counts as unset).
 * Each value is parsed once by its {@link Setting}'s parser; the first bad value, unknown file key or
 * missing required setting stops with one line that names it.
 */
public final class ConfigLoader {
    private static final List<String> SETTING_PREFIXES = List.of("PORTAL_", "DATABASE_");
    /** Variables with those prefixes that are read elsewhere: the log level (server.LogbackDefaults), the client examples' key. */
    private static final Set<String> NOT_SETTINGS = Set.of("PORTAL_LOG_LEVEL", "PORTAL_API_KEY");

    private final Map<Setting<?>, String> flags;
    private final Map<String, String> env;
    private final Map<Setting<?>, String> file;
    private final Optional<Path> configFile;

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
        this.configFile = configFile;
    }

    /** These settings as if given as flags, over the flags this loader was given; the rest as here. */
    public ConfigLoader with(Map<Setting<?>, String> overriding) {
        Map<Setting<?>, String> merged = new HashMap<>(flags);
        merged.putAll(overriding);
        return new ConfigLoader(merged, env, configFile);
    }

    /**
     * One line for each environment variable that looks like a setting (its name starts with
     * {@code PORTAL_} or {@code DATABASE_}) but is none, with the closest setting when one is near,
     * as for an unknown key in a configuration file: it changes nothing, so a typo would go unnoticed.
     * Values are never shown. Sorted by name.
     */
    public List<String> unknownVariables() {
        List<String> known = Setting.values().stream().map(Setting::env).toList();
        return env.keySet().stream()
                .filter(name -> SETTING_PREFIXES.stream().anyMatch(name::startsWith))
                .filter(name -> !known.contains(name) && !NOT_SETTINGS.contains(name))
                .sorted()
                .map(name -> "environment variable " + name + " is not a setting and is ignored"
                        + Names.didYouMean(name, known))
                .toList();
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
                required(Setting.MAX_REVOKED_TOKENS_PER_TENANT),
                required(Setting.REVOCATIONS_REREAD_SECONDS),
                new RateLimitConfig(required(Setting.RATE_LIMIT_PER_SECOND), required(Setting.RATE_LIMIT_BURST),
                        required(Setting.AUTH_FAILURES_PER_MINUTE), required(Setting.INSTANCES),
                        required(Setting.RATE_LIMIT_MODE)),
                optional(Setting.TRUSTED_PROXIES).orElse(List.of()),
                required(Setting.HTTP_WORKER_THREADS),
                required(Setting.DRAIN_DELAY_SECONDS),
                required(Setting.ADMIN_API), required(Setting.METEROID_SYNC_SECONDS));
    }

    /** Only what is needed to reach the database (the admin commands). */
    public DatabaseConfig database() {
        Optional<DatabaseUrl> url = optional(Setting.DATABASE_URL);
        if (url.isEmpty()) {
            for (Setting<?> needsUrl : List.of(Setting.DATABASE_USER, Setting.DATABASE_PASSWORD,
                    Setting.DATABASE_LISTEN_URL)) {
                if (raw(needsUrl).isPresent()) {
                    throw new ConfigException(Setting.DATABASE_URL.env() + ": required when " + needsUrl.env()
                            + " is set (it is for an external database)");
                }
            }
        }
        // Explicit settings win over the credentials of a postgres:// URL.
        return new DatabaseConfig(url.map(DatabaseUrl::jdbcUrl),
                optional(Setting.DATABASE_USER).or(() -> url.flatMap(DatabaseUrl::user)),
                optional(Setting.DATABASE_PASSWORD).or(() -> url.flatMap(DatabaseUrl::password)),
                required(Setting.DATA_DIR), required(Setting.DATABASE_POOL_SIZE),
                required(Setting.DATABASE_CONNECTION_TIMEOUT_SECONDS), optional(Setting.DATABASE_LISTEN_URL));
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

    /** The {@code iss} claim tokens carry and {@code token verify} expects. */
    public String tokenIssuer() {
        return required(Setting.TOKEN_ISSUER);
    }

    /** The {@code aud} claim tokens carry and {@code token verify} expects. */
    public TokenAudience tokenAudience() {
        return new TokenAudience(optional(Setting.TOKEN_AUDIENCE));
    }

    private <T> Optional<T> optional(Setting<T> setting) {
        return given(setting).map(value -> setting.parse(value.text(), value.source()));
    }

    private <T> T required(Setting<T> setting) {
        return optional(setting).orElseThrow(() -> new ConfigException(setting.env() + ": must not be empty"));
    }

    /** The raw value, empty when none or blank. */
    private Optional<String> raw(Setting<?> setting) {
        return given(setting).map(Given::text);
    }

    /** A value and where it came from, as the user wrote it: {@code --port}, {@code PORT} or the file's key. */
    private record Given(String text, String source) {
    }

    /** The first value given for the setting (flag, environment, file), or its default; empty when none or blank. */
    private Optional<Given> given(Setting<?> setting) {
        Given value = null;
        if (flags.get(setting) != null) {
            value = new Given(flags.get(setting), setting.flagName() != null ? setting.flagName() : "--" + setting.key());
        } else if (env.get(setting.env()) != null) {
            value = new Given(env.get(setting.env()), setting.env());
        } else if (file.get(setting) != null) {
            value = new Given(file.get(setting), "config file " + configFile.orElseThrow() + ": " + setting.key());
        } else if (setting.defaultValue() != null) {
            value = new Given(setting.defaultValue(), setting.env());
        }
        return Optional.ofNullable(value).filter(v -> !v.text().isBlank());
    }
}
