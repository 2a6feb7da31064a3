package dev.portaltoken.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tenant isolation in every direction: each key reaches its own tenant's live customers and nothing
 * else, and everything else (another tenant's customers by id or alias, archived ones, unknown ones)
 * is the same 404, byte for byte; a revoked key is the same 401 as an unknown one.
 */
class TenantIsolationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final ServerFixture fixture = ServerFixture.server(Map.of());
    private static TestServer server;
    private static Http http;
    private static Tenant a;
    private static Tenant b;
    private static String revokedKeyOfA;

    /** A tenant's id, key and customers: a live one with the alias both tenants use, one only it has, an archived one. */
    private record Tenant(String slug, String tenantId, String key, String shared, String own, String ownAlias,
                          String archived, String archivedAlias) {
        List<String> names() {
            return List.of(shared, "same", own, ownAlias, archived, archivedAlias);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = fixture.server();
        http = server.http();
        a = tenant("tenant-a");
        b = tenant("tenant-b");
        revokedKeyOfA = server.createApiKey("tenant-a");
        server.revokeApiKey("tenant-a", revokedKeyOfA);
    }

    private static Tenant tenant(String slug) throws Exception {
        server.createTenant(slug);
        String key = server.createApiKey(slug);
        String shared = server.createCustomer(slug, "same");
        String own = server.createCustomer(slug, slug + "-own");
        String archived = server.createCustomer(slug, slug + "-gone");
        server.cliOk("customer", "archive", "--tenant", slug, slug + "-gone");
        String tenantId = null;
        for (JsonNode t : JSON.readTree(server.cli("tenant", "list", "--json").out())) {
            if (t.get("slug").asText().equals(slug)) {
                tenantId = t.get("id").asText();
            }
        }
        return new Tenant(slug, tenantId, key, shared, own, slug + "-own", archived, slug + "-gone");
    }


    private static JWTClaimsSet mint(String key, String idOrAlias) throws Exception {
        Http.Reply reply = http.mint(key, idOrAlias, null);
        assertEquals(200, reply.status(), () -> idOrAlias + ": " + reply);
        return Tokens.verifyWithJwks(http, reply.json().get("token").asText());
    }

    @Test
    void eachKeyReachesItsOwnLiveCustomersWithItsOwnTenantId() throws Exception {
        assertNotEquals(a.tenantId(), b.tenantId());
        for (Tenant t : List.of(a, b)) {
            Map<String, String> expected = Map.of(t.shared(), t.shared(), "same", t.shared(), t.own(), t.own(),
                    t.ownAlias(), t.own());
            for (Map.Entry<String, String> e : expected.entrySet()) {
                JWTClaimsSet claims = mint(t.key(), e.getKey());
                assertEquals(e.getValue(), claims.getSubject(), t.slug() + " " + e.getKey());
                assertEquals(t.tenantId(), claims.getStringClaim("tenant_id"), t.slug() + " " + e.getKey());
                assertEquals(Map.of("Customer", CustomerIds.parse(e.getValue()).orElseThrow().toString()),
                        claims.getJSONObjectClaim("resource"));
            }
        }
    }

    @Test
    void everythingOutsideTheCallersLiveCustomersIsTheSame404() {
        for (Tenant caller : List.of(a, b)) {
            Tenant other = caller == a ? b : a;
            Http.Reply unknown = http.mint(caller.key(), CustomerIds.format(UUID.randomUUID()), null);
            assertEquals(404, unknown.status(), unknown::toString);
            List<String> refused = new ArrayList<>(List.of(other.shared(), other.own(), other.ownAlias(), other.archived(),
                    other.archivedAlias(), caller.archived(), caller.archivedAlias(), "no-such-alias"));
            for (String target : refused) {
                Http.Reply reply = http.mint(caller.key(), target, "{\"expires_in_seconds\": 120}");
                assertEquals(404, reply.status(), () -> caller.slug() + " on " + target + ": " + reply);
                assertEquals(unknown.body(), reply.body(), () -> caller.slug() + " on " + target + ": the 404 body differs");
                assertEquals(comparable(unknown), comparable(reply), () -> caller.slug() + " on " + target + ": headers differ");
            }
        }
    }

    @Test
    void aRevokedKeyIsTheSame401AsAnUnknownOneOnItsOwnTenantsCustomers() {
        String unknownKey = dev.portaltoken.auth.ApiKeyFormat.generate(UUID.randomUUID()).key();
        Http.Reply unknown = http.mint(unknownKey, a.own(), null);
        assertEquals(401, unknown.status(), unknown::toString);
        for (String target : a.names()) {
            Http.Reply reply = http.mint(revokedKeyOfA, target, null);
            assertEquals(401, reply.status(), () -> "revoked key on " + target + ": " + reply);
            assertEquals(unknown.body(), reply.body());
            assertEquals(comparable(unknown), comparable(reply));
            assertTrue(reply.header("WWW-Authenticate").startsWith("Bearer"));
        }
        for (String target : b.names()) {
            assertEquals(unknown.body(), http.mint(revokedKeyOfA, target, null).body(), "revoked key of A on B's " + target);
        }
    }

    /** The answer's headers, without the ones that differ per request (id, date). */
    private static Map<String, String> comparable(Http.Reply reply) {
        Map<String, String> headers = new TreeMap<>(reply.headers());
        headers.remove("x-request-id");
        headers.remove("date");
        return headers;
    }
}
