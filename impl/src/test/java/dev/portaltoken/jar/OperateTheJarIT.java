package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar as operators run it: demo mode, banner, JSON logs, configuration errors, --help. */
class OperateTheJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CURL = Pattern.compile(
            "curl -s -X POST -H 'Authorization: Bearer (\\S+)' (http://\\S+/api/v1/customers/(\\S+)/portal-token)");

    /**
     * Also: Flyway migrates the new database at the first start, and is not even loaded by the second
     * start or an admin command, which find the schema up to date (db.SchemaCheck).
     */
    @Test
    void theDemoIsCreatedOnceAndItsCurlLineMintsAToken(@TempDir Path dataDir, @TempDir Path classLogs)
            throws Exception {
        String firstKey;
        try (JarProcess.Server server = JarProcess.Server.start(classLog(classLogs.resolve("first")), Map.of(),
                "--demo", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir.toString(),
                "--log-format", "json")) {
            String output = awaitOutput(server, CURL);
            Matcher curl = CURL.matcher(output);
            assertTrue(curl.find(), output);
            firstKey = curl.group(1);
            assertTrue(output.contains("ready in "), output);
            assertTrue(output.contains("database     embedded PostgreSQL in " + dataDir), output);
            assertTrue(output.matches("(?s).*signing      EdDSA, kid \\S+.*"), output);
            assertTrue(output.contains("JWKS         " + server.baseUri() + ".well-known/jwks.json"), output);
            Http http = new Http(server.baseUri());
            Http.Reply reply = http.mint(firstKey, curl.group(3), null);
            assertEquals(200, reply.status(), reply::toString);
            Tokens.verifyWithJwks(http, reply.json().get("token").asText());

            List<String> logLines = server.output().lines().filter(l -> l.startsWith("{")).toList();
            assertFalse(logLines.isEmpty(), "JSON log lines on stderr");
            JsonNode request = null;
            for (String line : logLines) {
                JsonNode node = JSON.readTree(line);
                assertNotNull(node.get("level"), line);
                if ("http.request".equals(node.path("loggerName").asText())
                        && node.toString().contains("portal-token")) {
                    request = node;
                }
            }
            assertNotNull(request, "a JSON request line:\n" + String.join("\n", logLines));
            String text = request.toString();
            assertTrue(text.contains("/api/v1/customers/{id_or_alias}/portal-token"), text);
            assertTrue(text.contains("\"demo\""), "tenant in the request line: " + text);
            assertFalse(server.output().lines().filter(l -> l.startsWith("{")).anyMatch(l -> l.contains(firstKey)),
                    "the API key never appears in a log line");
            assertEquals(0, server.stop());
        }
        assertTrue(Files.readString(classLogs.resolve("first")).contains("org.flywaydb.core.Flyway "),
                "the first start migrated with Flyway");
        try (JarProcess.Server again = JarProcess.Server.start(classLog(classLogs.resolve("again")), Map.of(),
                "--demo", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir.toString())) {
            Matcher curl = CURL.matcher(awaitOutput(again, CURL));
            assertTrue(curl.find());
            assertEquals(firstKey, curl.group(1), "the same demo key after a restart");
            assertEquals(200, new Http(again.baseUri()).mint(curl.group(1), curl.group(3), null).status());
        }
        Map<String, String> env = Map.of();
        JarProcess.Result tenants = JarProcess.run(classLog(classLogs.resolve("command")), env, "tenant", "list",
                "--json", "--data-dir", dataDir.toString());
        for (String launch : List.of("again", "command")) {
            assertFalse(Files.readString(classLogs.resolve(launch)).contains("org.flywaydb"),
                    launch + ": an up-to-date database is opened without loading Flyway");
        }
        assertEquals(1, JSON.readTree(tenants.out()).size(), "one demo tenant after two starts: " + tenants);
        JarProcess.Result customers = JarProcess.run(env, "customer", "list", "--tenant", "demo", "--json",
                "--data-dir", dataDir.toString());
        assertEquals(1, JSON.readTree(customers.out()).size(), "one demo customer after two starts");
        JarProcess.Result keys = JarProcess.run(env, "api-key", "list", "--tenant", "demo", "--json",
                "--data-dir", dataDir.toString());
        assertEquals(1, JSON.readTree(keys.out()).size(), "one demo key after two starts");
        assertTrue(JSON.readTree(keys.out()).get(0).hasNonNull("last_used"), keys.out());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("demo-api-key"))));
    }

    @Test
    void configurationErrorsStopStartUpWithOneLine(@TempDir Path dir) throws Exception {
        Path unknown = Files.writeString(dir.resolve("bad.yaml"), "port: 8080\nportal_url: https://x.example\n");
        assertOneLineError(JarProcess.run(Map.of(), "serve", "--config", unknown.toString()),
                "unknown setting 'portal_url' (did you mean 'portal-url'?)");
        assertOneLineError(JarProcess.run(Map.of("PORT", "eighty"), "serve", "--data-dir", dir.toString()),
                "PORT: must be a whole number");
        assertOneLineError(JarProcess.run(Map.of("DATABASE_USER", "portal"), "serve", "--data-dir", dir.toString()),
                "DATABASE_URL: required when DATABASE_USER is set");
        assertOneLineError(JarProcess.run(Map.of("DATABASE_URL", "jdbc:postgresql://localhost:1/x"), "serve", "--demo"),
                "--demo runs only on the embedded database");
        assertOneLineError(JarProcess.run(Map.of("PORTAL_URL", "https://portal.example.com"), "serve", "--demo",
                "--data-dir", dir.toString()), "--demo links to this server's own portal page; unset PORTAL_URL");
    }

    @Test
    void serveHelpListsEverySetting() {
        JarProcess.Result help = JarProcess.run(Map.of(), "serve", "--help");
        assertEquals(0, help.exit());
        for (dev.portaltoken.config.Setting<?> setting : dev.portaltoken.config.Setting.values()) {
            assertTrue(help.out().contains(setting.env() + " / " + setting.key()), setting + " in:\n" + help.out());
            if (setting.defaultValue() != null) {
                assertTrue(help.out().contains("(default " + setting.defaultValue() + ")"), setting.toString());
            }
        }
    }

    private static void assertOneLineError(JarProcess.Result result, String message) {
        assertEquals(1, result.exit(), result::toString);
        List<String> lines = result.err().strip().lines().toList();
        assertEquals(1, lines.size(), result::toString);
        assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(message), result::toString);
    }

    private static String awaitOutput(JarProcess.Server server, Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (pattern.matcher(server.output()).find()) {
                return server.output();
            }
            Thread.sleep(100);
        }
        return server.output();
    }

    /** The quick JVM's options, and every class the JVM loads logged to {@code file}. */
    private static List<String> classLog(Path file) {
        List<String> options = new java.util.ArrayList<>(JarProcess.QUICK);
        options.add("-Xlog:class+load=info:file=" + file);
        return options;
    }
}
