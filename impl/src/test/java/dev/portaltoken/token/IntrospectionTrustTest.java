package dev.portaltoken.token;

import dev.portaltoken.keys.SigningKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.TokenIds;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.RuntimeSecrets;
import dev.portaltoken.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Introspection and {@code token verify} trust only what this server signs as it signs now: its
 * published keys, the HS256 secret only while HS256 is the algorithm, its {@code iss} and
 * {@code aud}, and no lifetime longer than the longest it issues. An EdDSA instance and an HS256
 * instance share one database; tokens are forged with the shared secret and with the EdDSA
 * instance's own private key (opened with the key encryption key), so every refusal below is about
 * the claim or the algorithm, not the signature.
 */
class IntrospectionTrustTest {
    private static final String SECRET = "the-shared-secret-upstream-also-holds-0123";
    private static final String KEK = TestServer.newKeyEncryptionKey();
    private static final TokenIds IDS = new TokenIds(Clock.systemUTC());

    private static TestServer eddsa;
    private static TestServer hs256;
    private static String key;
    private static String customer;
    private static UUID tenantId;
    private static JWK signingKey;

    @BeforeAll
    static void start() throws Exception {
        eddsa = TestServer.start(Map.of("PORTAL_TOKEN_ALG", "EdDSA", "PORTAL_JWT_SECRET", SECRET,
                "PORTAL_KEY_ENCRYPTION_KEY", KEK));
        hs256 = eddsa.startAnother(Map.of("PORTAL_TOKEN_ALG", "HS256", "PORTAL_JWT_SECRET", SECRET,
                "PORTAL_KEY_ENCRYPTION_KEY", KEK));
        eddsa.createTenant("acme");
        key = eddsa.createApiKey("acme");
        customer = eddsa.createCustomer("acme", "acme-1");
        try (Connection c = eddsa.sql(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM tenant WHERE slug = 'acme'")) {
            rs.next();
            tenantId = rs.getObject(1, UUID.class);
            List<JWK> keys = RuntimeSecrets.signingKeys(c, KEK);
            assertEquals(1, keys.size(), "the EdDSA instance's one key");
            signingKey = keys.get(0);
        }
    }

    @AfterAll
    static void stop() {
        hs256.close();
        eddsa.close();
    }

    /** The claims this server puts in a token it mints now, lasting an hour. */
    private static JWTClaimsSet.Builder ours(String audience) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer("portal-token-server").subject(customer)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)))
                .jwtID(IDS.next().toString()).claim("tenant_id", tenantId.toString())
                .claim("resource", Map.of("Customer", CustomerIds.parse(customer).orElseThrow().toString()))
                .claim("scope", "read manage");
        return audience == null ? claims : claims.audience(audience);
    }

    private static String signedWithTheEdDsaKey(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(JOSEObjectType.JWT)
                .keyID(signingKey.getKeyID()).build(), change.apply(ours("customer-portal")).build());
        jwt.sign(Signers.signer(signingKey, SignerProvider.BOUNCYCASTLE));
        return jwt.serialize();
    }

    private static String signedWithTheSecret(boolean withKid, UnaryOperator<JWTClaimsSet.Builder> change)
            throws Exception {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT);
        if (withKid) {
            header.keyID(SigningKey.hmacKeyId(SECRET.getBytes(StandardCharsets.UTF_8)));
        }
        SignedJWT jwt = new SignedJWT(header.build(), change.apply(ours(null)).build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static boolean active(TestServer server, String token) {
        Http.Reply reply = server.http().post("/api/v1/portal-tokens/introspect",
                Map.of("Authorization", "Bearer " + key), "{\"token\": \"" + token + "\"}", "application/json");
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("active").asBoolean();
    }

    private static UnaryOperator<JWTClaimsSet.Builder> lifetime(Duration lifetime) {
        return c -> c.expirationTime(Date.from(Instant.now().plus(lifetime).minusSeconds(1)))
                .issueTime(Date.from(Instant.now().minusSeconds(1)));
    }

    @Test
    void aTokenForgedWithTheSharedSecretIsInactiveWhereHs256IsNotWhatIsSigned() throws Exception {
        String forged = signedWithTheSecret(true, lifetime(Duration.ofDays(3650)));
        assertEquals(false, active(eddsa, forged), "a ten-year HS256 token on an EdDSA instance");
        assertEquals(false, active(eddsa, signedWithTheSecret(true, c -> c)), "any HS256 token there");
        assertEquals(false, active(eddsa, signedWithTheSecret(false, c -> c)), "with no kid either");
        assertEquals(true, active(hs256, signedWithTheSecret(true, c -> c)),
                "the HS256 instance accepts a well-formed one: what the EdDSA instance refused was the algorithm");
    }

    @Test
    void onTheHs256InstanceOnlyTokensShapedAsItIssuesThemAreActive() throws Exception {
        assertEquals(false, active(hs256, signedWithTheSecret(false, c -> c)), "no kid");
        assertEquals(false, active(hs256, signedWithTheSecret(true, c -> c.issuer("someone-else"))), "another iss");
        assertEquals(false, active(hs256, signedWithTheSecret(true, c -> c.audience("customer-portal"))),
                "an aud, which HS256 tokens carry none of unless one is configured");
        assertEquals(false, active(hs256, signedWithTheSecret(true, lifetime(Duration.ofDays(3650)))), "ten years");
        assertEquals(true, active(hs256, signedWithTheSecret(true, lifetime(Duration.ofDays(30)))),
                "thirty days, the longest lifetime, is fine");
    }

    @Test
    void aTokenSignedWithOurOwnKeyIsInactiveUnlessItsClaimsAreOurs() throws Exception {
        assertEquals(true, active(eddsa, signedWithTheEdDsaKey(c -> c)), "the control: as the server mints it");
        assertEquals(true, active(hs256, signedWithTheEdDsaKey(c -> c)),
                "published keys stay trusted on an HS256 instance, so tokens they signed keep verifying");
        assertEquals(false, active(eddsa, signedWithTheEdDsaKey(c -> c.issuer("someone-else"))), "another iss");
        assertEquals(false, active(eddsa, signedWithTheEdDsaKey(c -> c.audience("another-portal"))), "another aud");
        assertEquals(false, active(eddsa, signedWithTheEdDsaKey(c -> c.audience((String) null))), "no aud");
        assertEquals(false, active(eddsa, signedWithTheEdDsaKey(lifetime(Duration.ofDays(3650)))), "ten years");
        assertEquals(false, active(eddsa, signedWithTheEdDsaKey(c -> c.issueTime(null))), "no iat");
        assertEquals(true, active(eddsa, signedWithTheEdDsaKey(lifetime(Duration.ofDays(30)))), "thirty days");
    }

    @Test
    void tokenVerifyFollowsTheSameRules() throws Exception {
        Map<String, CliRun.Result> refused = Map.of(
                "this server signs EdDSA", eddsa.cliWithInput(signedWithTheSecret(true, c -> c), "token", "verify"),
                "a lifetime of", eddsa.cliWithInput(signedWithTheEdDsaKey(lifetime(Duration.ofDays(3650))),
                        "token", "verify"),
                "not issued by this server", eddsa.cliWithInput(signedWithTheEdDsaKey(c -> c.issuer("evil")),
                        "token", "verify"));
        refused.forEach((reason, result) -> {
            assertEquals(1, result.exit(), result::toString);
            assertTrue(result.err().contains(reason), () -> "expected '" + reason + "' in " + result);
        });
        CliRun.Result good = eddsa.cliWithInput(signedWithTheEdDsaKey(c -> c), "token", "verify");
        assertEquals(0, good.exit(), good::toString);
    }
}
