package dev.portaltoken.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.jwk.JWK;
import dev.portaltoken.support.Await;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.DebianPostgres;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.PgBouncer;
import dev.portaltoken.support.Prometheus;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Tokens;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The server behind Debian's PgBouncer in front of Debian's PostgreSQL 15, as managed platforms run
 * it, with nothing in the URL about pgjdbc's internals, and long caches (customers 600 s, API keys
 * 30 s) so that only notifications or the listener's freshness rule can make a change show.
 *
 * <ul>
 * <li>Transaction mode without {@code DATABASE_LISTEN_URL}: notifications cannot arrive. The
 * listener's heartbeat does not come back, so it says {@code not_delivering} ({@code /readyz}, the
 * metric, one WARN naming the fix) and the caches trust what they load for the heartbeat interval
 * only: an archive and an API-key revocation, whose notifications are lost, take effect within
 * seconds. Admin commands, the signing-key refresh and the revocations' re-read keep working
 * (no server-side prepared statement can collide).</li>
 * <li>Transaction mode with {@code DATABASE_LISTEN_URL} straight to PostgreSQL, and session mode:
 * notifications arrive ({@code ok}), so changes reach the caches at once.</li>
 * </ul>
 */
class PgBouncerTest {
    private static final Map<String, String> LONG_CACHES = Map.of("PORTAL_CUSTOMER_CACHE_SECONDS", "600",
            "PORTAL_API_KEY_CACHE_SECONDS", "30", "PORTAL_KEY_REFRESH_SECONDS", "1",
            "PORTAL_KEY_ENCRYPTION_KEY", TestServer.newKeyEncryptionKey());
    private static DebianPostgres postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = DebianPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static Map<String, String> env(String url, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(LONG_CACHES);
        env.putAll(postgres.env(url));
        env.putAll(extra);
        return env;
    }

    static String listenerCheck(TestServer server) {
        Http.Reply ready = server.http().get("/readyz");
        assertEquals(200, ready.status(), () -> "the listener never fails readiness: " + ready);
        return ready.json().get("checks").path("change_listener").asText("absent");
    }

    private static Set<String> publishedKids(TestServer server) {
        return Tokens.jwks(server.http()).getKeys().stream().map(JWK::getKeyID).collect(Collectors.toSet());
    }

    private static String mintToken(TestServer server, String key, String customer) {
        Http.Reply reply = server.http().mint(key, customer, null);
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("token").asText();
    }

    private static boolean active(TestServer server, String key, String token) {
        Http.Reply reply = server.http().post("/api/v1/portal-tokens/introspect", Map.of("Authorization", "Bearer " + key),
                "{\"token\": \"" + token + "\"}", "application/json");
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("active").asBoolean();
    }

    @Test
    void transactionModeWithoutAListenUrlIsNotDeliveringAndTheCachesTrustEntriesForSecondsOnly() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ChangeListener.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try (PgBouncer bouncer = PgBouncer.start(postgres, PgBouncer.Mode.TRANSACTION);
             TestServer server = TestServer.start(env(bouncer.jdbcUrl(""), Map.of()))) {
            // Admin commands through the pooler, many times over: no statement-cache error, ever.
            server.createTenant("tx");
            String key = server.createApiKey("tx");
            String revoked = server.createApiKey("tx");
            for (int i = 0; i < 12; i++) {
                server.createCustomer("tx", "customer-" + i);
            }
            Await.until(Await.PICKUP, "the listener says notifications are not delivered",
                    () -> "not_delivering".equals(listenerCheck(server)));
            assertEquals(1, Prometheus.present(server.http(), "portal_change_listener_status", "status=\"not_delivering\""));
            assertEquals(0, Prometheus.present(server.http(), "portal_change_listener_up"));
            List<String> warnings = captured.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warnings.size(), () -> "one WARN: " + warnings);
            assertTrue(warnings.get(0).contains("transaction mode") && warnings.get(0).contains("DATABASE_LISTEN_URL"),
                    warnings::toString);

