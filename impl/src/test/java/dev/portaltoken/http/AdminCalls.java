package dev.portaltoken.http;

import static dev.portaltoken.http.CustomersApiTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.RuntimeSecrets;
import java.util.List;
import java.util.Map;

/** What the tests of the admin API's operator part share. */
final class AdminCalls {
    private AdminCalls() {
    }

    /** One call: method, path and body (null for none). */
    record Call(String method, String path, String body) {
    }

    /** The whole key a creation answered, noted for the log scan (LogScanIT) as the secret it is. */
    static String createdKey(Http.Reply created) {
        assertEquals(201, created.status(), created::toString);
        String key = created.json().get("key").asText();
        RuntimeSecrets.record("key secret made over HTTP", key.substring(key.indexOf('_', 3) + 1, key.indexOf('/')));
        return key;
    }

    /**
     * Each call is refused without a key (401), with an unknown admin key (401), with a tenant's API key
     * and with a portal key (403) where the operator part is served, and is not found with the admin
     * key where it is not ({@code unserved}).
     */
    static void onlyAnAdminKey(List<Call> calls, List<Http> served, Http unserved, String adminKey, String tenantKey,
                               String portalKey) {
        for (Call c : calls) {
            for (Http http : served) {
                assertEquals(401, http.send(c.method(), c.path(), Map.of()).status(), "no key: " + c);
                assertEquals(401, call(http, c.method(), c.path(), "pt_admin_nope/x", c.body()).status(), "no such key: " + c);
                assertEquals(403, call(http, c.method(), c.path(), tenantKey, c.body()).status(), "a tenant's key: " + c);
                assertEquals(403, call(http, c.method(), c.path(), portalKey, c.body()).status(), "a portal key: " + c);
            }
            assertEquals(404, call(unserved, c.method(), c.path(), adminKey, c.body()).status(), "not served here: " + c);
        }
    }
}
