package dev.portaltoken.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portaltoken.support.Await;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.Prometheus;
import dev.portaltoken.support.ServerFixture;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Found customers are remembered; an archive or alias change made by the CLI reaches a running
 * server's cache at once through PostgreSQL notifications, long before the cache lifetime. Lookups
 * are counted by the server's own metrics, {@code portal_customer_lookups_total{source}} and the
 * queries they made, {@code portal_customer_queries_total}, which are up to date when the answer is sent.
 */
class CustomerCacheTest {
    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of("PORTAL_CUSTOMER_CACHE_SECONDS", "3600"), "cached");

    private static double lookups(String source) {
        return Prometheus.present(acme.http(), "portal_customer_lookups_total", "source=\"" + source + "\"");
    }

    private static double queries() {
        return Prometheus.present(acme.http(), "portal_customer_queries_total");
    }

    private static int status(String idOrAlias) {
        return acme.http().mint(acme.key(), idOrAlias, null).status();
    }

    @Test
    void aFoundCustomerIsServedFromMemoryAndChangesReachTheCacheAtOnce() {
        Http http = acme.http();
        double database = lookups("database");
        double cache = lookups("cache");
        double queries = queries();
        assertEquals(200, status("cached"));
        assertEquals(database + 1, lookups("database"), "the first lookup reads the database");
        for (int i = 0; i < 20; i++) {
            assertEquals(200, status("cached"));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(404, status("missing-" + i));
        }
        assertEquals(cache + 20, lookups("cache"), "the 20 repeat hits came from memory");
        assertEquals(database + 21, lookups("database"), "each of the 20 misses read the database");
        assertEquals(200, status(acme.customer()), "by id: another cache entry");
        assertEquals(database + 22, lookups("database"));

        assertEquals(404, status("created-later"));
        acme.server().createCustomer("acme", "created-later");
        assertEquals(200, status("created-later"), "misses are not cached");
        assertEquals(database + 24, lookups("database"));
        assertEquals(queries + 24, queries(), "one lookup at a time: a query each");

        acme.server().cliOk("customer", "archive", "--tenant", "acme", "cached");
        Await.until(Await.PICKUP, "the archive reached the running server's cache, not after an hour",
                () -> status("cached") == 404);
        acme.server().cliOk("customer", "unarchive", "--tenant", "acme", "cached");
        acme.server().cliOk("customer", "update", "--tenant", "acme", "cached", "--alias", "renamed");
        Await.until(Await.PICKUP, "the old alias stops working once renamed", () -> status("cached") == 404);
        assertEquals(200, http.mint(acme.key(), "renamed", null).status());
    }
}
