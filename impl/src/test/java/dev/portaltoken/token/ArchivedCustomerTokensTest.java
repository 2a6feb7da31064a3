package dev.portaltoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Await;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Archiving a customer ends every token it holds, on every instance within a second, as a disabled
 * user's tokens end in Keycloak; unarchiving does not revive them; and "log out everywhere" still
 * finds an archived customer. Two instances share one database, with the customer cache on (as in
 * production) so that the change has to travel by notification.
 */
class ArchivedCustomerTokensTest {
    private static final Duration PROPAGATION = Duration.ofSeconds(5);

    private static TestServer a;
    private static TestServer b;
    private static String key;

    @BeforeAll
    static void start() {
        Map<String, String> env = Map.of("PORTAL_CUSTOMER_CACHE_SECONDS", "600",
                "PORTAL_KEY_ENCRYPTION_KEY", TestServer.newKeyEncryptionKey());
        a = TestServer.start(env);
        b = a.startAnother(env);
        a.createTenant("acme");
        key = a.createApiKey("acme");
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    private static String mint(TestServer server, String customer) {
        Http.Reply reply = server.http().mint(key, customer, null);
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("token").asText();
    }

    private static boolean active(TestServer server, String token) {
        Http.Reply reply = server.http().post("/api/v1/portal-tokens/introspect",
                Map.of("Authorization", "Bearer " + key), "{\"token\": \"" + token + "\"}", "application/json");
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("active").asBoolean();
    }

    @Test
    void archivingEndsTheCustomersTokensEverywhereAndUnarchivingDoesNotReviveThem() {
        String customer = a.createCustomer("acme", "leaving");
        String token = mint(a, customer);
        assertTrue(active(a, token) && active(b, token), "active, and cached as such on both instances");

        a.cliOk("customer", "archive", "--tenant", "acme", "leaving");
        Await.until(PROPAGATION, "both instances see the archive",
                () -> !active(a, token) && !active(b, token));
        assertEquals(404, b.http().mint(key, customer, null).status(), "and mint nothing for it");

        a.cliOk("customer", "unarchive", "--tenant", "acme", "leaving");
        Await.until(PROPAGATION, "both instances mint for it again", () -> b.http().mint(key, customer, null).status() == 200
                && a.http().mint(key, customer, null).status() == 200);
        assertEquals(false, active(a, token), "the token it held before it was archived stays inactive");
        assertEquals(false, active(b, token));
        String fresh = mint(b, customer);
        assertTrue(active(a, fresh) && active(b, fresh), "a token minted after the unarchive is active");
    }

    @Test
    void logOutEverywhereFindsAnArchivedCustomer() {
        String customer = a.createCustomer("acme", "archived-then-revoked");
        String token = mint(a, customer);
        a.cliOk("customer", "archive", "--tenant", "acme", customer);
        for (String idOrAlias : new String[] {customer, "archived-then-revoked"}) {
            Http.Reply revoked = b.http().post("/api/v1/customers/" + idOrAlias + "/portal-tokens/revoke",
                    Map.of("Authorization", "Bearer " + key), null, null);
            assertEquals(200, revoked.status(), revoked::toString);
            assertTrue(revoked.json().has("revoked_before"));
        }
        a.cliOk("customer", "unarchive", "--tenant", "acme", customer);
        assertEquals(false, active(a, token));
        Http.Reply unknown = b.http().post("/api/v1/customers/no-such-customer/portal-tokens/revoke",
                Map.of("Authorization", "Bearer " + key), null, null);
        assertEquals(404, unknown.status(), "a customer that never existed is still not found");
        assertEquals("NOT_FOUND", unknown.json().get("code").asText());
    }
}
