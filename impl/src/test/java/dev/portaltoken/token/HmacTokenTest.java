package dev.portaltoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With PORTAL_JWT_SECRET, tokens are HS256 for portals that verify with a shared secret. */
class HmacTokenTest {
    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    @RegisterExtension
    static final ServerFixture fixture = ServerFixture.server(Map.of("PORTAL_JWT_SECRET", SECRET)).tenant("acme");
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = fixture.server();
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
