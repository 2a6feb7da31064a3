package dev.portaltoken.support;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The conformance validator itself: it passes what the documents declare and fails everything else. */
class ConformanceTest {
    private static final Conformance ALL = Conformance.allSpecs();
    private static final String MINT = "/api/v1/customers/cus_6vlQTLWHNwxQvzRv6yidEi/portal-token";
    private static final Map<String, String> JSON = Map.of("content-type", "application/json");
    private static final String A_TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJjdXNfMSJ9.c2lnbmF0dXJlLWJ5dGVz";
    private static final String A_KEY = "pt_live_" + "Ab3".repeat(14) + "Z/355IiHqLu0NlczFdlu2mk";

    private static AssertionError fails(String method, String path, int status, Map<String, String> headers, String body) {
        return assertThrows(AssertionError.class, () -> ALL.check(method, path, status, headers, body));
    }

    private static void passes(String method, String path, int status, Map<String, String> headers, String body) {
        assertDoesNotThrow(() -> ALL.check(method, path, status, headers, body));
    }

    @Test
    void theOperationsAreReadFromTheThreeDocuments() {
        assertEquals(Set.of("200", "400", "401", "403", "404", "429", "500"), ALL.declaredStatuses("POST", MINT));
        assertEquals(Set.of("200", "400", "500"), ALL.declaredStatuses("GET", "/.well-known/jwks.json"));
        assertEquals(Set.of("200", "400", "503"), ALL.declaredStatuses("GET", "/readyz"));
    }

    private static final String FIVE_FIELDS = "{\"token\":\"" + A_TOKEN + "\",\"portal_url\":\"https://portal.example\","
            + "\"portal_link\":\"https://portal.example/portal/customer?token=" + A_TOKEN + "\","
            + "\"api_url\":\"https://api.example\",\"expires_at\":\"2026-10-01T00:00:00Z\"}";

    @Test
    void specValidRepliesPass() {
        passes("POST", MINT, 200, Map.of("content-type", "application/json"), FIVE_FIELDS);
        passes("POST", MINT, 404, JSON, "{\"code\":\"NOT_FOUND\",\"message\":\"customer not found\"}");
        passes("POST", MINT, 429, Map.of("content-type", "application/json; charset=utf-8"),
                "{\"code\":\"TOO_MANY_REQUESTS\",\"message\":\"slow down\"}");
        passes("GET", "/.well-known/jwks.json", 200, JSON,
                "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"abc\",\"kid\":\"k1\",\"alg\":\"EdDSA\",\"use\":\"sig\"}]}");
        passes("GET", "/healthz", 200, JSON, "{\"status\":\"ok\"}");
        passes("GET", "/readyz", 503, JSON,
                "{\"status\":\"not_ready\",\"checks\":{\"database\":\"failing\",\"migrations\":\"ok\",\"signing_key\":\"ok\"}}");
        passes("GET", "/metrics", 200, Map.of("content-type", "text/plain; version=0.0.4; charset=utf-8"), "# HELP x\n");
        passes("HEAD", "/healthz", 200, JSON, "");
    }

    @Test
    void theAdditionsExternalRefToTheContractsErrorIsFollowed() {
        passes("GET", "/.well-known/jwks.json", 500, JSON, "{\"code\":\"INTERNAL_SERVER_ERROR\",\"message\":\"x\"}");
        AssertionError e = fails("GET", "/.well-known/jwks.json", 500, JSON, "{\"code\":\"OOPS\",\"message\":\"x\"}");
        assertTrue(e.getMessage().contains("/code"), e.getMessage());
    }

    @ParameterizedTest(name = "HTTP {0} is not declared for the portal-token operation")
    @ValueSource(ints = {201, 204, 405, 409, 415, 502, 503})
    void anUndeclaredStatusFails(int status) {
        AssertionError e = fails("POST", MINT, status, JSON, "{\"code\":\"BAD_REQUEST\",\"message\":\"x\"}");
        assertTrue(e.getMessage().contains("HTTP " + status + ", a status it does not declare"), e.getMessage());
        assertTrue(e.getMessage().contains("create_portal_token in " + Conformance.CONTRACT), e.getMessage());
        assertTrue(e.getMessage().contains("POST /api/v1/customers/{id_or_alias}/portal-token"), e.getMessage());
    }

    /** The served contract requires the five fields of upstream's newest SDKs; the vendored one two. */
    @Test
    void theServedContractRequiresFiveFieldsWhereTheVendoredOneRequiresTwo() {
        String twoFields = "{\"token\":\"" + A_TOKEN + "\",\"portal_url\":\"https://portal.example\"}";
        AssertionError e = fails("POST", MINT, 200, JSON, twoFields);
        assertTrue(e.getMessage().contains("portal_link") && e.getMessage().contains("api_url")
                && e.getMessage().contains("expires_at"), e.getMessage());
        Conformance vendored = Conformance.of(Conformance.VENDORED);
        assertDoesNotThrow(() -> vendored.check("POST", MINT, 200, JSON, twoFields));
        assertDoesNotThrow(() -> vendored.check("POST", MINT, 200, JSON, FIVE_FIELDS), "the superset suits old clients");
        fails("POST", MINT, 200, JSON, FIVE_FIELDS.replace("\"api_url\":\"https://api.example\",", ""));
    }

