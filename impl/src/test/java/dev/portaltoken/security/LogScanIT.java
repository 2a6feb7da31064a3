package dev.portaltoken.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.RuntimeSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
 * {@code redirectTestOutputToFile}, so the in-process servers' logs are there), the stderr of every
 * jar process ({@code target/server-logs}; the jar's stdout may print a demo key and is not a log)
 * and, when the TypeScript suite ran before it, that suite's jar logs
 * ({@code clients/typescript/target/server-logs}).
 *
 * <p>No line may hold an API key, a compact JWS, a private JWK member or PEM private key, a fixed
 * secret the test sources configure, or any secret the tests met at run time (noted by
 * {@code support/RuntimeSecrets} and the TypeScript suite: API key secrets without their prefix,
 * key encryption keys, signing keys' private halves in each encoding), or an embedded database's
 * generated password. Findings name the file, line
 * and kind, never the secret. {@code LogScanCanaryTest} logs a made-up secret that the scan must
 * report; so does the TypeScript suite in its logs.
 */
class LogScanIT {
    private static final Path BUILD = Path.of(System.getProperty("portal.build.dir", "target"));
    private static final Path TEST_SOURCES = Path.of(System.getProperty("portal.test.sources", "src/test/java"));
    private static final Path TYPESCRIPT = Path.of(System.getProperty("portal.typescript.target",
            "../clients/typescript/target"));
    /** Whether the TypeScript suite must have run before this scan (set once the build orders it so). */
    private static final boolean TYPESCRIPT_REQUIRED = Boolean.getBoolean("portal.typescript.required");
    private static final String CANARY = "canary";

    private static final Map<String, Pattern> SHAPES = new LinkedHashMap<>();

    static {
        // A tenant's API key, an admin key or a portal key: the same 43-character secret, three prefixes.
        SHAPES.put("an API key", Pattern.compile("pt_(?:live|admin|portal)_[A-Za-z0-9]{43}"));
        SHAPES.put("a compact JWS/JWT", Pattern.compile("eyJ[A-Za-z0-9_-]{2,}\\.eyJ[A-Za-z0-9_-]{2,}\\."));
        SHAPES.put("a private JWK member", Pattern.compile("\"d\"\\s*:\\s*\"[A-Za-z0-9_-]{40,}\""));
        SHAPES.put("a PEM private key", Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"));
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

    /** A secret noted at run time, known by its length, first characters and SHA-256 only. */
    private record Noted(String kind, int length, String sha256) {
    }

    /** The secrets noted at run time, by their first {@link RuntimeSecrets#PREFIX} characters. */
    private record RuntimeIndex(Map<String, List<Noted>> byPrefix, Map<String, Integer> kinds) {
        /** The kind of the noted secret that starts at {@code at}, or null. */
        String match(String line, int at) {
            List<Noted> candidates = byPrefix.get(line.substring(at, at + RuntimeSecrets.PREFIX));
            if (candidates == null) {
                return null;
            }
            for (Noted noted : candidates) {
                if (at + noted.length() <= line.length()
                        && RuntimeSecrets.sha256(line.substring(at, at + noted.length())).equals(noted.sha256())) {
                    return noted.kind();
                }
            }
            return null;
        }
    }

    @Test
    void noLogLineOfTheRunHoldsASecret() throws IOException {
        List<Path> logs = capturedLogs();
        Set<String> secrets = fixedSecrets();
        assertTrue(secrets.contains("a-shared-secret-of-at-least-32-bytes!"),
                "the fixed secrets are read from the test sources (HmacTokenTest's among them)");
        List<Path> secretFiles = runtimeSecretFiles();
        RuntimeIndex noted = runtimeSecrets(secretFiles);
        boolean typescript = logs.stream().anyMatch(p -> p.startsWith(TYPESCRIPT));
        System.out.println("log scan: secrets noted at run time by kind: " + noted.kinds());
        for (String kind : List.of("API key secret", "key encryption key", "Ed25519 private key (base64url)",
                "P-256 private key (base64url)", CANARY)) {
            assertTrue(noted.kinds().getOrDefault(kind, 0) > 0, "the tests noted secrets of kind " + kind);
        }

        List<String> findings = new ArrayList<>();
        List<String> canaries = new ArrayList<>();
        int requestLines = 0;
        boolean jarRequestLines = false;
        for (Path log : logs) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            String name = shown(log);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.contains("http.request")) {
                    requestLines++;
                    jarRequestLines |= log.startsWith(BUILD.resolve("server-logs"));
                }
                for (Map.Entry<String, Pattern> shape : SHAPES.entrySet()) {
                    if (shape.getValue().matcher(line).find()) {
                        findings.add(name + ":" + (i + 1) + ": " + shape.getKey());
                    }
                }
                for (String secret : secrets) {
                    if (line.contains(secret)) {
                        findings.add(name + ":" + (i + 1) + ": a fixed test secret (" + secret.length() + " characters)");
                    }
                }
                for (int at = 0; at + RuntimeSecrets.PREFIX <= line.length(); at++) {
                    String kind = noted.match(line, at);
                    if (kind != null) {
                        (kind.equals(CANARY) ? canaries : findings).add(name + ":" + (i + 1) + ": " + kind);
                    }
                }
            }
        }
        System.out.println("log scan: " + logs.size() + " files" + (typescript ? " (the TypeScript suite's among them)" : "")
                + ", " + requestLines + " request log lines, " + secrets.size() + " fixed secrets, "
                + noted.kinds().values().stream().mapToInt(Integer::intValue).sum() + " secrets noted at run time in "
                + secretFiles.size() + " files, " + findings.size() + " findings; canaries found: " + canaries);
        assertTrue(requestLines > 100, "the scan sees the servers' request logs (" + requestLines + " http.request lines)");
        assertTrue(jarRequestLines, "the scan sees the packaged jar's request logs in target/server-logs");
        assertTrue(canaries.stream().anyMatch(c -> c.contains("LogScanCanaryTest")),
                "the scan reports the secret LogScanCanaryTest logged: " + canaries);
        assertEquals(typescript || TYPESCRIPT_REQUIRED, canaries.stream().anyMatch(c -> c.startsWith("typescript/")),
                "the scan reports the canary of the TypeScript suite's logs exactly when they are there: " + canaries);
        assertTrue(findings.isEmpty(), "secrets in captured logs:\n" + String.join("\n", findings));
    }

    @Test
    void theScanRecognisesEachKindOfSecret() {
        String key = "pt_live_" + "Ab1".repeat(14) + "x/355IiHqLu0NlczFdlu2mk";
        String jws = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJjdXNfMSJ9.c2ln";
        String jwk = "{\"kty\":\"OKP\",\"d\":\"" + "q".repeat(43) + "\"}";
        String pem = "-----BEGIN EC PRIVATE KEY-----";
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String databasePassword = "ptdb_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String adminKey = key.replace("pt_live_", "pt_admin_");
        String portalKey = key.replace("pt_live_", "pt_portal_");
        for (String line : List.of("auth with " + key, "admin " + adminKey, "portal " + portalKey, "token=" + jws, "loaded " + jwk, pem, "password " + databasePassword)) {
            assertTrue(SHAPES.values().stream().anyMatch(p -> p.matcher(line).find()), line.substring(0, 12));
        }
        assertFalse(SHAPES.values().stream().anyMatch(p -> p.matcher(
                "POST /api/v1/customers/{id_or_alias}/portal-token 401 1.2ms tenant=- request_id=abc").find()));
        RuntimeIndex index = new RuntimeIndex(Map.of("s3cr3t", List.of(new Noted("test kind", 20,
                RuntimeSecrets.sha256("s3cr3tABCDEFGHIJKLMN")))), Map.of());
        String line = "x s3cr3tABCDEFGHIJKLMNOP y";
        assertEquals("test kind", index.match(line, 2), "found inside a longer word");
        assertEquals(null, index.match("x s3cr3tABCDEFGHIJKLMX", 2), "a prefix alone is no finding");
    }

    private static String shown(Path log) {
        return log.startsWith(TYPESCRIPT) ? "typescript/" + TYPESCRIPT.relativize(log) : BUILD.relativize(log).toString();
    }

    private static List<Path> capturedLogs() throws IOException {
        List<Path> logs = new ArrayList<>();
        for (Path path : List.of(BUILD.resolve("surefire-reports"), BUILD.resolve("failsafe-reports"),
                BUILD.resolve("server-logs"), TYPESCRIPT.resolve("server-logs"))) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    files.filter(f -> f.toString().endsWith(".txt") || f.toString().endsWith(".log")).sorted().forEach(logs::add);
                }
            }
        }
        assertTrue(logs.stream().anyMatch(p -> p.toString().endsWith("-output.txt") && p.startsWith(BUILD.resolve("surefire-reports"))),
                "surefire kept the test output in files (redirectTestOutputToFile): " + logs.size() + " files");
        if (TYPESCRIPT_REQUIRED) {
            assertTrue(logs.stream().anyMatch(p -> p.startsWith(TYPESCRIPT)), "the TypeScript suite's jar logs are in "
                    + TYPESCRIPT.resolve("server-logs") + " (it must run before this scan)");
        }
        return logs;
    }

    private static List<Path> runtimeSecretFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Path.of(System.getProperty("portal.runtime.secrets", BUILD.resolve("runtime-secrets").toString())),
                TYPESCRIPT.resolve("runtime-secrets"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    list.filter(f -> f.toString().endsWith(".tsv")).sorted().forEach(files::add);
                }
            }
        }
        return files;
    }

    private static RuntimeIndex runtimeSecrets(List<Path> files) throws IOException {
        Map<String, List<Noted>> byPrefix = new HashMap<>();
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.split("\t");
                if (fields.length != 4 || !seen.add(fields[3])) {
                    continue;
                }
                Noted noted = new Noted(fields[0], Integer.parseInt(fields[1]), fields[3]);
                byPrefix.computeIfAbsent(fields[2], k -> new ArrayList<>()).add(noted);
                kinds.merge(fields[0], 1, Integer::sum);
            }
        }
        return new RuntimeIndex(byPrefix, kinds);
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
