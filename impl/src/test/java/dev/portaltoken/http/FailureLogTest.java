package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.StoppablePostgres;
import dev.portaltoken.support.TestServer;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A database that fails every request does not flood the log: each failure is one line with its
 * correlation id (the one the caller was told) and its cause, and the stack trace of a cause is
 * logged once a minute at most.
 */
class FailureLogTest {
    private static final Pattern CORRELATION = Pattern.compile("correlation id ([0-9a-f-]{36})");

    @Test
    void aFailingDatabaseIsOneLinePerRequestAndAStackTracePerCauseAtMostOnceAMinute() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ErrorMapper.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try (StoppablePostgres postgres = new StoppablePostgres().start();
             TestServer server = TestServer.start(Map.of("DATABASE_URL", postgres.jdbcUrl(),
                     "DATABASE_USER", "postgres", "PORTAL_API_KEY_CACHE_SECONDS", "0",
                     "DATABASE_CONNECTION_TIMEOUT_SECONDS", "1"))) {
            server.createTenant("acme");
            String key = server.createApiKey("acme");
            String customer = server.createCustomer("acme", null);
            assertEquals(200, server.http().mint(key, customer, null).status());
            postgres.stop();
            for (int i = 0; i < 3; i++) {
                assertEquals(500, server.http().mint(key, customer, null).status(), "the first failures");
            }
            assertTrue(captured.list.stream().anyMatch(e -> e.getThrowableProxy() != null),
                    "the first failure of a cause comes with its stack trace");
            captured.list.clear();

            int requests = 20; // at once: each waits out the pool's connection timeout (1 s here)
            List<String> told = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(requests);
            try {
                List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    sent.add(clients.submit(() -> {
                        Http.Reply failed = server.http().mint(key, customer, null);
                        assertEquals(500, failed.status(), failed::toString);
                        Matcher m = CORRELATION.matcher(failed.json().get("message").asText());
                        assertTrue(m.find(), failed::toString);
                        told.add(m.group(1));
                    }));
                }
                for (java.util.concurrent.Future<?> request : sent) {
                    request.get();
                }
            } finally {
                clients.shutdownNow();
            }

            List<ILoggingEvent> failures = captured.list.stream()
                    .filter(e -> e.getFormattedMessage().startsWith("unexpected failure")).toList();
            assertEquals(requests, failures.size(), "one line per failed request");
            java.util.Set<String> logged = new java.util.HashSet<>();
            for (ILoggingEvent failure : failures) {
                String line = failure.getFormattedMessage();
                assertTrue(!line.contains("\n"), "one line: " + line);
                Matcher m = CORRELATION.matcher(line);
                assertTrue(m.find(), line);
                logged.add(m.group(1));
            }
            assertEquals(java.util.Set.copyOf(told), logged, "each line names the correlation id its caller was told");
            long withStackTraces = failures.stream().filter(e -> e.getThrowableProxy() != null).count();
            assertEquals(0, withStackTraces, "no stack trace again within the minute for the causes already shown");
        } finally {
            logger.detachAppender(captured);
        }
    }
}
