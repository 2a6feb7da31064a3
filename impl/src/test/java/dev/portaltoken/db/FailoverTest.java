package dev.portaltoken.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Await;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.DebianPostgres;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.PgBouncer;
import dev.portaltoken.support.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Failover and restarts under load: two instances serving, Debian's PostgreSQL 15 (or the PgBouncer
 * in front of it) stopped and started again on the same address. While an instance cannot check
 * what it must (the API key, the customer), it answers the contract's 500, never a success older
 * than the staleness bound, nor a 401 or 404 that would tell a client its key or customer is gone;
 * its readiness says so; and it recovers by itself within a bound. The figures are printed.
 */
class FailoverTest {
    /** What the docs promise: cached entries are trusted at most this long once the database is lost. */
    private static final Duration STALE_BOUND = ChangeListener.HEARTBEAT.plus(ChangeListener.HEARTBEAT_TIMEOUT);
    /** The recovery bound the docs state, generous for a loaded 2-core machine. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(15);
    /** How long a notification may take to reach an instance on a loaded machine. */
    private static final Duration NOTIFICATION_DELAY = Duration.ofMillis(500);
    /** Longer than the staleness bound, so that the test sees the instances answer from no cache. */
    private static final Duration OUTAGE = Duration.ofSeconds(12);

    /** One answer: when its request was sent and when it was answered. */
    private record Outcome(int instance, String customer, long sentNanos, long atNanos, int status, String failure) {
    }

    /** Clients minting through each instance, two threads each, every answer recorded. */
    private static final class Load implements AutoCloseable {
        private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final List<Future<?>> loops = new ArrayList<>();

        Load(List<TestServer> servers, String key, List<String> customers) {
            for (int i = 0; i < servers.size(); i++) {
                for (int t = 0; t < 2; t++) {
                    int instance = i;
                    Http http = new Http(servers.get(i).server().baseUri());
                    loops.add(threads.submit(() -> {
                        for (int n = 0; running.get(); n++) {
                            String customer = customers.get(n % customers.size());
                            long sent = System.nanoTime();
                            try {
                                Http.Reply reply = http.mint(key, customer, null);
                                outcomes.add(new Outcome(instance, customer, sent, System.nanoTime(), reply.status(),
                                        reply.status() == 200 ? null : reply.json().path("code").asText()));
                            } catch (Throwable e) {
                                outcomes.add(new Outcome(instance, customer, sent, System.nanoTime(), -1, e.toString()));
                            }
                            pause(5);
                        }
                    }));
                }
            }
        }

        List<Outcome> outcomes() {
            return List.copyOf(outcomes);
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(60, TimeUnit.SECONDS);
            }
            threads.shutdownNow();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> env(Map<String, String> database, String kek) {
        Map<String, String> env = new HashMap<>(database);
        env.put("PORTAL_CUSTOMER_CACHE_SECONDS", "600");
        env.put("PORTAL_KEY_ENCRYPTION_KEY", kek);
        return env;
    }

    private static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }

    /** When {@code check} first held after {@code from}, polled every 50 ms; fails after {@code bound}. */
    private static long firstTime(Duration bound, String what, Supplier<Boolean> check) {
        Await.until(bound.plusSeconds(15), what, check::get);
        return System.nanoTime();
    }

    private static boolean ready(TestServer server) {
        return server.http().get("/readyz").status() == 200;
    }

    @Test
    void theDatabaseRestartedUnderLoad() throws Exception {
        String kek = TestServer.newKeyEncryptionKey();
        try (DebianPostgres postgres = DebianPostgres.start();
             TestServer a = TestServer.start(env(postgres.env(postgres.jdbcUrl("")), kek));
             TestServer b = a.startAnother(env(Map.of(), kek))) {
            a.createTenant("acme");
            String key = a.createApiKey("acme");
            a.createCustomer("acme", "steady");
            List<TestServer> servers = List.of(a, b);
            for (TestServer server : servers) {
                Await.until(Await.PICKUP, "listening", () -> "ok".equals(PgBouncerTest.listenerCheck(server)));
            }
            long stopped;
            long started;
            List<Long> notReady = new ArrayList<>();
            List<Long> recovered = new ArrayList<>();
            try (Load load = new Load(servers, key, List.of("steady"))) {
                Await.until(Await.PICKUP, "the load runs", () -> load.outcomes().size() > 100);
                stopped = System.nanoTime();
                postgres.stop();
                for (TestServer server : servers) {
                    notReady.add(firstTime(RECOVERY_BOUND, "not ready without the database", () -> !ready(server)));
                }
                long outageEnds = stopped + OUTAGE.toNanos();
                while (System.nanoTime() < outageEnds) {
                    pause(100);
                }
                postgres.startAgain();
                started = System.nanoTime();
                for (int i = 0; i < servers.size(); i++) {
                    int instance = i;
                    recovered.add(firstTime(RECOVERY_BOUND, "instance " + i + " serves again", () -> load.outcomes()
                            .stream().anyMatch(o -> o.instance() == instance && o.status() == 200 && o.atNanos() > started)
                            && ready(servers.get(instance))));
                }
                pause(1_000);
                report("database restart", load.outcomes(), stopped, started, notReady, recovered);
            }
        }
    }

