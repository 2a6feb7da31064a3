package dev.portaltoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.MintedTokens;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.UpstreamPortal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With PORTAL_JWT_SECRET, tokens are HS256 for portals that verify with a shared secret, upstream's
 * own among them: every token minted here also passes {@code support.UpstreamPortal} (through
 * {@code support.MintedTokens}), and one is checked against it explicitly.
 */
class HmacTokenTest {
    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    @RegisterExtension
    static final ServerFixture fixture = ServerFixture.server(Map.of("PORTAL_JWT_SECRET", SECRET)).tenant("acme");
    /** Not ASCII, so an HMAC over anything but the secret's raw UTF-8 bytes would not verify. */
    private static final String UNICODE_SECRET = "a-shared-sécret-of-at-least-32-bytes-ü";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = fixture.server();
    }


    @Test
    void tokensAreWhatUpstreamsPortalAccepts() throws Exception {
        String key = server.createApiKey("acme");
        String customer = server.createCustomer("acme", "upstream");
        long acceptedBefore = MintedTokens.hs256Accepted();
        Http.Reply reply = server.http().mint(key, "upstream", "{\"expires_in_seconds\": null, \"scopes\": [\"read\"]}");
        assertEquals(200, reply.status(), reply::toString);
        assertEquals(acceptedBefore + 1, MintedTokens.hs256Accepted(), "the suite's hook checked it");
        String token = reply.json().get("token").asText();

        String[] parts = token.split("\\.");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertEquals(Set.of("alg", "typ", "kid"), fieldNames(header));
        assertEquals("HS256", header.get("alg").asText());
        assertEquals("JWT", header.get("typ").asText());
        assertTrue(header.get("kid").isTextual());
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertFalse(claims.has("aud"), "no aud: upstream's portal rejects any");
        assertTrue(claims.get("iat").isIntegralNumber() && claims.get("exp").isIntegralNumber(), "integer seconds");
        assertEquals("read", claims.get("scope").asText());

        UpstreamPortal.Claims accepted = UpstreamPortal.accept(token, SECRET, Instant.now().getEpochSecond());
        assertEquals(CustomerIds.parse(customer).orElseThrow(), accepted.customerId());
        assertEquals(UUID.fromString(claims.get("tenant_id").asText()), accepted.tenantId());
        assertEquals(claims.get("exp").asLong(), accepted.expiresAt().orElseThrow());

        CliRun.Result verified = server.cli("token", "verify", token);
        assertEquals(0, verified.exit(), verified::toString);
        assertFalse(JSON.readTree(verified.out()).get("claims").has("aud"));
        assertEquals("read", JSON.readTree(verified.out()).at("/claims/scope").asText());
    }

    @Test
    void theHmacKeyIsTheSecretsRawUtf8Bytes() throws Exception {
        try (TestServer unicode = server.startAnother(Map.of("PORTAL_JWT_SECRET", UNICODE_SECRET))) {
            String key = server.createApiKey("acme");
            server.createCustomer("acme", "unicode");
            Http.Reply reply = unicode.http().mint(key, "unicode", null);
            assertEquals(200, reply.status(), reply::toString);
            String token = reply.json().get("token").asText();
            UpstreamPortal.accept(token, UNICODE_SECRET, Instant.now().getEpochSecond());
            assertThrows(UpstreamPortal.Rejected.class, () -> UpstreamPortal.accept(token,
                    new String(UNICODE_SECRET.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
                    Instant.now().getEpochSecond()), "not the bytes of another encoding");
            assertTrue(SignedJWT.parse(token).verify(new MACVerifier(UNICODE_SECRET.getBytes(StandardCharsets.UTF_8))));
        }
    }

    /** An audience set explicitly is put in HS256 tokens too; upstream's portal then refuses them for it alone. */
    @Test
    void anExplicitAudienceIsPutInAndExpected() throws Exception {
        try (TestServer withAudience = server.startAnother(Map.of("PORTAL_JWT_SECRET", SECRET,
                "PORTAL_TOKEN_AUDIENCE", "billing-portal"))) {
            String key = server.createApiKey("acme");
            server.createCustomer("acme", "audience");
            Http.Reply reply = withAudience.http().mint(key, "audience", null);
            assertEquals(200, reply.status(), reply::toString);
            String token = reply.json().get("token").asText();
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            assertEquals("billing-portal", claims.get("aud").asText());
            UpstreamPortal.Rejected rejected = assertThrows(UpstreamPortal.Rejected.class,
                    () -> UpstreamPortal.accept(token, SECRET, Instant.now().getEpochSecond()));
            assertTrue(rejected.getMessage().contains("InvalidAudience"), rejected.getMessage());

            CliRun.Result verified = withAudience.cli("token", "verify", token);
            assertEquals(0, verified.exit(), verified::toString);
            CliRun.Result withoutAudience = server.cli("token", "verify", token);
            assertEquals(1, withoutAudience.exit(), withoutAudience::toString);
            assertEquals("error: invalid token: an aud claim, but HS256 tokens carry none unless PORTAL_TOKEN_AUDIENCE"
                    + " is set (upstream's portal rejects any)", withoutAudience.err().strip());
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void tokensAreHs256AndVerifyWithTheSecret() throws Exception {
        String key = server.createApiKey("acme");
        String customer = server.createCustomer("acme", "hs");
        Http.Reply reply = server.http().mint(key, "hs", "{\"expires_in_seconds\": 90}");
        assertEquals(200, reply.status(), reply::toString);
        SignedJWT jwt = SignedJWT.parse(reply.json().get("token").asText());
        assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
        assertNotNull(jwt.getHeader().getKeyID());
        assertTrue(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8))));
        assertFalse(jwt.verify(new MACVerifier("another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8))));
        assertEquals(customer, jwt.getJWTClaimsSet().getSubject());
        assertEquals(90, (jwt.getJWTClaimsSet().getExpirationTime().getTime()
                - jwt.getJWTClaimsSet().getIssueTime().getTime()) / 1000);

        CliRun.Result verified = server.cli("token", "verify", jwt.serialize());
        assertEquals(0, verified.exit(), verified::toString);
        assertTrue(verified.out().contains("\"alg\" : \"HS256\""), verified::toString);
        Map<String, String> otherSecret = new HashMap<>(server.env());
        otherSecret.put("PORTAL_JWT_SECRET", "another-secret-of-at-least-32-bytes!!");
        CliRun.Result refused = CliRun.run(otherSecret, "token", "verify", jwt.serialize());
        assertEquals(1, refused.exit(), refused::toString);
        assertEquals("error: invalid token: unknown kid '" + jwt.getHeader().getKeyID() + "'", refused.err().strip(),
                "another deployment's secret has another kid");
    }

    @Test
    void theSharedSecretIsNeverPublishedNorAnyKeyCreated() throws Exception {
        Http.Reply jwks = server.http().get("/.well-known/jwks.json");
        assertEquals(200, jwks.status());
        assertEquals(0, jwks.json().get("keys").size());
        assertFalse(jwks.body().contains(SECRET));
        try (java.sql.Connection c = server.sql(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM signing_key")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "an HS256 server needs no stored key");
        }
    }
}
