package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.DebianPostgres;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.TestCa;
import dev.portaltoken.support.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A managed database over TLS, on the packaged jar against Debian's PostgreSQL 15 with a server
 * certificate for {@code localhost} made by the test's own CA:
 * <ul>
 * <li>{@code sslmode=verify-full} with that CA in {@code sslrootcert} works, every connection of
 * the server and the CLI encrypted ({@code pg_stat_ssl});</li>
 * <li>a platform's {@code postgres://user:password@host:port/db?sslmode=require} works as it is
 * set, and its password is printed nowhere;</li>
 * <li>a wrong CA, a wrong host name, or a plain-text server while TLS is required stops start-up
 * with one clear line (exit 1), instead of waiting for a database that will never do.</li>
 * </ul>
 */
class DatabaseTlsIT {
    private static DebianPostgres postgres;
    private static final String KEK = TestServer.newKeyEncryptionKey();

    @BeforeAll
    static void startPostgres() {
        postgres = DebianPostgres.startWithTls();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static Map<String, String> env(String url, boolean credentials) {
        Map<String, String> env = new HashMap<>(credentials ? postgres.env(url) : Map.of("DATABASE_URL", url));
        env.put("PORTAL_KEY_ENCRYPTION_KEY", KEK);
        env.put("PORTAL_RATE_LIMIT_PER_SECOND", "0");
        return env;
    }

    /** Client backends over TCP other than this test's own: how many, and how many of them without TLS. */
    private static long[] tcpBackends() throws Exception {
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE NOT s.ssl) FROM pg_stat_activity a"
                     + " JOIN pg_stat_ssl s USING (pid) WHERE a.client_addr IS NOT NULL AND a.pid <> pg_backend_pid()")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** Serves on {@code env}: tenant, key and customer made by the CLI, a token minted, every connection encrypted. */
    private static void servesOverTls(Map<String, String> env, Path dataDir, String tenant) throws Exception {
        String dir = dataDir.toString();
        try (JarProcess.Server server = JarProcess.Server.start(env, "--port", "0", "--host", "127.0.0.1",
                "--data-dir", dir)) {
            assertEquals(0, JarProcess.run(env, "tenant", "create", "--slug", tenant, "--data-dir", dir).exit());
            String key = JarProcess.run(env, "api-key", "create", "--tenant", tenant, "--data-dir", dir).lastLine();
            String customer = JarProcess.run(env, "customer", "create", "--tenant", tenant, "--data-dir", dir).lastLine();
            Http http = new Http(server.baseUri());
            Http.Reply minted = http.mint(key, customer, null);
            assertEquals(200, minted.status(), minted::toString);
            long[] backends = tcpBackends();
            assertTrue(backends[0] >= 2, "the pool and the listener are connected: " + backends[0]);
            assertEquals(0, backends[1], "every connection of the server is encrypted");
            assertEquals("ok", http.get("/readyz").json().get("checks").get("change_listener").asText());
            assertFalse(server.output().contains(postgres.password()), "the password is printed nowhere");
            assertEquals(0, server.stop());
            assertFalse(server.output().contains(postgres.password()), "not even when stopping");
        }
    }

    @Test
    void verifyFullWithTheCaFileWorks(@TempDir Path dataDir) throws Exception {
        String url = postgres.jdbcUrl("").replace("127.0.0.1", "localhost") + "?sslmode=verify-full&sslrootcert="
                + postgres.ca().certificate();
        servesOverTls(env(url, true), dataDir, "verified");
    }

    @Test
    void aPlatformStylePostgresUrlWorksAsItIsSetAndItsPasswordIsNeverPrinted(@TempDir Path dataDir) throws Exception {
        String url = "postgres://" + DebianPostgres.USER + ":" + postgres.password() + "@localhost:" + postgres.port()
                + "/postgres?sslmode=require";
        servesOverTls(env(url, false), dataDir, "platform");
    }

    private static void assertRefusedAtStartUp(Map<String, String> env, Path dataDir, String message) {
        long started = System.nanoTime();
        JarProcess.Result result = JarProcess.run(env, "serve", "--port", "0", "--host", "127.0.0.1",
                "--data-dir", dataDir.toString());
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(1, result.exit(), result::toString);
        List<String> lines = result.err().strip().lines().toList();
        assertEquals(1, lines.size(), result::toString);
        assertTrue(lines.get(0).startsWith("error: DATABASE_URL: " + message), result::toString);
        assertFalse(result.err().contains("Exception") || result.err().contains("\tat "), result::toString);
        assertFalse(result.err().contains(postgres.password()), result::toString);
        System.out.printf("refused in %.1f s: %s%n", seconds, lines.get(0));
    }

    @Test
    void aWrongCaIsRefusedAtStartUpWithOneLine(@TempDir Path dataDir) {
        TestCa other = TestCa.create(dataDir, "another-ca");
        String url = postgres.jdbcUrl("").replace("127.0.0.1", "localhost") + "?sslmode=verify-full&sslrootcert="
                + other.certificate();
        assertRefusedAtStartUp(env(url, true), dataDir.resolve("data"), "TLS refused: the database server's certificate"
                + " is not signed by a trusted CA");
    }

    @Test
    void aWrongHostNameIsRefusedAtStartUpWithOneLine(@TempDir Path dataDir) {
        String url = postgres.jdbcUrl("sslmode=verify-full&sslrootcert=" + postgres.ca().certificate()); // 127.0.0.1
        assertRefusedAtStartUp(env(url, true), dataDir, "TLS refused: the database server's certificate is not for the"
                + " host name in the URL");
    }

    @Test
    void aPlainTextServerIsRefusedAtStartUpWhenTlsIsRequired(@TempDir Path dataDir) {
        try (DebianPostgres plain = DebianPostgres.start()) {
            Map<String, String> env = new HashMap<>(plain.env(plain.jdbcUrl("sslmode=require")));
            env.put("PORTAL_KEY_ENCRYPTION_KEY", KEK);
            assertRefusedAtStartUp(env, dataDir, "TLS refused: the database server does not offer TLS");
        }
    }
}