    @Test
    void theDocumentRoutesAreDeclared() {
        assertEquals(Set.of("200", "400", "500"), ALL.declaredStatuses("GET", "/openapi.yaml"));
        assertEquals(Set.of("200", "400", "500"), ALL.declaredStatuses("GET", "/openapi.json"));
        assertEquals(Set.of("200", "400", "404", "500"), ALL.declaredStatuses("GET", "/openapi/operations.openapi.yaml"));
        passes("GET", "/openapi.yaml", 200, Map.of("content-type", "application/yaml"), "openapi: 3.1.0\n");
        passes("GET", "/openapi.json", 200, JSON, "{\"openapi\":\"3.1.0\",\"info\":{},\"paths\":{}}");
        fails("GET", "/openapi.json", 200, JSON, "{\"info\":{}}");
        fails("GET", "/openapi.json", 200, JSON, "\"openapi: 3.1.0\"");
        fails("GET", "/openapi.yaml", 200, JSON, "{}");
    }

    @Test
    void aMissingRequiredMemberFails() {
        AssertionError e = fails("POST", MINT, 200, JSON, "{\"token\":\"" + A_TOKEN + "\"}");
        assertTrue(e.getMessage().contains("portal_url"), e.getMessage());
        assertTrue(e.getMessage().contains("/responses/200/content/application~1json/schema"), e.getMessage());
        fails("POST", MINT, 400, JSON, "{\"code\":\"BAD_REQUEST\"}");
    }

    @Test
    void aCodeOutsideTheEnumFails() {
        AssertionError e = fails("POST", MINT, 404, JSON, "{\"code\":\"GONE\",\"message\":\"x\"}");
        assertTrue(e.getMessage().contains("/code"), e.getMessage());
    }

    @Test
    void aTokenOfTheWrongTypeFailsAndNoTokenOrKeyIsPrinted() {
        AssertionError e = fails("POST", MINT, 200, JSON, FIVE_FIELDS.replace("\"token\":\"" + A_TOKEN + "\"", "\"token\":42"));
        assertTrue(e.getMessage().contains("/token"), e.getMessage());
        AssertionError withSecrets = fails("POST", MINT, 200, JSON,
                "{\"token\":\"" + A_TOKEN + "\",\"portal_url\":7,\"echo\":\"Bearer " + A_KEY + "\"}");
        assertFalse(withSecrets.getMessage().contains("eyJ"), withSecrets.getMessage());
        assertFalse(withSecrets.getMessage().contains(A_KEY.substring(8, 30)), withSecrets.getMessage());
    }

    @Test
    void aBodyThatIsNotJsonOrNotTheDeclaredMediaTypeFails() {
        assertTrue(fails("POST", MINT, 500, Map.of("content-type", "text/html;charset=ISO-8859-1"), "<html/>")
                .getMessage().contains("Content-Type text/html"));
        assertTrue(fails("POST", MINT, 400, Map.of(), "").getMessage().contains("Content-Type null"));
        assertTrue(fails("POST", MINT, 400, JSON, "{not json").getMessage().contains("not JSON"));
    }

    @Test
    void aPrivateMemberInThePublishedJwksFails() {
        fails("GET", "/.well-known/jwks.json", 200, JSON,
                "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"abc\",\"d\":\"secret\",\"kid\":\"k1\",\"alg\":\"EdDSA\",\"use\":\"sig\"}]}");
    }

    @Test
    void undocumentedRoutesAndMethodsMustBeContractErrors() {
        passes("GET", "/no/such/path", 404, JSON, "{\"code\":\"NOT_FOUND\",\"message\":\"no such resource\"}");
        passes("DELETE", "/.well-known/jwks.json", 405, JSON, "{\"code\":\"BAD_REQUEST\",\"message\":\"not allowed\"}");
        passes("HEAD", MINT, 405, JSON, "");
        fails("GET", "/no/such/path", 404, Map.of("content-type", "text/html"), "<html/>");
        fails("GET", "/no/such/path", 200, JSON, "{\"code\":\"NOT_FOUND\",\"message\":\"x\"}");
        fails("GET", "/api/v1/customers//portal-token", 404, JSON, "{\"code\":\"NOT_FOUND\"}");
        AssertionError options = fails("OPTIONS", "/healthz", 200, Map.of("content-type", "text/plain"), "HEAD, GET, OPTIONS");
        assertTrue(options.getMessage().contains("has no OPTIONS operation"), options.getMessage());
        fails("HEAD", "/healthz", 200, JSON, "{\"status\":\"ok\"}");
    }

    @Test
    void methodsAreCaseSensitive() {
        passes("Post", MINT, 405, JSON, "{\"code\":\"BAD_REQUEST\",\"message\":\"not allowed\"}");
        fails("get", "/healthz", 200, JSON, "{\"status\":\"ok\"}");
    }

    @Test
    void aServerWithoutTheOperationsDocumentMustAnswerItsPathsAsUnknown() {
        Conformance api = Conformance.of(Conformance.CONTRACT, Conformance.ADDITIONS);
        assertDoesNotThrow(() -> api.check("GET", "/healthz", 404, JSON, "{\"code\":\"NOT_FOUND\",\"message\":\"x\"}"));
        assertThrows(AssertionError.class, () -> api.check("GET", "/healthz", 200, JSON, "{\"status\":\"ok\"}"));
    }

    @Test
    void redactionMasksTokensKeysAndBearerCredentials() {
        String masked = Redact.mask("{\"token\":\"abc\"} " + A_TOKEN + " " + A_KEY + " Authorization: bearer xyz123");
        assertFalse(masked.contains("abc\""), masked);
        assertFalse(masked.contains("eyJ"), masked);
        assertFalse(masked.contains(A_KEY.substring(8)), masked);
        assertFalse(masked.contains("xyz123"), masked);
    }
}
