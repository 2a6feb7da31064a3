package dev.portaltoken.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Await;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.StoppablePostgres;
import dev.portaltoken.support.TcpProxy;
import dev.portaltoken.support.TestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The connection that listens for changes can die loudly (its backend killed) or silently (a NAT
 * or load balancer stops forwarding it without closing it). Either way the server notices within a
 * heartbeat, says so (WARN, {@code portal_change_listener_up}, {@code /readyz} checks, still
 * ready), stops trusting its caches, and listens again once it can: an archive or revocation made
 * meanwhile takes effect in seconds, not after the caches' lifetimes (600 s and 30 s here).
 */
class ChangeListenerOutageTest {
    private static final Map<String, String> LONG_CACHES =
            Map.of("PORTAL_CUSTOMER_CACHE_SECONDS", "600", "PORTAL_API_KEY_CACHE_SECONDS", "30");

    private static String listenerCheck(TestServer server) {
        Http.Reply ready = server.http().get("/readyz");
        assertEquals(200, ready.status(), () -> "the listener never fails readiness: " + ready);
        return ready.json().get("checks").path("change_listener").asText("absent");
    }

    private static OptionalDouble metric(TestServer server, String name) {
        Matcher m = Pattern.compile("^" + name + "(?:\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE)
                .matcher(server.http().get("/metrics").body());
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }

    private static long listenerBackend(TestServer server) throws Exception {
        try (Connection c = server.sql(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE application_name = '"
                     + ChangeListener.APPLICATION_NAME + "'")) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    @Test
    void aKilledListenerBackendIsNoticedAndReplaced() throws Exception {
        try (TestServer server = TestServer.start(LONG_CACHES)) {
            server.createTenant("acme");
            String key = server.createApiKey("acme");
            server.createCustomer("acme", "kept");
            Await.until(Await.PICKUP, "listening", () -> "ok".equals(listenerCheck(server)));
            assertEquals(OptionalDouble.of(1), metric(server, "portal_change_listener_up"));
            assertEquals(OptionalDouble.of(0), metric(server, "portal_change_listener_failures_total"));
            long backend = listenerBackend(server);
            assertTrue(backend > 0, "the listener names itself in pg_stat_activity");
            assertEquals(200, server.http().mint(key, "kept", null).status());

            try (Connection c = server.sql(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(" + backend + ")");
            }
            Await.until(Await.PICKUP, "the loss is counted",
                    () -> metric(server, "portal_change_listener_failures_total").orElse(0) >= 1);
            Await.until(Await.PICKUP, "a new listener", () -> {
                try {
                    long now = listenerBackend(server);
                    return now > 0 && now != backend && "ok".equals(listenerCheck(server));
                } catch (Exception e) {
                    return false;
                }
            });
            server.cliOk("customer", "archive", "--tenant", "acme", "kept");
            Await.until(Await.PICKUP, "the archive reaches the cache through the new listener",
                    () -> server.http().mint(key, "kept", null).status() == 404);
        }
    }

    @Test
    void aListenerConnectionThatStopsDeliveringWithoutClosingIsNoticedAndTheCachesStopTrusting() {
        try (StoppablePostgres postgres = new StoppablePostgres().start();
             TcpProxy proxy = new TcpProxy(postgres.port());
             TestServer server = TestServer.start(withDatabase(proxy))) {
            server.createTenant("acme");
            String key = server.createApiKey("acme");
            String revoked = server.createApiKey("acme");
            server.createCustomer("acme", "archived");
            server.createCustomer("acme", "later");
            Await.until(Await.PICKUP, "listening", () -> "ok".equals(listenerCheck(server)));
            assertEquals(200, server.http().mint(key, "archived", null).status(), "now cached for 600 s");
            assertEquals(200, server.http().mint(revoked, "later", null).status(), "now cached for 30 s");

            proxy.stopForwarding(ChangeListener.APPLICATION_NAME); // silence, no close: a half-open connection
            server.cliOk("customer", "archive", "--tenant", "acme", "archived"); // its notification is lost
            server.cliOk("api-key", "revoke", "--tenant", "acme", revoked.substring(revoked.indexOf('/') + 1));
            Await.until(Await.PICKUP, "the silent listener is noticed",
                    () -> "reconnecting".equals(listenerCheck(server))
                            && metric(server, "portal_change_listener_up").orElse(-1) == 0);
            Await.until(Await.PICKUP, "the archive takes effect without its notification",
                    () -> server.http().mint(key, "archived", null).status() == 404);
            Await.until(Await.PICKUP, "and so does the revocation",
                    () -> server.http().mint(revoked, "later", null).status() == 401);

            assertEquals(200, server.http().mint(key, "later", null).status(), "found again and cached, briefly");
            server.cliOk("customer", "archive", "--tenant", "acme", "later");
            Await.until(Await.PICKUP, "an entry loaded while not listening is trusted for seconds only",
                    () -> server.http().mint(key, "later", null).status() == 404);

            proxy.forwardAgain();
            Await.until(Await.PICKUP, "listening again", () -> "ok".equals(listenerCheck(server))
                    && metric(server, "portal_change_listener_up").orElse(-1) == 1);
            server.cliOk("customer", "unarchive", "--tenant", "acme", "archived");
            Await.until(Await.PICKUP, "found again", () -> server.http().mint(key, "archived", null).status() == 200);
            server.cliOk("customer", "archive", "--tenant", "acme", "archived");
            Await.until(Await.PICKUP, "notifications arrive again",
                    () -> server.http().mint(key, "archived", null).status() == 404);
        }
    }

    private static Map<String, String> withDatabase(TcpProxy proxy) {
        Map<String, String> env = new java.util.HashMap<>(LONG_CACHES);
        env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres?sslmode=disable");
        env.put("DATABASE_USER", "postgres");
        return env;
    }
}
