package dev.portaltoken.token;

import dev.portaltoken.keys.SigningKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code token verify} against the keys of a running EdDSA server. PORTAL_JWT_SECRET is set too, which
 * beside EdDSA verifies nothing; with PORTAL_TOKEN_ALG=HS256 (as an HS256 server runs), HS256 tokens
 * the test signs itself with that secret are checked (expired, wrong audience, ...).
 */
class TokenVerifyCliTest {
    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final ServerFixture fixture = ServerFixture.server(Map.of("PORTAL_TOKEN_ALG", "EdDSA", "PORTAL_JWT_SECRET", SECRET)).tenant("acme");
    private static TestServer server;
    private static String token;
    private static String customer;
    private static String tenantId;
    /** The server's settings, but signing HS256 with the secret: where HS256 tokens verify. */
    private static Map<String, String> hs256Env;

    @BeforeAll
    static void start() throws Exception {
        server = fixture.server();
        hs256Env = new HashMap<>(server.env());
        hs256Env.put("PORTAL_TOKEN_ALG", "HS256");
        tenantId = JSON.readTree(server.cli("tenant", "list", "--json").out()).get(0).get("id").asText();
        String apiKey = server.createApiKey("acme");
        customer = server.createCustomer("acme", "verify-me");
        Http.Reply reply = server.http().mint(apiKey, customer, null);
        assertEquals(200, reply.status(), reply::toString);
        token = reply.json().get("token").asText();
    }


    private static void assertRejected(String candidate, String reason) {
        assertRejected(server.env(), candidate, reason);
    }

    private static void assertRejected(Map<String, String> env, String candidate, String reason) {
        CliRun.Result result = CliRun.run(env, "token", "verify", candidate);
        assertEquals(1, result.exit(), result::toString);
        assertEquals("", result.out(), result::toString);
        assertEquals("error: invalid token: " + reason, result.err().strip());
        String[] parts = candidate.split("\\.");
        for (String part : parts) {
            assertFalse(part.length() > 8 && result.err().contains(part), "the token is not echoed: " + result);
        }
    }

    private static JWTClaimsSet.Builder claims() {
        long now = System.currentTimeMillis();
        return new JWTClaimsSet.Builder().issuer("portal-token-server").audience("customer-portal").subject(customer)
                .issueTime(new Date(now)).expirationTime(new Date(now + 600_000)).claim("tenant_id", tenantId)
                .claim("resource", Map.of("Customer",
                        dev.portaltoken.ids.CustomerIds.parse(customer).orElseThrow().toString()));
    }

    /** The claims of an HS256 token as this server mints them: no aud unless PORTAL_TOKEN_AUDIENCE is set. */
    private static JWTClaimsSet.Builder hs256Claims() {
        return claims().audience((String) null);
    }

