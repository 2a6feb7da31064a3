package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarLaunch;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's wrong turns through the packaged jar (issue 27), each answered at once with one line
 * that says what to do, and nothing created on the way: a data directory without a database, a
 * second server on the same data directory, a port in use, an unreachable external database, typos,
 * and Ctrl-C at any moment of start-up.
 */
class NoSilentWrongTurnsIT {
    private static final Duration START = Duration.ofMinutes(2);
    private static final Duration STOP = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static void assertOneLine(JarProcess.Result result, int exit, String expected) {
        assertEquals(exit, result.exit(), result::toString);
        assertEquals(List.of(expected), result.err().strip().lines().toList(), result::toString);
    }

    @Test
    void anAdminCommandRefusesADataDirectoryWithoutADatabaseNamingThePathAndHowToPointElsewhere() {
        Path missing = dir.resolve("nonexistent/dir");
        for (List<String> command : List.of(List.of("tenant", "list"), List.of("keys", "rotate"),
                List.of("customer", "create", "--tenant", "acme"))) {
            List<String> args = new java.util.ArrayList<>(command);
            args.addAll(List.of("--data-dir", missing.toString()));
            assertOneLine(JarProcess.run(Map.of(), args.toArray(String[]::new)), 1, "error: no database in " + missing
                    + " (only 'serve' creates one); point to yours with --data-dir DIR or DATA_DIR=DIR, or to an external"
                    + " one with DATABASE_URL");
        }
        assertFalse(Files.exists(dir.resolve("nonexistent")), "nothing was created");
        // A second terminal in another directory: the default ./data is named as the absolute path it is.
        JarProcess.Result relative = JarProcess.run(Map.of("DATA_DIR", "no-such-data-" + ProcessHandle.current().pid()),
                "tenant", "list");
        Path looked = Path.of("no-such-data-" + ProcessHandle.current().pid()).toAbsolutePath();
        assertTrue(relative.err().startsWith("error: no database in " + looked + " "), relative::toString);
        assertFalse(Files.exists(looked));
    }

