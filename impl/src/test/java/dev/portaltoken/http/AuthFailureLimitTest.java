package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portaltoken.ratelimit.ClientAddresses;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Failed-authentication limits throttle failing requests only, through real HTTP: behind one
 * address (a shared NAT, a proxy that is not trusted, right after a restart), one client's failures
 * never turn another's valid key into a 429; IPv6 clients count by their /64; and
 * {@code X-Forwarded-For} from a peer that is not a trusted proxy is pointed out once.
 */
class AuthFailureLimitTest {
    private static final String PATH_OF = "/api/v1/customers/%s/portal-token";

    private static String guess(String key) {
        return "pt_live_" + "G".repeat(43) + "/" + key.substring(key.indexOf('/') + 1);
    }

    private static Http.Reply post(Http http, String customer, String key, String forwardedFor) {
        return http.post(PATH_OF.formatted(customer), forwardedFor == null ? Map.of("Authorization", "Bearer " + key)
                : Map.of("Authorization", "Bearer " + key, "X-Forwarded-For", forwardedFor), null, null);
    }

    @Test
    void aValidKeyIsNeverRefusedForOtherCallersFailuresFromTheSameAddress() {
        // 2 a minute: a token comes back every 30 s, far longer than the few requests below take.
        try (TestServer server = TestServer.start(Map.of("PORTAL_AUTH_FAILURES_PER_MINUTE", "2"))) {
            Http http = server.http();
            server.createTenant("acme");
            String neverUsed = server.createApiKey("acme"); // as every key is right after a restart: not cached
            String customer = server.createCustomer("acme", null);
            String guess = guess(neverUsed);
            for (int i = 0; i < 2; i++) {
                assertEquals(401, http.mint(guess, customer, null).status());
            }
            Http.Reply limited = http.mint(guess, customer, null);
            assertEquals(429, limited.status(), limited::toString);
            assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1, limited::toString);

            Http.Reply valid = http.mint(neverUsed, customer, null);
            assertEquals(200, valid.status(), () -> "a valid key from the throttled address: " + valid);
            assertEquals(429, http.mint(guess, customer, null).status(), "failing requests stay throttled");
            assertEquals(429, http.mint(null, customer, null).status(), "a missing key is a failure too");
            assertEquals(429, http.mint("not-a-key", customer, null).status());
            assertEquals(200, http.mint(neverUsed, customer, null).status());
        }
    }

    @Test
    void ipv6ClientsAreCountedByTheirSlash64() {
        // 1 a minute: the allowance cannot come back while the test runs.
        try (TestServer server = TestServer.start(Map.of("PORTAL_AUTH_FAILURES_PER_MINUTE", "1",
                "PORTAL_TRUSTED_PROXIES", "127.0.0.1, ::1"))) {
            Http http = server.http();
            String guess = "pt_live_" + "G".repeat(43) + "/1";
            assertEquals(401, post(http, "x", guess, "2001:db8:1:2::1").status());
            assertEquals(429, post(http, "x", guess, "2001:db8:1:2:ffff::9").status(),
                    "another address of the same /64 shares its allowance");
            assertEquals(401, post(http, "x", guess, "2001:db8:1:3::1").status(), "the next /64 has its own");
            assertEquals(401, post(http, "x", guess, "203.0.113.5").status(), "IPv4 clients count by address");
            assertEquals(401, post(http, "x", guess, "203.0.113.6").status());
            assertEquals(429, post(http, "x", guess, "203.0.113.5").status());
        }
    }

    @Test
    void forwardedForFromAPeerThatIsNotATrustedProxyIsPointedOutOnce() {
        Logger logger = (Logger) LoggerFactory.getLogger(ClientAddresses.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try (TestServer server = TestServer.start(Map.of())) {
            Http http = server.http();
            String guess = "pt_live_" + "G".repeat(43) + "/1";
            assertEquals(401, post(http, "x", guess, null).status());
            assertTrue(captured.list.isEmpty(), "nothing to say without the header");
            for (int i = 0; i < 3; i++) {
                assertEquals(401, post(http, "x", guess, "198.51.100." + i).status());
            }
            List<ILoggingEvent> warnings = captured.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
            assertEquals(1, warnings.size(), () -> "one WARN, not one per request: " + captured.list);
            String message = warnings.get(0).getFormattedMessage();
            assertTrue(message.contains("X-Forwarded-For") && message.contains("127.0.0.1")
                    && message.contains("PORTAL_TRUSTED_PROXIES"), message);
        } finally {
            logger.detachAppender(captured);
        }
    }
}