            // Entries loaded now are trusted for the heartbeat interval only: the lost notifications do not matter.
            for (int i = 0; i < 12; i++) {
                assertEquals(200, server.http().mint(key, "customer-" + i, null).status(), "customer " + i);
            }
            assertEquals(200, server.http().mint(revoked, "customer-0", null).status(), "the key is now cached for 30 s");
            long archivedAt = System.nanoTime();
            server.cliOk("customer", "archive", "--tenant", "tx", "customer-0");
            server.revokeApiKey("tx", revoked);
            Await.until(Await.PICKUP, "the archive takes effect although its notification is lost",
                    () -> server.http().mint(key, "customer-0", null).status() == 404);
            long archiveMillis = (System.nanoTime() - archivedAt) / 1_000_000;
            Await.until(Await.PICKUP, "and so does the API key's revocation",
                    () -> server.http().mint(revoked, "customer-1", null).status() == 401);
            System.out.printf("PgBouncer transaction mode, no listen URL: an archive took effect after %d ms"
                    + " (customer cache 600 s, heartbeat %d s)%n", archiveMillis, ChangeListener.HEARTBEAT.toSeconds());
            for (int i = 1; i < 12; i++) {
                assertEquals(200, server.http().mint(key, "customer-" + i, null).status(), "the others still: " + i);
            }

            // The background refreshes through the pooler: a revocation made elsewhere is re-read, a rotation picked up.
            String token = mintToken(server, key, "customer-1");
            assertTrue(active(server, key, token));
            CliRun.Result revoke = CliRun.runWithInput(server.env(), token + "\n", "token", "revoke");
            assertEquals(0, revoke.exit(), revoke::toString);
            Await.until(Await.PICKUP, "the revocation is re-read without its notification", () -> !active(server, key, token));
            Set<String> before = publishedKids(server);
            server.cliOk("keys", "rotate");
            Await.until(Await.PICKUP, "the rotation is picked up", () -> !publishedKids(server).equals(before));
            assertEquals("not_delivering", listenerCheck(server), "still, and said once");
            assertEquals(1, captured.list.stream().filter(e -> e.getLevel() == Level.WARN).count(), captured.list::toString);
        } finally {
            logger.detachAppender(captured);
        }
    }

    @Test
    void transactionModeWithADirectListenUrlDeliversNotifications() {
        String direct = "postgres://" + DebianPostgres.USER + ":" + postgres.password() + "@127.0.0.1:" + postgres.port()
                + "/postgres?sslmode=disable";
        try (PgBouncer bouncer = PgBouncer.start(postgres, PgBouncer.Mode.TRANSACTION);
             TestServer server = TestServer.start(env(bouncer.jdbcUrl(""), Map.of("DATABASE_LISTEN_URL", direct)))) {
            assertNotifiedAtOnce(server, "direct");
        }
    }

    @Test
    void sessionModeDeliversNotificationsThroughThePooler() {
        try (PgBouncer bouncer = PgBouncer.start(postgres, PgBouncer.Mode.SESSION);
             TestServer server = TestServer.start(env(bouncer.jdbcUrl(""), Map.of()))) {
            assertNotifiedAtOnce(server, "session");
        }
    }

    /** Notifications arrive: the listener is ok, and changes reach entries the caches would trust for minutes. */
    private static void assertNotifiedAtOnce(TestServer server, String tenant) {
        server.createTenant(tenant);
        String key = server.createApiKey(tenant);
        String revoked = server.createApiKey(tenant);
        server.createCustomer(tenant, "archived");
        server.createCustomer(tenant, "kept");
        Await.until(Await.PICKUP, "notifications are confirmed", () -> "ok".equals(listenerCheck(server)));
        assertEquals(1, Prometheus.present(server.http(), "portal_change_listener_up"));
        assertEquals(200, server.http().mint(key, "archived", null).status());
        assertEquals(200, server.http().mint(revoked, "kept", null).status());
        // Trusted for their whole lifetimes now that delivery is confirmed: only a notification removes them.
        assertEquals(200, server.http().mint(key, "archived", null).status());
        long archivedAt = System.nanoTime();
        server.cliOk("customer", "archive", "--tenant", tenant, "archived");
        server.revokeApiKey(tenant, revoked);
        Await.until(Await.PICKUP, "the archive arrives", () -> server.http().mint(key, "archived", null).status() == 404);
        Await.until(Await.PICKUP, "the revocation arrives", () -> server.http().mint(revoked, "kept", null).status() == 401);
        System.out.printf("PgBouncer %s: an archive took effect after %d ms%n", tenant,
                (System.nanoTime() - archivedAt) / 1_000_000);
        assertEquals("ok", listenerCheck(server), "delivered all along");
        assertNotEquals(0, Prometheus.present(server.http(), "portal_change_listener_status", "status=\"ok\""));
    }
}
