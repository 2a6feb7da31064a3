package dev.portaltoken.token;

import static dev.portaltoken.support.Replies.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.support.Await;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Tokens;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A mixed fleet on one database: EdDSA and ES256 instances, each algorithm with every signer forced
 * (AWS-LC, BouncyCastle, the JDK). Every token verifies with the published key of its algorithm, on
 * every instance, whichever implementation signed it.
 */
class AlgorithmsTest {
    private static final String KEK = TestServer.newKeyEncryptionKey();
    private static final Map<String, TestServer> SERVERS = new java.util.LinkedHashMap<>();
    private static String apiKey;
    private static String customer;

    private static final String[] FLEET = {"EdDSA/aws-lc", "EdDSA/bouncycastle", "EdDSA/jdk", "ES256/aws-lc",
            "ES256/bouncycastle", "ES256/jdk"};

    @BeforeAll
    static void start() {
        TestServer first = null;
        for (String name : FLEET) {
            String[] parts = name.split("/");
            Map<String, String> env = Map.of("PORTAL_KEY_ENCRYPTION_KEY", KEK, "PORTAL_KEY_REFRESH_SECONDS", "1",
                    "PORTAL_TOKEN_ALG", parts[0], "PORTAL_SIGNER", parts[1]);
            TestServer server = first == null ? TestServer.start(env) : first.startAnother(env);
            first = first == null ? server : first;
            SERVERS.put(name, server);
        }
        first.createTenant("acme");
        apiKey = first.createApiKey("acme");
        customer = first.createCustomer("acme", "multi");
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestServer::close);
    }

    private static String mint(TestServer server) {
        Http.Reply reply = server.http().mint(apiKey, customer, null);
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("token").asText();
    }

    private static String activeKid(TestServer server, String alg) throws Exception {
        try (Connection c = server.sql();
             PreparedStatement ps = c.prepareStatement("SELECT kid FROM signing_key WHERE alg = ? AND state = 'active'")) {
            ps.setString(1, alg);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no active " + alg + " key");
                return rs.getString(1);
            }
        }
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"EdDSA, aws-lc", "EdDSA, bouncycastle", "EdDSA, jdk", "ES256, aws-lc", "ES256, bouncycastle",
            "ES256, jdk"})
    void eachAlgorithmsTokensVerifyWithThePublishedKey(String alg, String signer) throws Exception {
        TestServer server = SERVERS.get(alg + "/" + signer);
        assertTrue(server.http().get("/metrics").body().contains(
                "portal_signer_info{alg=\"" + alg + "\",signer=\"" + signer + "\"} 1"), "the forced signer signs");
        String token = mint(server);
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(JWSAlgorithm.parse(alg), jwt.getHeader().getAlgorithm());
        assertEquals(activeKid(server, alg), jwt.getHeader().getKeyID(), "signed by the active key of its algorithm");
        assertEquals(customer, Tokens.verifyWithJwks(server.http(), token).getSubject());
        CliRun.Result verify = server.cli("token", "verify", token);
        assertEquals(0, verify.exit(), verify::toString);
        String kid = jwt.getHeader().getKeyID();
        for (TestServer other : SERVERS.values()) {
            Await.until(Await.PICKUP, "every instance publishes " + kid,
                    () -> Tokens.jwks(other.http()).getKeyByKeyId(kid) != null);
            Tokens.verifyWithJwks(other.http(), token);
        }
    }

    @Test
    void theJwksPublishesBothAlgorithmsPublicMembersOnly() throws Exception {
        for (TestServer server : SERVERS.values()) {
            Await.until(Await.PICKUP, "the instance publishes keys of both algorithms",
                    () -> Tokens.jwks(server.http()).getKeys().stream().map(k -> k.getAlgorithm().getName())
                            .collect(java.util.stream.Collectors.toSet()).size() == 2);
            Http.Reply reply = server.http().get("/.well-known/jwks.json");
            assertEquals(200, reply.status());
            assertEquals("public, max-age=1", reply.header("Cache-Control"), "no longer than the refresh interval");
            Set<String> kinds = new HashSet<>();
            for (Iterator<JsonNode> keys = reply.json().get("keys").elements(); keys.hasNext(); ) {
                JsonNode key = keys.next();
                assertEquals("sig", key.get("use").asText());
                assertNotNull(key.get("kid"));
                if ("EC".equals(key.get("kty").asText())) {
                    assertEquals(Set.of("kty", "crv", "x", "y", "kid", "alg", "use"), fieldNames(key));
                    assertEquals("P-256", key.get("crv").asText());
                    assertEquals("ES256", key.get("alg").asText());
                } else {
                    assertEquals(Set.of("kty", "crv", "x", "kid", "alg", "use"), fieldNames(key));
                    assertEquals("Ed25519", key.get("crv").asText());
                    assertEquals("EdDSA", key.get("alg").asText());
                }
                kinds.add(key.get("alg").asText());
            }
            assertEquals(Set.of("EdDSA", "ES256"), kinds);
        }
    }

    @Test
    void everyImplementationOfAnAlgorithmSignsWithTheSameKey() {
        for (String alg : new String[] {"EdDSA", "ES256"}) {
            String kid = Tokens.kid(mint(SERVERS.get(alg + "/aws-lc")));
            assertEquals(kid, Tokens.kid(mint(SERVERS.get(alg + "/bouncycastle"))));
            assertEquals(kid, Tokens.kid(mint(SERVERS.get(alg + "/jdk"))));
        }
    }

    @Test
    void retiringOneAlgorithmsActiveKeyMakesItsInstancesCreateExactlyOneNewOne() throws Exception {
        TestServer es256 = SERVERS.get("ES256/bouncycastle");
        String before = mint(es256);
        String old = Tokens.kid(before);
        CliRun.Result retire = es256.cli("keys", "retire", old);
        assertEquals(0, retire.exit(), retire::toString);
        assertTrue(retire.out().startsWith("key " + old + " no longer signs and stays published until "), retire::toString);
        for (String name : new String[] {"ES256/aws-lc", "ES256/bouncycastle", "ES256/jdk"}) {
            Await.until(Await.PICKUP, name + " signs with a new ES256 key",
                    () -> !old.equals(Tokens.kid(mint(SERVERS.get(name)))));
        }
        String replacement = activeKid(es256, "ES256");
        assertNotEquals(old, replacement);
        for (String name : new String[] {"ES256/aws-lc", "ES256/bouncycastle", "ES256/jdk"}) {
            assertEquals(replacement, Tokens.kid(mint(SERVERS.get(name))), "one new key between the instances");
        }
        try (Connection c = es256.sql(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM signing_key WHERE alg = 'ES256' AND state = 'active'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(1, rs.getLong(1));
        }
        Tokens.verifyWithJwks(SERVERS.get("EdDSA/jdk").http(), before);
    }
}