    private static String hs256(JWTClaimsSet claims, String secret, String kid) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static String ourHs256Kid() {
        return SigningKey.hmacKeyId(SECRET.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aValidTokenPrintsItsHeaderAndClaimsAsJson() throws Exception {
        CliRun.Result result = server.cli("token", "verify", token);
        assertEquals(0, result.exit(), result::toString);
        assertEquals("", result.err());
        JsonNode out = JSON.readTree(result.out());
        assertEquals(Set.of("header", "claims"), Set.copyOf(iterable(out.fieldNames())));
        assertEquals("EdDSA", out.get("header").get("alg").asText());
        assertEquals("JWT", out.get("header").get("typ").asText());
        assertEquals(Tokens.kid(token), out.get("header").get("kid").asText());
        assertEquals(customer, out.get("claims").get("sub").asText());
        assertEquals("customer-portal", out.get("claims").get("aud").asText());
        assertTrue(out.get("claims").get("exp").isNumber(), "exp in seconds");
        assertTrue(out.get("claims").has("tenant_id"));
        assertEquals("read manage", out.get("claims").get("scope").asText(), "the granted scopes");
    }

    private static java.util.List<String> iterable(java.util.Iterator<String> names) {
        java.util.List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void tamperedTokensHaveABadSignature() throws Exception {
        String[] parts = token.split("\\.");
        JsonNode claims = JSON.readTree(Base64URL.from(parts[1]).decodeToString());
        ((com.fasterxml.jackson.databind.node.ObjectNode) claims).put("sub", "cus_someoneElse");
        String otherPayload = Base64URL.encode(JSON.writeValueAsBytes(claims)).toString();
        assertRejected(parts[0] + "." + otherPayload + "." + parts[2], "bad signature");

        char[] signature = parts[2].toCharArray();
        signature[10] = signature[10] == 'A' ? 'B' : 'A';
        assertRejected(parts[0] + "." + parts[1] + "." + new String(signature), "bad signature");
        assertRejected(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 40), "bad signature");
    }

    @Test
    void algNoneIsRefused() {
        String[] parts = token.split("\\.");
        String none = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        assertRejected(none + "." + parts[1] + ".", "unsigned (alg none)");
        assertRejected(none + "." + parts[1] + "." + parts[2], "unsigned (alg none)");
    }

    @Test
    void aKidFromAnotherDeploymentIsUnknown() throws Exception {
        JWK foreign = Signers.generate(JWSAlgorithm.EdDSA);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(JOSEObjectType.JWT)
                .keyID(foreign.getKeyID()).build(), claims().build());
        jwt.sign(Signers.signer(foreign, SignerProvider.BOUNCYCASTLE));
        assertRejected(jwt.serialize(), "unknown kid '" + foreign.getKeyID() + "'");

        SignedJWT borrowed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(Tokens.kid(token)).build(),
                claims().build());
        borrowed.sign(Signers.signer(foreign, SignerProvider.BOUNCYCASTLE));
        assertRejected(borrowed.serialize(), "bad signature");

        SignedJWT noKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).build(), claims().build());
        noKid.sign(Signers.signer(foreign, SignerProvider.BOUNCYCASTLE));
        assertRejected(noKid.serialize(), "no kid in the header");

        assertRejected(hs256Env, hs256(claims().build(), SECRET, "hs256-fromElsewhere"), "unknown kid 'hs256-fromElsewhere'");
        assertRejected(hs256Env, hs256(claims().build(), SECRET, "<script>"), "unknown kid (not shown)");
    }

    @Test
    void anAlgorithmThatIsNotTheKeysIsRefused() throws Exception {
        JWK ec = Signers.generate(JWSAlgorithm.ES256);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(Tokens.kid(token)).build(),
                claims().build());
        jwt.sign(Signers.signer(ec, SignerProvider.BOUNCYCASTLE));
        assertRejected(jwt.serialize(), "key " + Tokens.kid(token) + " is an EdDSA key, the token says ES256");

        JWK rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        SignedJWT rs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims().build());
        rs256.sign(new RSASSASigner(rsa.toRSAKey()));
        assertRejected(rs256.serialize(), "unsupported algorithm 'RS256'");
    }

    @Test
    void hs256TokensVerifyWithTheSecretOnlyWhereHs256IsSignedAndTheirClaimsAreChecked() throws Exception {
        String good = hs256(hs256Claims().build(), SECRET, ourHs256Kid());
        CliRun.Result ok = CliRun.run(hs256Env, "token", "verify", good);
        assertEquals(0, ok.exit(), ok::toString);
        assertEquals("HS256", JSON.readTree(ok.out()).get("header").get("alg").asText());
        assertRejected(good, "an HS256 token, but this server signs EdDSA (it accepts HS256 tokens only while"
                + " PORTAL_TOKEN_ALG is HS256)");
        assertRejected(hs256Env, hs256(hs256Claims().build(), SECRET, null),
                "no kid in the header (this server's HS256 tokens name the secret's)");

        assertRejected(hs256Env, hs256(hs256Claims().build(), "another-secret-of-at-least-32-bytes!!", ourHs256Kid()),
                "bad signature");
        long past = System.currentTimeMillis() / 1000 * 1000 - 5_000;
        assertRejected(hs256Env, hs256(hs256Claims().expirationTime(new Date(past)).build(), SECRET, ourHs256Kid()),
                "expired at " + new Date(past).toInstant());
        assertRejected(hs256Env, hs256(hs256Claims().expirationTime(null).build(), SECRET, ourHs256Kid()),
                "no exp claim");
        for (String audience : new String[] {"customer-portal", "another-portal"}) {
            assertRejected(hs256Env, hs256(claims().audience(audience).build(), SECRET, ourHs256Kid()),
                    "an aud claim, but HS256 tokens carry none unless PORTAL_TOKEN_AUDIENCE is set (upstream's portal"
                            + " rejects any)");
        }

        Map<String, String> otherAudience = new HashMap<>(server.env());
        otherAudience.put("PORTAL_TOKEN_AUDIENCE", "billing");
        assertRejected(otherAudience, token, "wrong audience (expected 'billing')");
        otherAudience.put("PORTAL_TOKEN_ALG", "HS256");
        assertRejected(otherAudience, hs256(hs256Claims().build(), SECRET, ourHs256Kid()),
                "wrong audience (expected 'billing')");
        CliRun.Result billing = CliRun.run(otherAudience, "token", "verify",
                hs256(claims().audience("billing").build(), SECRET, ourHs256Kid()));
        assertEquals(0, billing.exit(), "a configured audience is expected of HS256 tokens too: " + billing);
        Map<String, String> noSecret = new HashMap<>(server.env());
        noSecret.remove("PORTAL_JWT_SECRET");
        noSecret.remove("PORTAL_TOKEN_ALG");
        assertRejected(noSecret, hs256(hs256Claims().build(), SECRET, ourHs256Kid()),
                "an HS256 token, but this server signs EdDSA (it accepts HS256 tokens only while PORTAL_TOKEN_ALG is HS256)");
    }

    @Test
    void malformedTokensAreRefused() throws Exception {
        assertRejected("hello", "not a JWT");
        assertRejected("a.b.c", "not a JWT");
        String jweHeader = Base64URL.encode("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}").toString();
        assertRejected(jweHeader + "..aXY.Y2lwaGVy.dGFn", "not a signed JWT");

        JWSObject notClaims = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(ourHs256Kid()).build(),
                new Payload("not json"));
        notClaims.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        assertRejected(hs256Env, notClaims.serialize(), "the payload is not a JSON object of claims");

        SignedJWT critical = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(ourHs256Kid())
                .criticalParams(Set.of("exp-ext")).customParam("exp-ext", 1).build(), claims().build());
        critical.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        assertRejected(hs256Env, critical.serialize(), "unsupported critical header parameters");
    }

    @Test
    void aMisusedCommandLineIsExit2() {
        CliRun.Result result = server.cli("token", "verify", token, "extra");
        assertEquals(2, result.exit(), result::toString);
        assertTrue(result.err().startsWith("error: Unmatched argument"), result::toString);
    }

    @Test
    void withoutTokenOrWithADashTheTokenIsReadFromStandardInput() throws Exception {
        for (String[] args : List.of(new String[] {"token", "verify"}, new String[] {"token", "verify", "-"})) {
            CliRun.Result result = CliRun.runWithInput(server.env(), token + "\n", args);
            assertEquals(0, result.exit(), result::toString);
            assertEquals(customer, JSON.readTree(result.out()).get("claims").get("sub").asText());
        }
        CliRun.Result rejected = CliRun.runWithInput(server.env(), token.substring(0, token.length() - 4) + "AAAA", "token", "verify");
        assertEquals(1, rejected.exit(), rejected::toString);
        assertTrue(rejected.err().startsWith("error: invalid token: "), rejected::toString);

        CliRun.Result empty = CliRun.runWithInput(server.env(), " \n", "token", "verify");
        assertEquals(1, empty.exit(), empty::toString);
        assertEquals("error: no token: give TOKEN, or pipe it on standard input", empty.err().strip());
        CliRun.Result huge = CliRun.runWithInput(server.env(), "x".repeat(70_000), "token", "verify", "-");
        assertEquals(1, huge.exit(), huge::toString);
        assertEquals("error: standard input holds more than 65536 bytes: not a token", huge.err().strip());
    }
}
