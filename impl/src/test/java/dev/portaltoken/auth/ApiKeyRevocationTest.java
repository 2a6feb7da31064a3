package dev.portaltoken.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * when the announcement is missed.
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

    /**
     * The key is revoked with SQL that fires no trigger, so no notification is sent: only the cache
     * lifetime ends its use. While the cache still holds it the key keeps working, which shows that
     * nothing was announced.
     */
    @Test
    void aMissedRevocationTakesEffectWhenTheCacheLifetimeEnds() throws Exception {
        String key = missed.server().createApiKey("acme");
        long verifiedAt = System.nanoTime();
        assertEquals(200, missed.http().mint(key, missed.customer(), null).status(), "verified and now cached");
        Sql.execute(missed.server()::sql, "SET LOCAL session_replication_role = replica",
                "UPDATE api_key SET revoked_at = now() WHERE id = '" + ApiKeyFormat.parse(key).orElseThrow().id() + "'");
        assertEquals(1, Sql.count(missed.server()::sql, "SELECT count(*) FROM api_key WHERE revoked_at IS NOT NULL"
                + " AND id = '" + ApiKeyFormat.parse(key).orElseThrow().id() + "'"), "revoked in the database");
        int stillCached = missed.http().mint(key, missed.customer(), null).status();
        if ((System.nanoTime() - verifiedAt) / 1e9 < CACHE_SECONDS - 1) {
            assertEquals(200, stillCached, "no notification was sent: the cached verification still stands");
        }
        Await.until(Duration.ofSeconds(CACHE_SECONDS + 5), "the key is refused once its cached verification expired",
                () -> missed.http().mint(key, missed.customer(), null).status() == 401);
    }
}