    @Test
    void thePoolerRestartedUnderLoadWithTheListenerDirect() throws Exception {
        String kek = TestServer.newKeyEncryptionKey();
        try (DebianPostgres postgres = DebianPostgres.start();
             PgBouncer bouncer = PgBouncer.start(postgres, PgBouncer.Mode.TRANSACTION)) {
            Map<String, String> database = new HashMap<>(bouncer.env(bouncer.jdbcUrl("")));
            database.put("DATABASE_LISTEN_URL", postgres.jdbcUrl(""));
            try (TestServer a = TestServer.start(env(database, kek));
                 TestServer b = TestServer.start(env(database, kek))) {
                a.createTenant("acme");
                String key = a.createApiKey("acme");
                a.createCustomer("acme", "steady");
                a.createCustomer("acme", "archived-meanwhile");
                List<TestServer> servers = List.of(a, b);
                for (TestServer server : servers) {
                    Await.until(Await.PICKUP, "listening", () -> "ok".equals(PgBouncerTest.listenerCheck(server)));
                }
                long stopped;
                long started;
                long archived;
                List<Long> notReady = new ArrayList<>();
                List<Long> recovered = new ArrayList<>();
                try (Load load = new Load(servers, key, List.of("steady", "archived-meanwhile"))) {
                    Await.until(Await.PICKUP, "the load runs", () -> load.outcomes().size() > 100);
                    stopped = System.nanoTime();
                    bouncer.stop();
                    for (TestServer server : servers) {
                        notReady.add(firstTime(RECOVERY_BOUND, "not ready without the pooler", () -> !ready(server)));
                    }
                    // Changed meanwhile straight on PostgreSQL: the instances hear it on their direct listeners.
                    Map<String, String> direct = new HashMap<>(a.env());
                    direct.putAll(postgres.env(postgres.jdbcUrl("")));
                    CliRun.Result archive = CliRun.run(direct, "customer", "archive", "--tenant", "acme",
                            "archived-meanwhile");
                    assertEquals(0, archive.exit(), archive::toString);
                    archived = System.nanoTime();
                    long outageEnds = stopped + OUTAGE.toNanos();
                    while (System.nanoTime() < outageEnds) {
                        pause(100);
                    }
                    bouncer.startAgain();
                    started = System.nanoTime();
                    for (int i = 0; i < servers.size(); i++) {
                        int instance = i;
                        recovered.add(firstTime(RECOVERY_BOUND, "instance " + i + " serves again", () -> load.outcomes()
                                .stream().anyMatch(o -> o.instance() == instance && o.status() == 200
                                        && o.atNanos() > started) && ready(servers.get(instance))));
                    }
                    pause(1_000);
                    List<Outcome> outcomes = load.outcomes();
                    // Sent after the archive had committed and its notification had a moment to arrive.
                    long noticed = archived + NOTIFICATION_DELAY.toNanos();
                    List<Outcome> staleArchived = outcomes.stream().filter(o -> o.customer().equals("archived-meanwhile")
                            && o.status() == 200 && o.sentNanos() > noticed).toList();
                    assertTrue(staleArchived.isEmpty(), () -> "tokens for a customer archived during the outage: "
                            + staleArchived.size() + ", from " + seconds(archived, staleArchived.get(0).atNanos())
                            + " s to " + seconds(archived, staleArchived.get(staleArchived.size() - 1).atNanos())
                            + " s after the archive, the pooler back " + seconds(archived, started) + " s after it");
                    assertTrue(outcomes.stream().anyMatch(o -> o.customer().equals("archived-meanwhile")
                            && o.status() == 404 && o.atNanos() > started), "the archive is seen once back");
                    report("pooler restart", outcomes.stream().filter(o -> o.customer().equals("steady")).toList(),
                            stopped, started, notReady, recovered);
                }
            }
        }
    }

    /**
     * Asserts the outage as the clients saw it on the steady customer, and prints its figures:
     * only 200 and 500; no 200 later than the staleness bound after the stop until the restart;
     * readiness and service back within the recovery bound.
     */
    private static void report(String what, List<Outcome> outcomes, long stopped, long started, List<Long> notReady,
                               List<Long> recovered) {
        List<Outcome> unexpected = outcomes.stream().filter(o -> o.status() != 200
                && !(o.status() == 500 && "INTERNAL_SERVER_ERROR".equals(o.failure()))).toList();
        assertTrue(unexpected.isEmpty(), () -> unexpected.size() + " answers other than 200 or the contract's 500,"
                + " the first: " + unexpected.get(0));
        long lastStale = outcomes.stream().filter(o -> o.status() == 200 && o.atNanos() > stopped && o.atNanos() < started)
                .mapToLong(Outcome::atNanos).max().orElse(stopped);
        long failures = outcomes.stream().filter(o -> o.status() == 500).count();
        assertTrue(failures > 0, "the outage was seen: requests failed");
        assertTrue(seconds(stopped, lastStale) <= STALE_BOUND.toSeconds(), () -> String.format(Locale.ROOT,
                "a success %.1f s after the stop, past the bound of %d s", seconds(stopped, lastStale),
                STALE_BOUND.toSeconds()));
        StringBuilder figures = new StringBuilder(String.format(Locale.ROOT,
                "%s: %d answers, %d of them 500; last 200 %.1f s after the stop (bound %d s);", what, outcomes.size(),
                failures, seconds(stopped, lastStale), STALE_BOUND.toSeconds()));
        for (int i = 0; i < recovered.size(); i++) {
            double back = seconds(started, recovered.get(i));
            figures.append(String.format(Locale.ROOT, " instance %d not ready %.1f s after the stop, serving %.1f s after"
                    + " the restart;", i, seconds(stopped, notReady.get(i)), back));
            assertTrue(back <= RECOVERY_BOUND.toSeconds(), figures::toString);
        }
        System.out.println(figures);
    }
}