    @Test
    void aPortInUseStopsStartUpBeforeAnythingIsCreatedAndSuggestsTheFlag() throws Exception {
        Path fresh = dir.resolve("fresh");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(taken.getLocalPort());
            assertOneLine(JarProcess.run(Map.of(), "serve", "--host", "127.0.0.1", "--port", port, "--data-dir",
                    fresh.toString()), 1, "error: cannot listen on 127.0.0.1:" + port
                    + ": another process is listening there; choose another port with --port N or PORT=N");
            assertOneLine(JarProcess.run(Map.of("MANAGEMENT_PORT", port), "serve", "--host", "127.0.0.1", "--port", "0",
                    "--data-dir", fresh.toString()), 1, "error: cannot listen on 127.0.0.1:" + port
                    + ": another process is listening there; choose another port with --management-port N or"
                    + " MANAGEMENT_PORT=N");
        }
        assertFalse(Files.exists(fresh), "no database, key encryption key or signing key was created");
    }

    @Test
    void anUnreachableExternalDatabaseStartsNotReadyAndTheBannerSaysWhy() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            closed = probe.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closed + "/portal";
        Map<String, String> env = Map.of("DATABASE_URL", url, "DATABASE_USER", "portal",
                "PORTAL_KEY_ENCRYPTION_KEY", TestServer.newKeyEncryptionKey(), "DATA_DIR", dir.toString());
        try (JarProcess.Server server = JarProcess.Server.start(env, "--port", "0", "--host", "127.0.0.1")) {
            String banner = server.output().lines().filter(l -> l.startsWith("portal-token-server ")).findFirst()
                    .orElseThrow(() -> new AssertionError(server.output()));
            assertTrue(banner.matches("portal-token-server \\S+ started in \\d+\\.\\d s, not ready: database "
                    + java.util.regex.Pattern.quote(url) + " is unreachable \\(retrying\\)"), banner);
            assertEquals(503, new Http(server.baseUri()).get("/readyz").status());
            assertEquals(0, server.stop());
        }
    }

    @Test
    void typosAreNamedWithWhatWasMeant() {
        assertOneLine(JarProcess.run(Map.of(), "tenant", "lst"), 2,
                "error: Unmatched argument at index 1: 'lst' (did you mean 'list'?) (see 'portal-token-server tenant --help')");
        assertOneLine(JarProcess.run(Map.of(), "serve", "--port", "99999"), 1,
                "error: --port: must be a whole number from 0 to 65535 (got '99999')");
        assertOneLine(JarProcess.run(Map.of("PORT", "99999"), "serve"), 1,
                "error: PORT: must be a whole number from 0 to 65535 (got '99999')");
        JarProcess.Result misspelt = JarProcess.run(Map.of("DATABASE_ULR", "jdbc:postgresql://db/portal"), "tenant", "list",
                "--data-dir", dir.resolve("none").toString());
        assertEquals("warning: environment variable DATABASE_ULR is not a setting and is ignored (did you mean"
                + " 'DATABASE_URL'?)", misspelt.err().lines().findFirst().orElse(""), misspelt::toString);
    }

    @Test
    void aStartUpFailureIsOneLineWithoutAJavaClassName() {
        Path deep = dir.resolve("a-data-directory-whose-path-is-too-long-for-the-unix-socket-of-postgresql-"
                + "x".repeat(40));
        JarProcess.Result result = JarProcess.run(Map.of(), "serve", "--port", "0", "--data-dir", deep.toString());
        assertEquals(1, result.exit(), result::toString);
        assertEquals(1, result.err().strip().lines().count(), result::toString);
        assertTrue(result.err().startsWith("error: the data directory's path is too long for PostgreSQL's Unix socket"),
                result::toString);
        assertFalse(result.err().contains("java."), result::toString);
    }

    /**
     * Ctrl-C (SIGINT) at several moments of a first start-up, then a server that starts on what they
     * left: each stops within a minute with at most one line of its own and never a stack trace. Then,
     * with that server running, a second one on the same data directory fails at once naming it, and
     * a misspelt variable was pointed out once at start-up.
     */
    @Test
    void ctrlCAtAnyMomentOfStartUpStopsQuietlyAndASecondServerFailsAtOnce() throws Exception {
        Path data = dir.resolve("data");
        String[] flags = {"--port", "0", "--host", "127.0.0.1", "--data-dir", data.toString()};
        String[] serve = java.util.stream.Stream.concat(java.util.stream.Stream.of("serve"), java.util.Arrays.stream(flags))
                .toArray(String[]::new);
        Map<String, java.util.function.Predicate<JarLaunch>> moments = new java.util.LinkedHashMap<>();
        moments.put("as the JVM starts", launched -> true);
        moments.put("at start-up's first log line, as the database has come up", launched -> !launched.err().isEmpty());
        moments.put("while the signing keys open", launched -> launched.err().contains("signing keys are encrypted"));
        moments.put("once they are loaded", launched -> launched.err().contains("signing EdDSA tokens with key"));
        for (Map.Entry<String, java.util.function.Predicate<JarLaunch>> moment : moments.entrySet()) {
            try (JarLaunch launched = JarLaunch.start(Map.of(), data, serve)) {
                launched.await(START, moment.getKey(), moment.getValue());
                launched.signal("INT");
                int exit = launched.exit(STOP);
                String when = "SIGINT " + moment.getKey();
                System.out.printf("%s: exit %d, %d lines printed%n", when, exit,
                        (launched.out() + launched.err()).lines().count());
                assertTrue(exit == 130 || exit == 0, when + ": exit " + exit + "\n" + launched);
                String printed = launched.out() + launched.err();
                assertFalse(printed.contains("\tat ") || printed.contains("Exception") || printed.contains("ERROR"),
                        when + ": no stack trace, no error\n" + launched);
                assertTrue(launched.err().lines().filter(l -> l.startsWith("stopping: ")).count() <= 1, launched::toString);
            }
        }
        Map<String, String> misspelt = Map.of("PORTAL_TOKEN_ALGO", "ES256");
        try (JarProcess.Server first = JarProcess.Server.start(misspelt, flags)) {
            List<String> warned = first.output().lines().filter(l -> l.contains("PORTAL_TOKEN_ALGO")).toList();
            assertEquals(1, warned.size(), first.output());
            assertTrue(warned.get(0).contains(" WARN ") && warned.get(0).endsWith("environment variable PORTAL_TOKEN_ALGO"
                    + " is not a setting and is ignored (did you mean 'PORTAL_TOKEN_ALG'?)"), warned.get(0));

            long baseline = millis(() -> JarProcess.run(Map.of(), "--version"));
            JarProcess.Result[] second = new JarProcess.Result[1];
            long took = millis(() -> second[0] = JarProcess.run(Map.of(), serve));
            assertOneLine(second[0], 1, "error: the data directory " + data + " is in use by another server (pid "
                    + first.process().pid() + "); stop it, or give this one another data directory with --data-dir DIR"
                    + " or DATA_DIR=DIR");
            assertTrue(took - baseline < 2_000, "failed within 2 s of a JVM's start: " + took + " ms against "
                    + baseline + " ms for --version");
            // On the first one's port too: the data directory is what is named.
            JarProcess.Result samePort = JarProcess.run(Map.of(), "serve", "--port",
                    Integer.toString(first.baseUri().getPort()), "--host", "127.0.0.1", "--data-dir", data.toString());
            assertEquals(second[0].err(), samePort.err());

            // A spreadsheet's export: a byte-order mark, its own column order and capitals.
            assertEquals(0, JarProcess.run(Map.of(), "tenant", "create", "--slug", "acme", "--data-dir", data.toString())
                    .exit());
            Path exported = Files.write(dir.resolve("export.csv"), ("\uFEFFEmail,Name,Alias\r\nada@x.example,Ada,ada\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            JarProcess.Result imported = JarProcess.run(Map.of(), "customer", "import", "--tenant", "acme",
                    "--data-dir", data.toString(), exported.toString());
            assertEquals("imported export.csv into tenant acme: 1 created, 0 updated, 0 skipped (unchanged)",
                    imported.lastLine(), imported::toString);
            com.fasterxml.jackson.databind.JsonNode listed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    JarProcess.run(Map.of(), "customer", "list", "--tenant", "acme", "--json", "--data-dir",
                            data.toString()).out()).get(0);
            assertEquals(List.of("ada", "Ada", "ada@x.example"), List.of(listed.get("alias").asText(),
                    listed.get("name").asText(), listed.get("email").asText()));
            Path misnamed = Files.writeString(dir.resolve("misnamed.csv"), "alias,name,e-mail\nbob,Bob,\n");
            assertOneLine(JarProcess.run(Map.of(), "customer", "import", "--tenant", "acme", "--data-dir",
                    data.toString(), misnamed.toString()), 1, "error: line 1: unknown column 'e-mail'"
                    + " (did you mean 'email'?); missing column 'email'; the header row names the columns alias, name,"
                    + " email, in any order");
            assertEquals(0, first.stop());
        }
    }

    private static long millis(Runnable run) {
        long started = System.nanoTime();
        run.run();
        return (System.nanoTime() - started) / 1_000_000;
    }
}
