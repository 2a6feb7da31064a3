package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.StoppablePostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The request log is written in blocks at most 50 ms apart: a hard kill (SIGKILL, the OOM killer, a
 * power cut of the container) loses at most the lines of the last moments. The test drives the
 * packaged server right up to the kill and checks that every request answered more than
 * {@link #BOUND_MILLIS} before it has its line: five times the documented 50 ms, for a loaded
 * machine; a flush interval of a second or more fails it. The database is external, so the kill
 * leaves no embedded PostgreSQL behind.
 */
class RequestLogKillIT {
    private static final long BOUND_MILLIS = 250;

    @Test
    void aHardKillLosesOnlyTheLinesOfTheLastMoments() throws Exception {
        try (StoppablePostgres postgres = new StoppablePostgres().start()) {
            Map<String, String> env = Map.of("DATABASE_URL", postgres.jdbcUrl(), "DATABASE_USER", "postgres",
                    "PORTAL_KEY_ENCRYPTION_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
            try (JarProcess.Server server = JarProcess.Server.start(env, "--port", "0")) {
                Http http = new Http(server.baseUri());
                record Answered(String id, long atNanos) {
                }
                List<Answered> answered = new ArrayList<>();
                // At least 2 s and 100 requests: on a loaded machine the first requests alone can take 2 s.
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                long atMost = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                for (int i = 0; (System.nanoTime() < until || answered.size() < 100) && System.nanoTime() < atMost; i++) {
                    String id = "kill-test-" + i;
                    Http.Reply reply = http.send("GET", "/healthz", Map.of("X-Request-Id", id));
                    assertEquals(200, reply.status());
                    answered.add(new Answered(id, System.nanoTime()));
                }
                long killedAt = System.nanoTime();
                server.process().destroyForcibly(); // SIGKILL: no shutdown hook, no final flush
                assertTrue(server.process().waitFor(30, TimeUnit.SECONDS));
                Thread.sleep(500); // the reader thread drains what the pipe still holds
                String log = server.output();

                List<String> missing = new ArrayList<>();
                int lostAtTheEnd = 0;
                for (Answered a : answered) {
                    boolean logged = log.contains("request_id=" + a.id() + "\n") || log.contains("\"" + a.id() + "\"");
                    if (!logged && killedAt - a.atNanos() > TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS)) {
                        missing.add(a.id());
                    } else if (!logged) {
                        lostAtTheEnd++;
                    }
                }
                System.out.printf("%d requests, %d lines lost to the kill, all answered in its last %d ms%n",
                        answered.size(), lostAtTheEnd, BOUND_MILLIS);
                assertTrue(answered.size() > 50, "enough requests to tell: " + answered.size());
                assertEquals(List.of(), missing, "lines of requests answered more than " + BOUND_MILLIS
                        + " ms before the kill");
            }
        }
    }
}
