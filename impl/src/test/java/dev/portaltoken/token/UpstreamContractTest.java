package dev.portaltoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.Prometheus;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Tokens;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Upstream's newest client contract over HTTP (the five response fields, the request scopes) on a
 * server with PUBLIC_URL set; its tokens also pass {@code support.MintedTokens} like every other.
 */
class UpstreamContractTest {
    private static final String PUBLIC_URL = "https://api.test.example/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;
    private static Http http;
    private static String key;
    private static String customer;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("PUBLIC_URL", PUBLIC_URL));
        http = server.http();
        server.createTenant("acme");
        key = server.createApiKey("acme");
        customer = server.createCustomer("acme", "sdk-user");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Tokens minted so far, as /metrics counts them; fails when the counter is missing (never a silent 0). */
    private static double mintedSoFar() {
        return Prometheus.present(server.managementHttp(), "portal_tokens_minted_total");
    }

    /** The issue's acceptance check: the body upstream's SDKs send gets all five fields and a read-only token. */
    @Test
    void theBodyUpstreamsSdksSendGetsAllFiveFieldsAndAReadOnlyToken() throws Exception {
        Http.Reply reply = http.mint(key, customer, "{\"expires_in_seconds\": null, \"scopes\": [\"read\"]}");
        assertEquals(200, reply.status(), reply::toString);
        JsonNode body = reply.json();
        assertEquals(Set.of("token", "portal_url", "portal_link", "api_url", "expires_at"), fieldNames(body));
        String token = body.get("token").asText();
        JWTClaimsSet claims = Tokens.verifyWithJwks(http, token);
        assertEquals("read", claims.getStringClaim("scope"), "a read-only token");
        assertEquals(86_400, (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000);
        assertEquals("https://portal.test.example/portal/customer?token=" + token, body.get("portal_link").asText());
        assertEquals("https://api.test.example", body.get("api_url").asText(), "PUBLIC_URL, without its trailing slash");
        assertEquals(claims.getExpirationTime().toInstant(), Instant.parse(body.get("expires_at").asText()));
    }

    @ParameterizedTest(name = "{0} grants \"{1}\"")
    @CsvSource(delimiter = '|', value = {
            "no body|read manage",
            "{}|read manage",
            "{\"scopes\": null}|read manage",
            "{\"scopes\": [\"read\"]}|read",
            "{\"scopes\": [\"manage\"]}|manage",
            "{\"scopes\": [\"manage\", \"read\"]}|read manage",
            "{\"scopes\": [\"read\", \"read\", \"manage\", \"read\"]}|read manage",
            "{\"expires_in_seconds\": 600, \"scopes\": [\"manage\", \"manage\"]}|manage"})
    void theTokenCarriesTheGrantedScopesInAFixedOrder(String body, String scope) throws Exception {
        double before = mintedSoFar();
        Http.Reply reply = http.mint(key, customer, body.equals("no body") ? null : body);
        assertEquals(200, reply.status(), reply::toString);
        assertEquals(before + 1, mintedSoFar(), "the counter the refused requests are checked against counts mints");
        assertEquals(scope, Tokens.verifyWithJwks(http, reply.json().get("token").asText()).getStringClaim("scope"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"scopes\": []}|scopes must not be empty: leave it out (or null) for both \"read\" and \"manage\"",
            "{\"scopes\": [\"admin\"]}|scopes[0] must be \"read\" or \"manage\"; got 'admin'",
            "{\"scopes\": [\"read\", \"Manage\"]}|scopes[1] must be \"read\" or \"manage\"; got 'Manage'",
            "{\"scopes\": \"read\"}|scopes must be an array of \"read\" and \"manage\", or null; not a string",
            "{\"scopes\": {\"read\": true}}|scopes must be an array of \"read\" and \"manage\", or null; not an object",
            "{\"scopes\": [\"read\", 7]}|scopes[1] must be \"read\" or \"manage\", not a number",
            "{\"scopes\": [\"read\", {}]}|scopes[1] must be \"read\" or \"manage\", not an object",
            "{\"expires_in_seconds\": 3600, \"scopes\": [null]}|scopes[0] must be \"read\" or \"manage\", not a null"})
    void badScopesAreA400NamingTheProblemAndMintNothing(String body, String message) {
        double before = mintedSoFar();
        Http.Reply reply = http.mint(key, customer, body);
        assertEquals(400, reply.status(), reply::toString);
        assertEquals("BAD_REQUEST", reply.json().get("code").asText());
        assertEquals(message, reply.json().get("message").asText());
        assertEquals("no-store", reply.header("Cache-Control"));
        assertEquals(before, mintedSoFar(), "no token was minted");
    }

    @Test
    void tokenVerifyShowsTheGrantedScopes() throws Exception {
        String token = http.mint(key, customer, "{\"scopes\": [\"manage\"]}").json().get("token").asText();
        CliRun.Result verified = server.cli("token", "verify", token);
        assertEquals(0, verified.exit(), verified::toString);
        assertEquals("manage", JSON.readTree(verified.out()).at("/claims/scope").asText());
        assertEquals("customer-portal", JSON.readTree(verified.out()).at("/claims/aud").asText(),
                "EdDSA tokens keep their audience");
    }
}
