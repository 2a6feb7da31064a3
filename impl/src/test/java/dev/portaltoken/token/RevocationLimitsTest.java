package dev.portaltoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.Prometheus;
import dev.portaltoken.support.Sql;
import dev.portaltoken.support.TestServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one tenant's key can make every instance hold is bounded: at most
 * {@code PORTAL_MAX_REVOKED_TOKENS_PER_TENANT} unexpired revoked token ids (here 3); beyond it a
 * revocation is refused with a pointer to the customer-wide revocation, which still works, and other
 * tenants are untouched. A new instance reads every revocation in pages and holds each in at most 32
 * bytes.
 */
class RevocationLimitsTest {
    private static TestServer server;
    private static String acmeKey;
    private static String globexKey;
    private static String acmeCustomer;
    private static String globexCustomer;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("PORTAL_MAX_REVOKED_TOKENS_PER_TENANT", "3",
                "PORTAL_KEY_ENCRYPTION_KEY", TestServer.newKeyEncryptionKey()));
        server.createTenant("acme");
        server.createTenant("globex");
        acmeKey = server.createApiKey("acme");
        globexKey = server.createApiKey("globex");
        acmeCustomer = server.createCustomer("acme", "acme-1");
        globexCustomer = server.createCustomer("globex", "globex-1");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String mint(String key, String customer) {
        Http.Reply reply = server.http().mint(key, customer, null);
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("token").asText();
    }

    private static Http.Reply revoke(String key, String token) {
        return server.http().post("/api/v1/portal-tokens/revoke", Map.of("Authorization", "Bearer " + key),
                "{\"token\": \"" + token + "\"}", "application/json");
    }

    private static boolean active(String key, String token) {
        Http.Reply reply = server.http().post("/api/v1/portal-tokens/introspect", Map.of("Authorization", "Bearer " + key),
                "{\"token\": \"" + token + "\"}", "application/json");
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("active").asBoolean();
    }

    private static long rows(String tenant) throws Exception {
        return Sql.count(server::sql, "SELECT count(*) FROM revoked_token r JOIN tenant t ON t.id = r.tenant_id"
                + " WHERE t.slug = '" + tenant + "'");
    }

    @Test
    void aTenantHoldsAtMostTheLimitAndIsPointedToTheCustomerWideRevocation() throws Exception {
        String[] revoked = new String[3];
        for (int i = 0; i < 3; i++) {
            revoked[i] = mint(acmeKey, acmeCustomer);
            assertEquals(200, revoke(acmeKey, revoked[i]).status());
            assertEquals(false, active(acmeKey, revoked[i]));
        }
        assertEquals(200, revoke(acmeKey, revoked[1]).status(), "revoking one already revoked changes nothing");

        String fourth = mint(acmeKey, acmeCustomer);
        Http.Reply refused = revoke(acmeKey, fourth);
        assertEquals(429, refused.status(), refused::toString);
        assertEquals("TOO_MANY_REQUESTS", refused.json().get("code").asText());
        assertTrue(refused.json().get("message").asText().contains("/api/v1/customers/{id_or_alias}/portal-tokens/revoke"),
                refused::toString);
        assertEquals(true, active(acmeKey, fourth), "a refused revocation changes nothing");
        assertEquals(3, rows("acme"));

        String globex = mint(globexKey, globexCustomer);
        assertEquals(200, revoke(globexKey, globex).status(), "another tenant has a limit of its own");
        assertEquals(false, active(globexKey, globex));

        Http.Reply everyToken = server.http().post("/api/v1/customers/" + acmeCustomer + "/portal-tokens/revoke",
                Map.of("Authorization", "Bearer " + acmeKey), null, null);
        assertEquals(200, everyToken.status(), everyToken::toString);
        assertEquals(false, active(acmeKey, fourth), "the customer-wide revocation ends it, at the cost of one row");
        assertEquals(3, rows("acme"));

        try (Connection c = server.sql(); Statement s = c.createStatement()) {
            s.execute("UPDATE revoked_token SET expires_at = now() - interval '1 second' WHERE tenant_id ="
                    + " (SELECT id FROM tenant WHERE slug = 'acme')");
        }
        String fifth = mint(acmeKey, acmeCustomer);
        assertEquals(200, revoke(acmeKey, fifth).status(), "expired revocations no longer count");
        assertEquals(false, active(acmeKey, fifth));
    }

    @Test
    void aNewInstanceReadsEveryRevocationInPagesAndHoldsEachInAtMost32Bytes() throws Exception {
        server.createTenant("initech"); // a tenant of its own: its rows are far over the limit of 3
        String initechKey = server.createApiKey("initech");
        String token = mint(initechKey, server.createCustomer("initech", "initech-1"));
        String jti = SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
        try (Connection c = server.sql(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE revoked_token DISABLE TRIGGER token_revoked");
            s.execute("INSERT INTO revoked_token (jti, tenant_id, expires_at) SELECT gen_random_uuid(),"
                    + " (SELECT id FROM tenant WHERE slug = 'initech'), now() + interval '1 hour'"
                    + " FROM generate_series(1, 25000)");
            s.execute("INSERT INTO revoked_token (jti, tenant_id, expires_at) VALUES ('" + jti + "',"
                    + " (SELECT id FROM tenant WHERE slug = 'initech'), now() + interval '1 hour')");
            s.execute("ALTER TABLE revoked_token ENABLE TRIGGER token_revoked");
        }
        long live = Sql.count(server::sql, "SELECT count(*) FROM revoked_token WHERE expires_at > now()");
        try (TestServer another = server.startAnother(Map.of("PORTAL_KEY_ENCRYPTION_KEY",
                server.env().get("PORTAL_KEY_ENCRYPTION_KEY")))) {
            Http http = another.managementHttp();
            double ids = Prometheus.present(http, "portal_revocations_token_ids");
            double bytes = Prometheus.present(http, "portal_revocations_bytes");
            assertEquals(live, (long) ids, "every live revocation, read at start");
            assertTrue(bytes / ids <= 32, bytes / ids + " bytes per revoked token id");
            Http.Reply reply = another.http().post("/api/v1/portal-tokens/introspect",
                    Map.of("Authorization", "Bearer " + initechKey), "{\"token\": \"" + token + "\"}", "application/json");
            assertEquals("{\"active\":false}", reply.body());
        }
    }
}
