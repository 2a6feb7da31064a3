package dev.portaltoken.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.StoppablePostgres;
import dev.portaltoken.support.TestServer;
import java.util.Map;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * An external PostgreSQL that is down at start, and one lost while serving: readiness flips,
 * requests fail fast with the contract's JSON 500, and everything recovers by itself. The servers wait
 * {@link #CONNECTION_TIMEOUT_SECONDS} for a connection (production: 3 s); a request must fail within
 * {@link #FAST_MILLIS}, twice that and half a second, which a loaded machine meets and neither the
 * production timeout nor the 10 s socket timeout would.
 */
class DatabaseOutageTest {
    private static final int CONNECTION_TIMEOUT_SECONDS = 1;
    private static final long FAST_MILLIS = 2 * CONNECTION_TIMEOUT_SECONDS * 1000 + 500;

    private static void awaitStatus(int expected, IntSupplier status, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        int last;
        do {
            last = status.getAsInt();
            if (last == expected) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertEquals(expected, last, what);
    }

    @Test
    void downAtStartThenBack() throws Exception {
        try (StoppablePostgres postgres = new StoppablePostgres()) {
            try (TestServer server = TestServer.start(Map.of("DATABASE_URL", postgres.jdbcUrl(),
                    "DATABASE_USER", "postgres", "DATABASE_CONNECTION_TIMEOUT_SECONDS",
                    Integer.toString(CONNECTION_TIMEOUT_SECONDS)))) {
                Http http = server.http();
                assertEquals(200, http.get("/healthz").status(), "alive without its database");
                Http.Reply notReady = http.get("/readyz");
                assertEquals(503, notReady.status());
                assertEquals("failing", notReady.json().get("checks").get("database").asText());
                assertEquals("failing", notReady.json().get("checks").get("migrations").asText());
                long started = System.nanoTime();
                Http.Reply failed = http.mint("pt_live_" + "A".repeat(43) + "/1", "anyone", null);
                assertEquals(500, failed.status(), failed::toString);
                assertEquals("INTERNAL_SERVER_ERROR", failed.json().get("code").asText());
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(millis < FAST_MILLIS, "fails fast: in " + millis + " ms");

                postgres.start();
                awaitStatus(200, () -> http.get("/readyz").status(), "ready once the database is up");
                server.createTenant("acme");
                String key = server.createApiKey("acme");
                String customer = server.createCustomer("acme", null);
                assertEquals(200, http.mint(key, customer, null).status());
            }
        }
    }

    @Test
    void lostWhileServingThenBack() throws Exception {
        try (StoppablePostgres postgres = new StoppablePostgres().start();
             TestServer server = TestServer.start(Map.of("DATABASE_URL", postgres.jdbcUrl(),
                     "DATABASE_USER", "postgres", "PORTAL_API_KEY_CACHE_SECONDS", "0",
                     "DATABASE_CONNECTION_TIMEOUT_SECONDS", Integer.toString(CONNECTION_TIMEOUT_SECONDS)))) {
            Http http = server.http();
            server.createTenant("acme");
            String key = server.createApiKey("acme");
            String customer = server.createCustomer("acme", null);
            assertEquals(200, http.mint(key, customer, null).status());

            postgres.stop();
            awaitStatus(503, () -> http.get("/readyz").status(), "not ready while the database is away");
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                Http.Reply failed = http.mint(key, customer, null);
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(500, failed.status(), failed::toString);
                assertEquals("INTERNAL_SERVER_ERROR", failed.json().get("code").asText());
                String message = failed.json().get("message").asText().toLowerCase();
                assertFalse(message.contains("postgres") || message.contains("sql") || message.contains("connection"),
                        "nothing about the database in the message: " + message);
                assertTrue(millis < FAST_MILLIS, "failed in " + millis + " ms");
                System.out.printf("a request while the database is away failed in %d ms%n", millis);
            }

            postgres.start();
            awaitStatus(200, () -> http.get("/readyz").status(), "ready again");
            awaitStatus(200, () -> http.mint(key, customer, null).status(), "serving again");
        }
    }
}
