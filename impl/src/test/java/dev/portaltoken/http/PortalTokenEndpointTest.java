package dev.portaltoken.http;

import static dev.portaltoken.support.Replies.assertError;
import static dev.portaltoken.support.Replies.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Tokens;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract's endpoint through real HTTP against the started server and a real PostgreSQL. */
class PortalTokenEndpointTest {
    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of(), "shared-alias");
    private static TestServer server;
    private static Http http;
    private static String acmeKey;
    private static String globexKey;
    private static String acmeCustomer;
    private static String globexCustomer;

    @BeforeAll
    static void start() {
        server = acme.server();
        http = acme.http();
        acmeKey = acme.key();
        acmeCustomer = acme.customer();
        server.createTenant("globex", "--portal-url", "https://billing.globex.example");
        globexKey = server.createApiKey("globex");
        globexCustomer = server.createCustomer("globex", "shared-alias");
    }

    private static JWTClaimsSet okClaims(Http.Reply reply) throws Exception {
        assertEquals(200, reply.status(), reply::toString);
        assertEquals("no-store", reply.header("Cache-Control"));
        assertTrue(reply.header("Content-Type").startsWith("application/json"), reply.header("Content-Type"));
        return Tokens.verifyWithJwks(http, reply.json().get("token").asText());
    }

    private static long lifetime(JWTClaimsSet claims) {
        return Tokens.lifetimeSeconds(claims);
    }

    @Test
    void aPostWithNoBodyAndNoContentTypeAtAllGetsTheDefaultLifetime() throws Exception {
        String raw = http.raw("POST /api/v1/customers/" + acmeCustomer + "/portal-token HTTP/1.1\r\n"
                + "Host: localhost\r\nAuthorization: Bearer " + acmeKey + "\r\nConnection: close\r\n\r\n");
        assertTrue(raw.startsWith("HTTP/1.1 200"), raw.lines().findFirst().orElse(""));
        String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
        String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("token").asText();
        assertEquals(86_400, lifetime(Tokens.verifyWithJwks(http, token)));
    }

    @Test
    void anHttp2UpgradeRequestIsServedAsHttp11() throws Exception {
        String body = "{\"expires_in_seconds\": 300}";
        String raw = http.raw("POST /api/v1/customers/" + acmeCustomer + "/portal-token HTTP/1.1\r\n"
                + "Host: localhost\r\nAuthorization: Bearer " + acmeKey + "\r\n"
                + "Connection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        assertTrue(raw.startsWith("HTTP/1.1 200"), raw.lines().findFirst().orElse(""));
        String json = raw.substring(raw.indexOf("\r\n\r\n") + 4);
        String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("token").asText();
        assertEquals(300, lifetime(Tokens.verifyWithJwks(http, token)));
    }

    @ParameterizedTest(name = "body [{0}] means the default lifetime")
    @ValueSource(strings = {"<none>", "", "   ", "null", "{}", "{\"expires_in_seconds\": null}", "{\"unknown\": [1, 2]}"})
    void defaultLifetimeBodies(String body) throws Exception {
        Http.Reply reply = http.mint(acmeKey, acmeCustomer, body.equals("<none>") ? null : body);
        assertEquals(86_400, lifetime(okClaims(reply)));
    }

    @ParameterizedTest(name = "expires_in_seconds {0} is accepted")
    @ValueSource(strings = {"60", "2592000", "3600", "3600.0", "3.6e3"})
    void lifetimesInRange(String value) throws Exception {
        Http.Reply reply = http.mint(acmeKey, acmeCustomer, "{\"expires_in_seconds\": " + value + "}");
        assertEquals(new java.math.BigDecimal(value).intValueExact(), lifetime(okClaims(reply)));
    }

    @ParameterizedTest(name = "expires_in_seconds {0} is refused")
    @CsvSource(delimiter = '|', value = {
            "59|must be between 60 and 2592000",
            "2592001|must be between 60 and 2592000",
            "0|must be between 60 and 2592000",
            "-60|must be between 60 and 2592000",
            "2147483648|must be between 60 and 2592000",
            "-2147483649|must be between 60 and 2592000",
            "1e400|must be between 60 and 2592000",
            "60.5|whole number",
            "3600.000001|whole number",
            "\"3600\"|not a string",
            "true|not a boolean",
            "[3600]|not an array",
            "{\"seconds\": 3600}|not an object"})
    void lifetimesRefused(String value, String message) {
        assertError(http.mint(acmeKey, acmeCustomer, "{\"expires_in_seconds\": " + value + "}"), 400,
                "BAD_REQUEST", message);
    }

    @ParameterizedTest(name = "body [{0}] is refused")
    @CsvSource(delimiter = '|', value = {
            "{\"expires_in_seconds\": |not valid JSON",
            "{expires_in_seconds: 60}|not valid JSON",
            "{} {}|not valid JSON",
            "{\"expires_in_seconds\": 60, \"expires_in_seconds\": 70}|not valid JSON",
            "[]|must be a JSON object or null, not an array",
            "\"text\"|must be a JSON object or null, not a string",
            "3600|must be a JSON object or null, not a number",
            "true|must be a JSON object or null, not a boolean"})
    void malformedBodies(String body, String message) {
        assertError(http.mint(acmeKey, acmeCustomer, body), 400, "BAD_REQUEST", message);
    }

    @Test
    void aBodyThatIsNotJsonByContentTypeIsRefused() {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + acmeKey);
        String path = "/api/v1/customers/" + acmeCustomer + "/portal-token";
        assertError(http.post(path, auth, "{}", "text/plain"), 400, "BAD_REQUEST", "Content-Type must be application/json");
        assertError(http.post(path, auth, "expires_in_seconds=60", "application/x-www-form-urlencoded"), 400,
                "BAD_REQUEST", "Content-Type must be application/json");
    }

    @Test
    void aBodyWithoutContentTypeIsReadAsJson() throws Exception {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + acmeKey);
        Http.Reply reply = http.post("/api/v1/customers/" + acmeCustomer + "/portal-token", auth,
                "{\"expires_in_seconds\": 120}", null);
        assertEquals(120, lifetime(okClaims(reply)));
    }

    @Test
    void aBodyOverTheCapIsRefused() {
        String padding = "x".repeat(HttpLimits.DEFAULT.maxBodyBytes());
        assertError(http.mint(acmeKey, acmeCustomer, "{\"pad\": \"" + padding + "\"}"), 400, "BAD_REQUEST",
                "larger than");
    }

    @Test
    void theTokenCarriesTheContractClaimsAndVerifiesWithThePublishedKey() throws Exception {
        Http.Reply reply = http.mint(acmeKey, acmeCustomer, "{\"expires_in_seconds\": 600}");
        JsonNode body = reply.json();
        assertEquals(Set.of("token", "portal_url", "portal_link", "api_url", "expires_at"), fieldNames(body));
        assertEquals("https://portal.test.example", body.get("portal_url").asText());
        assertEquals("https://portal.test.example/portal/customer?token=" + body.get("token").asText(),
                body.get("portal_link").asText());
        assertEquals(server.server().baseUri().toString().replaceAll("/$", ""), body.get("api_url").asText(),
                "without PUBLIC_URL, the server's own address");
        JWTClaimsSet claims = okClaims(reply);
        SignedJWT jwt = SignedJWT.parse(body.get("token").asText());
        assertEquals(JWSAlgorithm.EdDSA, jwt.getHeader().getAlgorithm());
        assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
        assertNotNull(jwt.getHeader().getKeyID());

        UUID customerUuid = CustomerIds.parse(acmeCustomer).orElseThrow();
        assertEquals("portal-token-server", claims.getIssuer());
        assertEquals(List.of("customer-portal"), claims.getAudience());
        assertEquals(acmeCustomer, claims.getSubject());
        assertEquals(600, lifetime(claims));
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(claims.getIssueTime().getTime() / 1000 - now) < 60, "iat is now");
        assertNotNull(claims.getJWTID());
        UUID.fromString(claims.getStringClaim("tenant_id"));
        assertEquals(Map.of("Customer", customerUuid.toString()), claims.getJSONObjectClaim("resource"));
        assertEquals("read manage", claims.getStringClaim("scope"), "both scopes by default");
        assertEquals(claims.getExpirationTime().toInstant(), Instant.parse(body.get("expires_at").asText()));
        assertTrue(body.get("expires_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"),
                "RFC 3339, UTC, whole seconds");
    }

    @Test
    void theJwksPublishesOnlyPublicMembersAndMayBeCached() {
        Http.Reply reply = http.get("/.well-known/jwks.json");
        assertEquals(200, reply.status());
        assertEquals("public, max-age=10", reply.header("Cache-Control"), "no longer than the key refresh interval");
        JsonNode keys = reply.json().get("keys");
        assertEquals(1, keys.size());
        JsonNode key = keys.get(0);
        assertEquals(Set.of("kty", "crv", "x", "kid", "alg", "use"), fieldNames(key));
        assertEquals("OKP", key.get("kty").asText());
        assertEquals("Ed25519", key.get("crv").asText());
        assertEquals("EdDSA", key.get("alg").asText());
        assertEquals("sig", key.get("use").asText());
    }

    @Test
    void aCustomerIsFoundByIdAndByAliasWithinItsTenant() throws Exception {
        JWTClaimsSet byId = okClaims(http.mint(acmeKey, acmeCustomer, null));
        JWTClaimsSet byAlias = okClaims(http.mint(acmeKey, "shared-alias", null));
        assertEquals(acmeCustomer, byId.getSubject());
        assertEquals(acmeCustomer, byAlias.getSubject());
        JWTClaimsSet globex = okClaims(http.mint(globexKey, "shared-alias", null));
        assertEquals(globexCustomer, globex.getSubject(), "the same alias names each tenant's own customer");
        assertNotEquals(byAlias.getStringClaim("tenant_id"), globex.getStringClaim("tenant_id"));
    }

    @Test
    void aTenantsOwnPortalUrlIsReturned() {
        assertEquals("https://billing.globex.example",
                http.mint(globexKey, globexCustomer, null).json().get("portal_url").asText());
    }

    @Test
    void unknownArchivedAndOtherTenantsCustomersAreIndistinguishable404s() {
        String archived = server.createCustomer("acme", "leaving");
        server.cliOk("customer", "archive", "--tenant", "acme", "leaving");
        String unknownId = CustomerIds.format(UUID.randomUUID());
        List<Http.Reply> replies = List.of(
                http.mint(acmeKey, unknownId, null),
                http.mint(acmeKey, "no-such-alias", null),
                http.mint(acmeKey, archived, null),
                http.mint(acmeKey, "leaving", null),
                http.mint(acmeKey, globexCustomer, null),
                http.mint(globexKey, acmeCustomer, null));
        for (Http.Reply reply : replies) {
            assertError(reply, 404, "NOT_FOUND", "customer not found");
            assertEquals(replies.get(0).body(), reply.body(), "404 bodies must not tell the cases apart");
        }
    }

    @Test
    void aNonCanonicalIdIsAnAliasNotAnId() {
        String nonCanonical = "cus_0" + acmeCustomer.substring(4);
        assertError(http.mint(acmeKey, nonCanonical, null), 404, "NOT_FOUND", "customer not found");
    }

    @ParameterizedTest(name = "Authorization [{0}] is refused")
    @ValueSource(strings = {"<none>", "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc",
            "Bearer not-a-key", "Bearer pt_live_short/1"})
    void missingOrMalformedCredentialsAre401(String authorization) {
        Map<String, String> headers = authorization.equals("<none>") ? Map.of() : Map.of("Authorization", authorization);
        Http.Reply reply = http.post("/api/v1/customers/" + acmeCustomer + "/portal-token", headers, null, null);
        assertError(reply, 401, "UNAUTHORIZED", "");
        assertTrue(reply.header("WWW-Authenticate").startsWith("Bearer"), reply.header("WWW-Authenticate"));
    }

    @Test
    void unknownIdWrongSecretAndRevokedKeysAre401() {
        int slash = acmeKey.indexOf('/');
        String unknownId = acmeKey.substring(0, slash + 1) + "2vIOgNg2ElyLMxWAPn6Xz";
        char last = acmeKey.charAt(slash - 1);
        String wrongSecret = acmeKey.substring(0, slash - 1) + (last == 'a' ? 'b' : 'a') + acmeKey.substring(slash);
        // The right key was just verified (and cached): the same id with a wrong secret must still fail.
        assertEquals(200, http.mint(acmeKey, acmeCustomer, null).status());
        String revoked = server.createApiKey("acme");
        server.revokeApiKey("acme", revoked);
        for (String key : List.of(unknownId, wrongSecret, revoked)) {
            Http.Reply reply = http.mint(key, acmeCustomer, null);
            assertError(reply, 401, "UNAUTHORIZED", "invalid API key");
            assertTrue(reply.header("WWW-Authenticate").startsWith("Bearer"));
            assertFalse(reply.body().contains(key.substring(8, 20)), "the key is not echoed");
        }
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() throws Exception {
        Http.Reply reply = http.post("/api/v1/customers/" + acmeCustomer + "/portal-token",
                Map.of("Authorization", "bEaReR " + acmeKey), null, null);
        okClaims(reply);
    }

    @Test
    void authenticationComesBeforeTheBodyIsRead() {
        assertError(http.post("/api/v1/customers/x/portal-token", Map.of(), "{not json", "application/json"), 401,
                "UNAUTHORIZED", "missing API key");
        assertError(http.post("/api/v1/customers/x/portal-token", Map.of("Authorization", "Bearer nope"),
                "{\"expires_in_seconds\": 1}", "application/json"), 401, "UNAUTHORIZED", "invalid API key");
    }

    @Test
    void theServersOwnErrorsAreContractJson() {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + acmeKey);
        assertError(http.get("/no/such/path"), 404, "NOT_FOUND", "no such resource");
        assertError(http.send("GET", "/api/v1/customers/" + acmeCustomer + "/portal-token", auth), 405,
                "BAD_REQUEST", "not allowed");
        assertError(http.send("DELETE", "/.well-known/jwks.json", Map.of()), 405, "BAD_REQUEST", "not allowed");
    }

    @Test
    void anAcceptHeaderAskingForSomethingElseStillGetsJson() throws Exception {
        okClaims(http.post("/api/v1/customers/" + acmeCustomer + "/portal-token",
                Map.of("Authorization", "Bearer " + acmeKey, "Accept", "text/html"), null, null));
    }

    @Test
    void anUnexpectedFailureIs500WithACorrelationIdAndNothingElse() throws Exception {
        try (Connection c = server.sql(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE customer RENAME TO customer_moved");
            try {
                Http.Reply reply = http.mint(acmeKey, acmeCustomer, null);
                assertError(reply, 500, "INTERNAL_SERVER_ERROR", "correlation id");
                assertFalse(reply.body().toLowerCase().contains("customer_moved"), reply::toString);
                assertFalse(reply.body().toLowerCase().contains("sql"), reply::toString);
                assertFalse(reply.body().contains("Exception"), reply::toString);
            } finally {
                s.execute("ALTER TABLE customer_moved RENAME TO customer");
            }
        }
        assertEquals(200, http.mint(acmeKey, acmeCustomer, null).status(), "recovers once the fault is gone");
    }

    @Test
    void aConcurrentBurstMintsDistinctValidTokens() throws Exception {
        int requests = 200;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Http.Reply>> futures = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                futures.add(pool.submit(() -> http.mint(acmeKey, acmeCustomer, null)));
            }
            Set<String> tokens = new HashSet<>();
            Set<String> ids = new HashSet<>();
            for (Future<Http.Reply> future : futures) {
                Http.Reply reply = future.get();
                assertEquals(200, reply.status(), reply::toString);
                String token = reply.json().get("token").asText();
                tokens.add(token);
                ids.add(SignedJWT.parse(token).getJWTClaimsSet().getJWTID());
            }
            assertEquals(requests, tokens.size(), "every token is distinct");
            assertEquals(requests, ids.size(), "every jti is distinct");
            for (String token : tokens.stream().limit(20).toList()) {
                Tokens.verifyWithJwks(http, token);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
