package dev.portaltoken.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.crypto.SignerProvider;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private static ServerConfig load(Map<Setting<?>, String> flags, Map<String, String> env) {
        return new ConfigLoader(flags, env).load();
    }

    @Test
    void defaultsNeedNoConfiguration() {
        ServerConfig config = load(Map.of(), Map.of());
        assertEquals(8080, config.port());
        assertEquals("0.0.0.0", config.host());
        assertTrue(config.database().embedded());
        assertEquals(Path.of("./data"), config.database().dataDir());
        assertTrue(config.portalUrl().isEmpty(), "unset: the server's own URL");
        assertEquals(Duration.ofSeconds(30), config.apiKeyCacheTtl());
        assertTrue(config.signing().jwtSecret().isEmpty());
        assertEquals(com.nimbusds.jose.JWSAlgorithm.EdDSA, config.signing().algorithm());
        assertTrue(config.signing().signer().isEmpty(), "no signer forced: the best available is chosen at start-up");
        assertEquals(Duration.ofSeconds(10), config.signing().refreshInterval());
        assertTrue(config.signing().keyEncryptionKey().isEmpty());
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverDefaults() {
        Map<Setting<?>, String> flags = new HashMap<>();
        flags.put(Setting.PORT, "9000");
        ServerConfig config = load(flags, Map.of("PORT", "9001", "HOST", "127.0.0.1",
                "DATABASE_URL", "jdbc:postgresql://db:5432/portal"));
        assertEquals(9000, config.port());
        assertEquals("127.0.0.1", config.host());
        assertFalse(config.database().embedded());
    }

    @Test
    void withOverridesTheGivenFlagsAndKeepsTheRest() {
        ConfigLoader given = new ConfigLoader(Map.of(Setting.PORT, "9000", Setting.TOKEN_ALG, "ES256"),
                Map.of("HOST", "10.0.0.1", "PORTAL_CUSTOMER_CACHE_SECONDS", "7"));
        ServerConfig config = given.with(Map.of(Setting.PORT, "0", Setting.HOST, "127.0.0.1")).load();
        assertEquals(0, config.port());
        assertEquals("127.0.0.1", config.host(), "over the environment too");
        assertEquals(JWSAlgorithm.ES256, config.signing().algorithm(), "the flags not overridden stay");
        assertEquals(Duration.ofSeconds(7), config.customerCacheTtl(), "and the environment");
        assertEquals(9000, given.load().port(), "the loader it came from is unchanged");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "PORT|http|PORT: must be a whole number from 0 to 65535 (got 'http')",
            "PORT|70000|PORT: must be a whole number from 0 to 65535",
            "DATABASE_URL|mysql://x|DATABASE_URL: must be a PostgreSQL JDBC URL",
            "DATABASE_URL|postgres://|DATABASE_URL: must be a PostgreSQL JDBC URL",
            "PORTAL_DRAIN_DELAY_SECONDS|121|PORTAL_DRAIN_DELAY_SECONDS: must be a whole number of seconds from 0 to 120",
            "PORTAL_URL|portal.example.com|PORTAL_URL: must be an absolute http(s) URL",
            "PORTAL_URL|ftp://portal.example.com|PORTAL_URL: must be an absolute http(s) URL",
            "PUBLIC_URL|api.example.com|PUBLIC_URL: must be an absolute http(s) URL (got 'api.example.com')",
            "PUBLIC_URL|ftp://api.example.com|PUBLIC_URL: must be an absolute http(s) URL",
            "PORTAL_API_KEY_CACHE_SECONDS|31|PORTAL_API_KEY_CACHE_SECONDS: must be a whole number of seconds from 0 to 30 (got '31')",
            "DATABASE_POOL_SIZE|0|DATABASE_POOL_SIZE: must be a whole number from 1 to 100",
            "PORTAL_TOKEN_ALG|RS256|PORTAL_TOKEN_ALG: must be EdDSA, ES256 or HS256 (got 'RS256')",
            "PORTAL_TOKEN_ALG|none|PORTAL_TOKEN_ALG: must be EdDSA, ES256 or HS256",
            "PORTAL_TOKEN_ALG|HS256|PORTAL_TOKEN_ALG: HS256 needs PORTAL_JWT_SECRET",
            "PORTAL_SIGNER|openssl|PORTAL_SIGNER: must be aws-lc, bouncycastle or jdk (got 'openssl')",
            "PORTAL_KEY_REFRESH_SECONDS|0|PORTAL_KEY_REFRESH_SECONDS: must be a whole number of seconds from 1 to 30",
            "PORTAL_KEY_REFRESH_SECONDS|31|PORTAL_KEY_REFRESH_SECONDS: must be a whole number of seconds from 1 to 30"})
    void aBadValueNamesTheSetting(String env, String value, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(env, value)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void aShortJwtSecretIsRefusedWithoutEchoingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(Map.of(), Map.of("PORTAL_JWT_SECRET", "too-short-secret")));
        assertEquals("PORTAL_JWT_SECRET: must be at least 32 bytes long", e.getMessage());
    }

    @Test
    void theSigningAlgorithmFollowsTheSecretUnlessChosen() {
        String secret = "0123456789abcdef0123456789abcdef";
        assertEquals(JWSAlgorithm.HS256, load(Map.of(), Map.of("PORTAL_JWT_SECRET", secret)).signing().algorithm());
        assertEquals(JWSAlgorithm.EdDSA, load(Map.of(), Map.of("PORTAL_JWT_SECRET", secret, "PORTAL_TOKEN_ALG", "EdDSA"))
                .signing().algorithm(), "a chosen algorithm wins; the secret then only serves token verify");
        assertEquals(JWSAlgorithm.ES256, load(Map.of(), Map.of("PORTAL_TOKEN_ALG", "es256")).signing().algorithm());
        SigningConfig signing = load(Map.of(), Map.of("PORTAL_SIGNER", "JDK", "PORTAL_KEY_REFRESH_SECONDS", "1")).signing();
        assertEquals(Optional.of(SignerProvider.JDK), signing.signer());
        assertEquals(Optional.of(SignerProvider.AWS_LC), load(Map.of(), Map.of("PORTAL_SIGNER", "AWS-LC")).signing().signer());
        assertEquals(Optional.of(SignerProvider.BOUNCYCASTLE),
                load(Map.of(), Map.of("PORTAL_SIGNER", "bouncycastle")).signing().signer());
        assertEquals(Duration.ofSeconds(1), signing.refreshInterval());
    }

    @Test
    void aKeyEncryptionKeyIsBase64Of32Bytes() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        assertArrayEquals(new byte[32], load(Map.of(), Map.of("PORTAL_KEY_ENCRYPTION_KEY", key + "\n")).signing()
                .keyEncryptionKey().orElseThrow().bytes(), "decoded once; trailing whitespace (as from a file) is trimmed");
        for (String bad : new String[] {Base64.getEncoder().encodeToString(new byte[16]),
                Base64.getEncoder().encodeToString(new byte[33]), "not base64 at all!", "c2VjcmV0"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> load(Map.of(), Map.of("PORTAL_KEY_ENCRYPTION_KEY", bad)));
            assertEquals("PORTAL_KEY_ENCRYPTION_KEY: must be a base64-encoded 256-bit key, as 'openssl rand -base64 32'"
                    + " prints", e.getMessage(), "the value is never echoed");
        }
    }

    @Test
    void secretsDoNotPrint() {
        String kek = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
        ServerConfig config = load(Map.of(), Map.of("PORTAL_JWT_SECRET", "0123456789abcdef0123456789abcdef",
                "PORTAL_KEY_ENCRYPTION_KEY", kek));
        assertFalse(config.toString().contains("0123456789abcdef"));
        assertFalse(config.toString().contains(kek));
    }

    private static final String URL_PASSWORD = "S3cret-in-a-url";

    @Test
    void aDatabaseUrlIsShownWithoutItsPassword() {
        for (String url : new String[] {"mysql://db/x?user=app&password=" + URL_PASSWORD,
                "postgres://app:" + URL_PASSWORD + "@db:port/x", "postgresql://app:" + URL_PASSWORD + "@/x"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of("DATABASE_URL", url)));
            assertTrue(e.getMessage().startsWith("DATABASE_URL: must be a PostgreSQL JDBC URL"), e.getMessage());
            assertFalse(e.getMessage().contains(URL_PASSWORD), e.getMessage());
            assertTrue(e.getMessage().contains("***"), "the rest of the URL is still shown: " + e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(Map.of(), Map.of("DATABASE_URL", "postgres://app:" + URL_PASSWORD + "@db:port/x")));
        assertEquals("DATABASE_URL: must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db) or a postgres:// URL"
                + " (postgres://user:password@host:5432/db?sslmode=require) (got 'postgres://app:***@db:port/x')",
                e.getMessage());
        ConfigException portal = assertThrows(ConfigException.class,
                () -> load(Map.of(), Map.of("PORTAL_URL", "ftp://ops:" + URL_PASSWORD + "@portal.example")));
        assertFalse(portal.getMessage().contains(URL_PASSWORD), portal.getMessage());
    }

    @Test
    void aPlatformUrlGivesTheJdbcUrlAndItsCredentialsUnlessTheyAreSetApart() {
        DatabaseConfig heroku = load(Map.of(), Map.of("DATABASE_URL",
                "postgres://app:" + URL_PASSWORD + "@db.example.com:5433/billing?sslmode=require")).database();
        assertEquals(Optional.of("jdbc:postgresql://db.example.com:5433/billing?sslmode=require"), heroku.jdbcUrl());
        assertEquals(Optional.of("app"), heroku.user());
        assertEquals(URL_PASSWORD, heroku.password().orElseThrow().reveal());
        assertFalse(heroku.toString().contains(URL_PASSWORD), heroku::toString);

        DatabaseConfig explicit = load(Map.of(), Map.of("DATABASE_URL", "postgresql://app:" + URL_PASSWORD + "@db/billing",
                "DATABASE_USER", "other", "DATABASE_PASSWORD", "another-password")).database();
        assertEquals(Optional.of("jdbc:postgresql://db/billing"), explicit.jdbcUrl());
        assertEquals(Optional.of("other"), explicit.user(), "DATABASE_USER wins");
        assertEquals("another-password", explicit.password().orElseThrow().reveal(), "DATABASE_PASSWORD wins");

        DatabaseConfig listening = load(Map.of(), Map.of("DATABASE_URL", "postgres://app:" + URL_PASSWORD
                + "@pooler:6432/billing", "DATABASE_LISTEN_URL", "jdbc:postgresql://db:5432/billing")).database();
        assertEquals("jdbc:postgresql://db:5432/billing", listening.listenUrl().orElseThrow().jdbcUrl());
        assertTrue(listening.listenUrl().orElseThrow().password().isEmpty(), "the pool's credentials are used then");

        ConfigException alone = assertThrows(ConfigException.class,
                () -> load(Map.of(), Map.of("DATABASE_LISTEN_URL", "jdbc:postgresql://db:5432/billing")));
        assertEquals("DATABASE_URL: required when DATABASE_LISTEN_URL is set (it is for an external database)",
                alone.getMessage());
    }

    @Test
    void theAudienceIsNoneForHs256AndCustomerPortalOtherwiseUnlessConfigured() {
        ServerConfig defaults = load(Map.of(), Map.of());
        assertEquals(Optional.empty(), defaults.tokenAudience().configured());
        assertEquals(Optional.of("customer-portal"), defaults.tokenAudience().of(com.nimbusds.jose.JWSAlgorithm.EdDSA));
        assertEquals(Optional.of("customer-portal"), defaults.tokenAudience().of(com.nimbusds.jose.JWSAlgorithm.ES256));
        assertEquals(Optional.empty(), defaults.tokenAudience().of(JWSAlgorithm.HS256), "upstream's portal rejects any aud");
        TokenAudience billing = load(Map.of(), Map.of("PORTAL_TOKEN_AUDIENCE", "billing")).tokenAudience();
        assertEquals(Optional.of("billing"), billing.of(JWSAlgorithm.HS256));
        assertEquals(Optional.of("billing"), billing.of(com.nimbusds.jose.JWSAlgorithm.EdDSA));
    }

    @Test
    void thePublicUrlIsOptional() {
        assertEquals(Optional.empty(), load(Map.of(), Map.of()).publicUrl());
        assertEquals(Optional.of(URI.create("https://api.example.com/v")), load(Map.of(Setting.PUBLIC_URL,
                "https://api.example.com/v"), Map.of("PUBLIC_URL", "https://other.example.com")).publicUrl());
        assertEquals("--public-url", Setting.PUBLIC_URL.flagName());
        assertEquals("public-url", Setting.PUBLIC_URL.key());
    }

    @Test
    void aBadValueIsBlamedOnWhatTheUserTyped() {
        ConfigException flag = assertThrows(ConfigException.class,
                () -> load(Map.of(Setting.PORT, "99999"), Map.of("PORT", "8081")));
        assertEquals("--port: must be a whole number from 0 to 65535 (got '99999')", flag.getMessage());
        ConfigException env = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of("PORT", "99999")));
        assertTrue(env.getMessage().startsWith("PORT: must be"), env.getMessage());
    }

    @Test
    void unknownVariablesWithTheProjectsPrefixesAreNamedWithTheClosestSetting() {
        Map<String, String> env = new HashMap<>(Map.of("PORTAL_TOKEN_ALGO", "ES256", "DATABASE_ULR", "jdbc:postgresql://x/y",
                "PORTAL_SOMETHING_ELSE_ENTIRELY", "secret-value", "PORTAL_LOG_LEVEL", "debug", "PORTAL_API_KEY", "pt_live_x",
                "PORTAL_TOKEN_ALG", "EdDSA", "HOME", "/root", "PORTALS", "x"));
        assertEquals(java.util.List.of(
                "environment variable DATABASE_ULR is not a setting and is ignored (did you mean 'DATABASE_URL'?)",
                "environment variable PORTAL_SOMETHING_ELSE_ENTIRELY is not a setting and is ignored",
                "environment variable PORTAL_TOKEN_ALGO is not a setting and is ignored (did you mean 'PORTAL_TOKEN_ALG'?)"),
                new ConfigLoader(Map.of(), env).unknownVariables());
        assertEquals(java.util.List.of(), new ConfigLoader(Map.of(), Map.of("PORTAL_URL", "https://x.example")).unknownVariables());
    }
}
