package dev.portaltoken.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private static ServerConfig load(Map<Setting, String> flags, Map<String, String> env) {
        return new ConfigLoader(flags, env).load();
    }

    @Test
    void defaultsNeedNoConfiguration() {
        ServerConfig config = load(Map.of(), Map.of());
        assertEquals(8080, config.port());
        assertEquals("0.0.0.0", config.host());
        assertTrue(config.database().embedded());
        assertEquals(Path.of("./data"), config.database().dataDir());
        assertEquals("http://localhost:3000", config.portalUrl().toString());
        assertEquals(Duration.ofSeconds(30), config.apiKeyCacheTtl());
        assertTrue(config.signing().jwtSecret().isEmpty());
        assertEquals(com.nimbusds.jose.JWSAlgorithm.EdDSA, config.signing().algorithm());
        assertEquals(dev.portaltoken.crypto.SignerProvider.BOUNCYCASTLE, config.signing().signer());
        assertEquals(Duration.ofSeconds(10), config.signing().refreshInterval());
        assertTrue(config.signing().keyEncryptionKey().isEmpty());
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverDefaults() {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.PORT, "9000");
        ServerConfig config = load(flags, Map.of("PORT", "9001", "HOST", "127.0.0.1",
                "DATABASE_URL", "jdbc:postgresql://db:5432/portal"));
        assertEquals(9000, config.port());
        assertEquals("127.0.0.1", config.host());
        assertFalse(config.database().embedded());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "PORT|http|PORT: must be a whole number from 0 to 65535 (got 'http')",
            "PORT|70000|PORT: must be a whole number from 0 to 65535",
            "DATABASE_URL|mysql://x|DATABASE_URL: must be a PostgreSQL JDBC URL",
            "PORTAL_URL|portal.example.com|PORTAL_URL: must be an absolute http(s) URL",
            "PORTAL_URL|ftp://portal.example.com|PORTAL_URL: must be an absolute http(s) URL",
            "PORTAL_API_KEY_CACHE_SECONDS|31|PORTAL_API_KEY_CACHE_SECONDS: must be a whole number from 0 to 30",
            "DATABASE_POOL_SIZE|0|DATABASE_POOL_SIZE: must be a whole number from 1 to 100"})
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
    void secretsDoNotPrint() {
        ServerConfig config = load(Map.of(), Map.of("PORTAL_JWT_SECRET", "0123456789abcdef0123456789abcdef"));
        assertFalse(config.toString().contains("0123456789abcdef"));
    }
}
