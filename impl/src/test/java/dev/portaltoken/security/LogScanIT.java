package dev.portaltoken.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test of the build (its own failsafe execution) and reads everything the
 * run captured: each test class's output and reports (surefire and failsafe, with
 * {@code redirectTestOutputToFile}, so the in-process servers' logs are there) and the stderr of every
 * jar process ({@code target/server-logs}; the jar's stdout may print a demo key and is not a log).
 * No line may hold an API key, a compact JWS, a private JWK member, an embedded database's password
 * or any fixed secret the test sources configure. Findings name the file, line and kind, never the secret.
 */
class LogScanIT {
    private static final Path BUILD = Path.of(System.getProperty("portal.build.dir", "target"));
    private static final Path TEST_SOURCES = Path.of(System.getProperty("portal.test.sources", "src/test/java"));

    private static final Map<String, Pattern> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("an API key", Pattern.compile("pt_live_[A-Za-z0-9]{43}"));
        SHAPES.put("a compact JWS/JWT", Pattern.compile("eyJ[A-Za-z0-9_-]{2,}\\.eyJ[A-Za-z0-9_-]{2,}\\."));
        SHAPES.put("a private JWK member", Pattern.compile("\"d\"\\s*:\\s*\"[A-Za-z0-9_-]{40,}\""));
        // The embedded database's generated password (<data-dir>/postgres-password), whatever data
        // directory a test or jar run created: its prefix makes every one recognisable.
        SHAPES.put("an embedded-database password", Pattern.compile("ptdb_[A-Za-z0-9_-]{43}"));
    }

    /** Values passed for secret settings, and constants named like secrets, in the test sources. */
    private static final List<Pattern> SECRET_LITERALS = List.of(
            Pattern.compile("\"(?:PORTAL_JWT_SECRET|PORTAL_KEY_ENCRYPTION_KEY|PORTAL_SIGNING_KEY|DATABASE_PASSWORD|jwt-secret"
                    + "|key-encryption-key|signing-key|database-password)\"\\s*,\\s*\"([^\"]{8,})\""),
            Pattern.compile("(?:jwt-secret|key-encryption-key|database-password)\\s*[:=]\\s*([^\\s\"\\\\]{8,})"),
            Pattern.compile("static final String \\w*(?:SECRET|KEK|ENCRYPTION_KEY|PASSWORD)\\w*\\s*=\\s*\"([^\"]{8,})\""));

    @Test
    void noLogLineOfTheRunHoldsASecret() throws IOException {
        List<Path> logs = capturedLogs();
        Set<String> secrets = fixedSecrets();
        assertTrue(secrets.contains("a-shared-secret-of-at-least-32-bytes!"),
                "the fixed secrets are read from the test sources (HmacTokenTest's among them)");

        List<String> findings = new ArrayList<>();
        int requestLines = 0;
        boolean jarRequestLines = false;
        for (Path log : logs) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.contains("http.request")) {
                    requestLines++;
                    jarRequestLines |= log.startsWith(BUILD.resolve("server-logs"));
                }
                for (Map.Entry<String, Pattern> shape : SHAPES.entrySet()) {
                    if (shape.getValue().matcher(line).find()) {
                        findings.add(BUILD.relativize(log) + ":" + (i + 1) + ": " + shape.getKey());
                    }
                }
                for (String secret : secrets) {
                    if (line.contains(secret)) {
                        findings.add(BUILD.relativize(log) + ":" + (i + 1) + ": a fixed test secret ("
                                + secret.length() + " characters)");
                    }
                }
            }
        }
        System.out.println("log scan: " + logs.size() + " files, " + requestLines + " request log lines, "
                + secrets.size() + " fixed secrets, " + findings.size() + " findings");
        assertTrue(requestLines > 100, "the scan sees the servers' request logs (" + requestLines + " http.request lines)");
        assertTrue(jarRequestLines, "the scan sees the packaged jar's request logs in target/server-logs");
        assertTrue(findings.isEmpty(), "secrets in captured logs:\n" + String.join("\n", findings));
    }

    @Test
    void theScanRecognisesEachKindOfSecret() {
        String key = "pt_live_" + "Ab1".repeat(14) + "x/355IiHqLu0NlczFdlu2mk";
        String jws = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJjdXNfMSJ9.c2ln";
        String jwk = "{\"kty\":\"OKP\",\"d\":\"" + "q".repeat(43) + "\"}";
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String databasePassword = "ptdb_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        for (String line : List.of("auth with " + key, "token=" + jws, "loaded " + jwk, "password " + databasePassword)) {
            assertTrue(SHAPES.values().stream().anyMatch(p -> p.matcher(line).find()), line.substring(0, 12));
        }
        assertFalse(SHAPES.values().stream().anyMatch(p -> p.matcher(
                "POST /api/v1/customers/{id_or_alias}/portal-token 401 1.2ms tenant=- request_id=abc").find()));
    }

    private static List<Path> capturedLogs() throws IOException {
        List<Path> logs = new ArrayList<>();
        for (String dir : List.of("surefire-reports", "failsafe-reports", "server-logs")) {
            Path path = BUILD.resolve(dir);
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    files.filter(f -> f.toString().endsWith(".txt") || f.toString().endsWith(".log")).sorted().forEach(logs::add);
                }
            }
        }
        assertTrue(logs.stream().anyMatch(p -> p.toString().endsWith("-output.txt") && p.startsWith(BUILD.resolve("surefire-reports"))),
                "surefire kept the test output in files (redirectTestOutputToFile): " + logs.size() + " files");
        return logs;
    }

    private static Set<String> fixedSecrets() {
        Set<String> secrets = new LinkedHashSet<>();
        try (Stream<Path> sources = Files.walk(TEST_SOURCES)) {
            sources.filter(p -> p.toString().endsWith(".java") && !p.endsWith("LogScanIT.java")).forEach(source -> {
                String text;
                try {
                    text = Files.readString(source);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                for (Pattern pattern : SECRET_LITERALS) {
                    Matcher m = pattern.matcher(text);
                    while (m.find()) {
                        secrets.add(m.group(1));
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return secrets;
    }
}
