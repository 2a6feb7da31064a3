package dev.portaltoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.support.Await;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Instances whose clocks disagree: customer cut-offs follow the database's clock (and every token the
 * revoking instance issued), so "log out everywhere" on an instance whose clock is an hour behind
 * still ends what the others minted; and a clock stepped forward then corrected does not leave
 * tokens dated in the future.
 */
class CutOffClockTest {
    private static final String KEK = TestServer.newKeyEncryptionKey();
    private static final Duration NOTIFIED = Duration.ofSeconds(5);

    private static TestServer correct;
    private static TestServer behind;
    private static String key;

    @BeforeAll
    static void start() {
        correct = TestServer.start(Map.of("PORTAL_KEY_ENCRYPTION_KEY", KEK));
        behind = another(Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)));
        correct.createTenant("acme");
        key = correct.createApiKey("acme");
    }

    @AfterAll
    static void stop() {
        behind.close();
        correct.close();
    }

    private static TestServer another(Clock clock) {
        Map<String, String> env = new HashMap<>(correct.databaseEnv());
        env.put("PORTAL_KEY_ENCRYPTION_KEY", KEK);
        return TestServer.start(env, clock);
    }

    private static String mint(TestServer on, String customer, String body) {
        Http.Reply reply = on.http().mint(key, customer, body);
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("token").asText();
    }

    private static boolean active(String token) {
        Http.Reply reply = correct.http().post("/api/v1/portal-tokens/introspect", Map.of("Authorization", "Bearer " + key),
                "{\"token\": \"" + token + "\"}", "application/json");
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("active").asBoolean();
    }

    /**
     * The cut-off was written by {@code behind}; {@code correct} learns it from its notification, so it is
     * awaited for the notification's bound rather than read once (a read in the same millisecond can win).
     */
    private static void awaitRevokedOnCorrect(String token, String what) {
        Await.until(NOTIFIED, what, () -> !active(token));
    }

    @Test
    void logOutEverywhereOnAnInstanceWhoseClockIsBehindEndsTheOthersTokens() {
        String customer = correct.createCustomer("acme", "skewed-logout");
        String minted = mint(correct, customer, null);
        Http.Reply revoked = behind.http().post("/api/v1/customers/" + customer + "/portal-tokens/revoke",
                Map.of("Authorization", "Bearer " + key), null, null);
        assertEquals(200, revoked.status(), revoked::toString);
        Instant cutOff = Instant.parse(revoked.json().get("revoked_before").asText());
        assertTrue(Duration.between(cutOff, Instant.now()).abs().toMinutes() < 5,
                "the cut-off is the database's now, not an hour ago: " + cutOff);
        awaitRevokedOnCorrect(minted, "the correct instance's token is revoked");
    }

    @Test
    void invalidateExistingOnAnInstanceWhoseClockIsBehindKeepsOnlyTheNewToken() throws Exception {
        String customer = correct.createCustomer("acme", "skewed-invalidate");
        String earlier = mint(correct, customer, null);
        String fresh = mint(behind, customer, "{\"invalidate_existing\": true}");
        awaitRevokedOnCorrect(earlier, "what the correct instance minted before is revoked");
        assertEquals(true, active(fresh), "the new token, though minted an hour behind, is not");
        JWTClaimsSet claims = SignedJWT.parse(fresh).getJWTClaimsSet();
        assertTrue(Duration.between(claims.getIssueTime().toInstant(), Instant.now()).abs().toMinutes() < 5,
                "it carries a time at the cut-off, so iat is the database's now: " + claims.getIssueTime());
    }

    @Test
    void aClockSteppedForwardAndCorrectedDoesNotLeaveTokensDatedInTheFuture() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().plus(Duration.ofDays(7)));
        try (TestServer stepped = another(clock)) {
            String customer = correct.createCustomer("acme", "stepped");
            JWTClaimsSet ahead = SignedJWT.parse(mint(stepped, customer, null)).getJWTClaimsSet();
            assertTrue(ahead.getIssueTime().toInstant().isAfter(Instant.now().plus(Duration.ofDays(6))));
            clock.now = null; // corrected
            JWTClaimsSet after = SignedJWT.parse(mint(stepped, customer, null)).getJWTClaimsSet();
            assertTrue(Duration.between(after.getIssueTime().toInstant(), Instant.now()).abs().toMinutes() < 5,
                    "iat follows the corrected clock: " + after.getIssueTime());
            assertTrue(after.getExpirationTime().toInstant().isBefore(Instant.now().plus(Duration.ofDays(2))),
                    "and so does exp: " + after.getExpirationTime());
        }
    }

    /** The system clock, or a fixed instant while {@code now} is set. */
    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            Instant fixed = now;
            return fixed != null ? fixed : Instant.now();
        }
    }
}
