package dev.portaltoken.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path dir;

    private ServerConfig load(Map<Setting<?>, String> flags, Map<String, String> env, Path file) {
        return new ConfigLoader(flags, env, Optional.of(file)).load();
    }

    @Test
    void yamlWithNestedKeysAndPropertiesBothWork() throws Exception {
        Path yaml = Files.writeString(dir.resolve("server.yaml"), """
                port: 9090
                database:
                  url: jdbc:postgresql://db:5432/portal
                  pool-size: 20
                portal-url: https://portal.example.com
                log-format: json
                """);
        ServerConfig fromYaml = load(Map.of(), Map.of(), yaml);
        assertEquals(9090, fromYaml.port());
        assertEquals(Optional.of("jdbc:postgresql://db:5432/portal"), fromYaml.database().jdbcUrl());
        assertEquals(20, fromYaml.database().poolSize());
        assertEquals("https://portal.example.com", fromYaml.portalUrl().orElseThrow().toString());
        assertEquals(LogFormat.JSON, fromYaml.logFormat());

        Path properties = Files.writeString(dir.resolve("server.properties"), "port=9091\nhost=127.0.0.1\n");
        ServerConfig fromProperties = load(Map.of(), Map.of(), properties);
        assertEquals(9091, fromProperties.port());
        assertEquals("127.0.0.1", fromProperties.host());
    }

    @Test
    void flagsThenEnvironmentThenFileThenDefaults() throws Exception {
        Path yaml = Files.writeString(dir.resolve("s.yaml"), "port: 1111\nhost: 10.0.0.1\nportal-url: https://file.example\n");
        Map<Setting<?>, String> flags = new HashMap<>();
        flags.put(Setting.PORT, "3333");
        ServerConfig config = load(flags, Map.of("PORT", "2222", "HOST", "10.0.0.2"), yaml);
        assertEquals(3333, config.port());
        assertEquals("10.0.0.2", config.host());
        assertEquals("https://file.example", config.portalUrl().orElseThrow().toString());
        assertEquals("portal-token-server", config.tokenIssuer());
    }

    @Test
    void anUnknownKeyIsNamedWithASuggestion() throws Exception {
        Path yaml = Files.writeString(dir.resolve("s.yaml"), "prot: 1111\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(), yaml));
        assertTrue(e.getMessage().endsWith("unknown setting 'prot' (did you mean 'port'?)"), e.getMessage());
        Path properties = Files.writeString(dir.resolve("s.properties"), "colour=blue\n");
        e = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(), properties));
        assertTrue(e.getMessage().endsWith("unknown setting 'colour'"), e.getMessage());
    }

    @Test
    void aBadValueInTheFileNamesTheSetting() throws Exception {
        Path yaml = Files.writeString(dir.resolve("s.yaml"), "log-format: xml\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(), yaml));
        assertEquals("config file " + yaml + ": log-format: must be plain or json (got 'xml')", e.getMessage());
    }

    @Test
    void missingFilesOddFormatsAndListsAreRefused() throws Exception {
        assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(), dir.resolve("nope.yaml")))
                .getMessage().endsWith("not found"));
        Path toml = Files.writeString(dir.resolve("s.toml"), "port = 1\n");
        assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(), toml))
                .getMessage().contains("must end in .properties, .yaml or .yml"));
        Path list = Files.writeString(dir.resolve("l.yaml"), "port: [1, 2]\n");
        assertTrue(assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(), list))
                .getMessage().contains("'port' must be a single value"));
        Path broken = Files.writeString(dir.resolve("b.yaml"), "port: : :\n  - x\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(), broken));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void credentialsWithoutAnExternalDatabaseAreAMissingRequiredSetting() throws Exception {
        Path yaml = Files.writeString(dir.resolve("s.yaml"), "database-password: hunter2hunter2\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(), yaml));
        assertTrue(e.getMessage().startsWith("DATABASE_URL: required when DATABASE_PASSWORD is set"), e.getMessage());
        assertTrue(!e.getMessage().contains("hunter2"));
    }
}
