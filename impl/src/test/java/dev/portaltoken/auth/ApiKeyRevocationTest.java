package dev.portaltoken.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Await;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.Sql;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A revoked key stops working on a running server: at once when the revocation is announced (the
 * CLI's, through the table's notification trigger), and within the verified-key cache's lifetime
 * when the announcement is missed. No assertion depends on how fast the machine is.
 */
class ApiKeyRevocationTest {
    private static final int CACHE_SECONDS = 3;

    @RegisterExtension
    static final ServerFixture announced = ServerFixture.acme(Map.of("PORTAL_API_KEY_CACHE_SECONDS", "30"), null);
    @RegisterExtension
    static final ServerFixture missed = ServerFixture.acme(
            Map.of("PORTAL_API_KEY_CACHE_SECONDS", Integer.toString(CACHE_SECONDS)), null);

    @Test
    void aRevocationReachesARunningServerAtOnceThroughNotifications() {
        String key = announced.server().createApiKey("acme");
        assertEquals(200, announced.http().mint(key, announced.customer(), null).status(), "verified and now cached for 30 s");
        announced.server().revokeApiKey("acme", key);
        Await.until(Duration.ofSeconds(10), "the revoked key is refused, long before the 30 s cache lifetime",
                () -> announced.http().mint(key, announced.customer(), null).status() == 401);
    }

    /** Revokes {@code key} with SQL that fires no trigger, so no notification is sent. */
    private static void revokeSilently(ServerFixture fixture, String key) throws Exception {
        String id = ApiKeyFormat.parse(key).orElseThrow().id().toString();
        Sql.execute(fixture.server()::sql, "SET LOCAL session_replication_role = replica",
                "UPDATE api_key SET revoked_at = now() WHERE id = '" + id + "'");
        assertEquals(1, Sql.count(fixture.server()::sql, "SELECT count(*) FROM api_key WHERE revoked_at IS NOT NULL"
                + " AND id = '" + id + "'"), "revoked in the database");
    }

    private static int mint(ServerFixture fixture, String key) {
        return fixture.http().mint(key, fixture.customer(), null).status();
    }

    /**
     * A key revoked without a notification keeps working while its verification is cached: on the
     * server that caches for 30 s, even after a revocation announced later has been applied there
     * (notifications arrive in commit order), which shows that none was sent for it.
     */
    @Test
    void aRevocationThatWasNotAnnouncedLeavesTheCachedVerificationStanding() throws Exception {
        String key = announced.server().createApiKey("acme");
        String sentinel = announced.server().createApiKey("acme");
        long verifiedAt = System.nanoTime();
        assertEquals(200, mint(announced, key), "verified and now cached for 30 s");
        assertEquals(200, mint(announced, sentinel));
        revokeSilently(announced, key);
        announced.server().revokeApiKey("acme", sentinel);
        Await.until(Duration.ofSeconds(10), "the announced revocation is applied", () -> mint(announced, sentinel) == 401);
        assertTrue((System.nanoTime() - verifiedAt) / 1e9 < 29, "the check came within the cache lifetime");
        assertEquals(200, mint(announced, key), "no notification was sent: the cached verification still stands");
    }

    /** Without a notification, only the cache lifetime ends a revoked key's use. */
    @Test
    void aMissedRevocationTakesEffectWhenTheCacheLifetimeEnds() throws Exception {
        String key = missed.server().createApiKey("acme");
        assertEquals(200, mint(missed, key), "verified and now cached");
        revokeSilently(missed, key);
        Await.until(Duration.ofSeconds(CACHE_SECONDS + 5), "the key is refused once its cached verification expired",
                () -> mint(missed, key) == 401);
    }
}
