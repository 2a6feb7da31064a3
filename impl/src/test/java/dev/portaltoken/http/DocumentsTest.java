package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portaltoken.support.Conformance;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The served contract at /openapi.yaml and /openapi.json, and the source documents byte for byte
 * under /openapi/, as portal-token-server.openapi.yaml specifies them (every answer is checked
 * against it by {@link Http}).
 */
class DocumentsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path REPOSITORY_DOCUMENTS = Path.of("..", "openapi");
    private static TestServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("MANAGEMENT_PORT", "0"));
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theServedContractIsAtOpenapiYamlAsBuilt() throws Exception {
        Http.Reply reply = http.get("/openapi.yaml");
        assertEquals(200, reply.status(), reply::toString);
        assertEquals("application/yaml", reply.header("Content-Type").split(";")[0]);
        assertEquals("public, max-age=300", reply.header("Cache-Control"), "it changes only with a release");
        assertEquals(Conformance.readText(Conformance.CONTRACT), reply.body());
        JsonNode contract = YAML.readTree(reply.body());
        assertEquals(List.of("token", "portal_url", "portal_link", "api_url", "expires_at"),
                JSON.convertValue(contract.at("/components/schemas/CustomerPortalTokenResponse/required"), List.class));
        assertTrue(contract.at("/components/schemas/CustomerPortalTokenRequest/properties/scopes").isObject());
    }

    @Test
    void theJsonIsTheSameDocument() throws Exception {
        Http.Reply reply = http.get("/openapi.json");
        assertEquals(200, reply.status(), reply::toString);
        assertEquals("application/json", reply.header("Content-Type").split(";")[0]);
        assertEquals("public, max-age=300", reply.header("Cache-Control"));
        assertEquals(YAML.readTree(http.get("/openapi.yaml").body()), JSON.readTree(reply.body()));
    }

    /** Every document the route's enum names is served exactly as in the repository's openapi/. */
    @Test
    void theSourceDocumentsAreServedByteForByte() throws Exception {
        JsonNode names = YAML.readTree(Conformance.readText(Conformance.ADDITIONS))
                .at("/paths/~1openapi~1{document}/get/parameters/0/schema/enum");
        List<String> served = new ArrayList<>();
        for (JsonNode name : names) {
            Http.Reply reply = http.get("/openapi/" + name.asText());
            assertEquals(200, reply.status(), name + ": " + reply);
            assertEquals("public, max-age=300", reply.header("Cache-Control"));
            assertEquals(Files.readString(REPOSITORY_DOCUMENTS.resolve(name.asText())), reply.body(), name.asText());
            served.add(name.asText());
        }
        assertEquals(List.of("meteroid-portal-token.openapi.yaml", "portal-token.overlay.yaml",
                "portal-token-server.openapi.yaml", "operations.openapi.yaml", "admin.openapi.yaml",
                "webhooks.openapi.yaml"), served);
        assertEquals(served, ServedDocuments.sources().stream().map(ServedDocuments.Document::file).toList(),
                "the route's enum and the server's one list of documents name the same sources, in order");
    }

    @ParameterizedTest(name = "/openapi/{0} is a 404")
    @ValueSource(strings = {"nope.yaml", "portal-token.openapi.yaml", "..%2Fpom.xml", "%2E%2E", "META-INF%2FMANIFEST.MF",
            "db%2Fmigration%2FV1__tenants_keys_customers.sql", "meteroid-portal-token.openapi.YAML"})
    void anythingElseUnderOpenapiIsNotFound(String name) {
        Http.Reply reply = http.get("/openapi/" + name);
        assertEquals(404, reply.status(), reply::toString);
        assertEquals("NOT_FOUND", reply.json().get("code").asText());
        assertEquals("no-store", reply.header("Cache-Control"));
    }

    @Test
    void theDocumentsNeedNoKeyAndAcceptOnlyGetAndHead() {
        Http.Reply head = http.send("HEAD", "/openapi.yaml", Map.of());
        assertEquals(200, head.status());
        assertEquals("", head.body());
        Http.Reply post = http.post("/openapi.yaml", Map.of(), "{}", "application/json");
        assertEquals(405, post.status(), post::toString);
    }

    @Test
    void theyAreNotOnTheManagementPort() {
        assertEquals(404, server.managementHttp().get("/openapi.yaml").status());
    }
}
