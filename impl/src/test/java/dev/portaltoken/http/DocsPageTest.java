package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Chromium;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /docs}: Swagger UI and every OpenAPI document of {@code openapi/}, all served by the server
 * itself under a Content-Security-Policy without inline scripts, rendered in headless Chromium.
 */
class DocsPageTest {
    private static final Path SPEC_DIR = Path.of("..", "openapi");
    private static final String SERVED_CONTRACT = "portal-token.openapi.yaml";
    /** Swagger UI fetches and renders a document in well under this much page time. */
    private static final Duration RENDER = Duration.ofSeconds(8);
    @RegisterExtension
    static final ServerFixture fixture = ServerFixture.server(Map.of());


    /** The served contract, and every OpenAPI document of openapi/ (the overlay is not one: it only changes one). */
    private static List<String> specFiles() throws Exception {
        try (Stream<Path> files = Files.list(SPEC_DIR)) {
            return Stream.concat(Stream.of(SERVED_CONTRACT), files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> isOpenApi(p)).map(p -> p.getFileName().toString())).sorted().toList();
        }
    }

    private static boolean isOpenApi(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).lines().anyMatch(l -> l.startsWith("openapi:"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What the served contract's document must equal: the file, or what /openapi.yaml serves. */
    private static String expectedDocument(String spec) throws Exception {
        return spec.equals(SERVED_CONTRACT) ? fixture.server().http().get("/openapi.yaml").body()
                : Files.readString(SPEC_DIR.resolve(spec), StandardCharsets.UTF_8);
    }

    @Test
    void thePageAndEveryFileItLoadsAreServedFromTheJar() {
        Http http = fixture.server().http();
        Http.Reply page = http.get("/docs");
        assertEquals(200, page.status());
        assertTrue(page.header("content-type").startsWith("text/html"));
        String csp = page.header("content-security-policy");
        assertEquals(DocsResource.CONTENT_SECURITY_POLICY, csp);
        assertTrue(csp.contains("script-src 'self';"), csp);
        assertFalse(csp.contains("unsafe"), "no unsafe-inline or unsafe-eval: " + csp);
        Document html = Jsoup.parse(page.body());
        assertTrue(html.select("script:not([src])").isEmpty(), "no inline script");
        List<String> loaded = Stream.concat(html.select("script[src]").eachAttr("src").stream(),
                html.select("link[href]").eachAttr("href").stream()).toList();
        assertEquals(7, loaded.size(), loaded.toString());
        for (String file : loaded) {
            assertTrue(file.startsWith("/docs/assets/"), "served here, not from a CDN: " + file);
            Http.Reply reply = http.get(file);
            assertEquals(200, reply.status(), file);
            String expected = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "image/png";
            assertTrue(reply.header("content-type").startsWith(expected), file + ": " + reply.header("content-type"));
            assertFalse(reply.body().isEmpty(), file);
        }
        Http.Reply head = http.send("HEAD", "/docs/assets/swagger-ui-bundle.js", Map.of());
        assertEquals(200, head.status());
        assertTrue(head.body().isEmpty() && head.header("content-type").startsWith("text/javascript"), head::toString);
        assertEquals(404, http.get("/docs/assets/swagger-ui.js").status(), "only the files the page needs");
        assertEquals(404, http.get("/docs/assets/index.html").status());
    }

    @Test
    void everyOpenApiDocumentIsServedAsItIsInTheRepositoryAndListedInSwaggerUi() throws Exception {
        String initializer = fixture.server().http().get("/docs/assets/swagger-initializer.js").body();
        assertTrue(initializer.contains("configUrl: '/docs/assets/" + DocsResource.SWAGGER_CONFIG + "'"), initializer);
        Http.Reply config = fixture.server().http().get("/docs/assets/" + DocsResource.SWAGGER_CONFIG);
        assertEquals(200, config.status(), config::toString);
        List<String> listed = listedSpecs(config.json());
        assertEquals(specFiles(), listed.stream().sorted().toList(), "the configuration lists the served contract and every OpenAPI document of openapi/");
        assertEquals(listed, ServedDocuments.shown().stream().map(ServedDocuments.Document::file).toList());
        assertEquals(ServedDocuments.ALL.get(0).title(), config.json().get("urls.primaryName").asText(),
                "the served contract is shown first");
        for (String spec : specFiles()) {
            Http.Reply reply = fixture.server().http().get("/docs/specs/" + spec);
            assertEquals(200, reply.status(), spec);
            assertTrue(reply.header("content-type").startsWith("application/yaml"), reply.header("content-type"));
            assertEquals(expectedDocument(spec), reply.body(), spec);
        }
        for (String missing : new String[] {"pom.xml", "..%2Fpom.xml", "openapi.yaml"}) {
            Http.Reply reply = fixture.server().http().get("/docs/specs/" + missing);
            assertEquals(404, reply.status(), missing);
            assertEquals("NOT_FOUND", reply.json().get("code").asText());
        }
    }

    @Test
    void swaggerUiRendersTheContractsOperationWithoutAnyCspViolation() throws Exception {
        Chromium.Page page = Chromium.require().load(fixture.server().http().uri("/docs"), RENDER);
        assertTrue(page.problems().isEmpty(), () -> "CSP violations or errors: " + page.problems());
        List<String> paths = page.dom().select(".opblock-summary-path").eachAttr("data-path");
        assertEquals(java.util.Set.of("/api/v1/customers/{id_or_alias}/portal-token", "/api/v1/portal-tokens/introspect",
                "/api/v1/portal-tokens/revoke", "/api/v1/customers/{id_or_alias}/portal-tokens/revoke"),
                java.util.Set.copyOf(paths), "the served contract's operations: the mint and the token lifecycle");
        Element operation = page.dom().selectFirst(".opblock-post");
        assertTrue(operation != null && operation.text().contains("POST"), page::toString);
        List<String> definitions = page.dom().select("select#select option").eachAttr("value");
        assertEquals(specFiles().stream().map(f -> "/docs/specs/" + f).sorted().toList(),
                definitions.stream().sorted().toList(), "the definition menu offers every document");
    }

    /**
     * The served contract keeps the tag list of upstream's whole API; the reference shows a section
     * only for the tags of operations this server serves, each with its operations.
     */
    @Test
    void onlyTheTagsOfOperationsServedHereAreShown() throws Exception {
        com.fasterxml.jackson.databind.JsonNode contract = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(fixture.server().http().get("/openapi.yaml").body());
        java.util.Set<String> used = new java.util.TreeSet<>();
        contract.get("paths").forEach(path -> path.forEach(operation -> operation.path("tags").forEach(t -> used.add(t.asText()))));
        assertTrue(contract.get("tags").size() >= used.size() + 15, "the contract declares upstream's tags: " + contract.get("tags"));
        Chromium.Page page = Chromium.require().load(fixture.server().http().uri("/docs"), RENDER);
        List<Element> sections = page.dom().select(".opblock-tag-section");
        List<String> shown = sections.stream().map(section -> section.selectFirst(".opblock-tag").attr("data-tag")).toList();
        assertEquals(used, new java.util.TreeSet<>(shown), page::toString);
        assertEquals(used.size(), shown.size());
        for (Element section : sections) {
            assertFalse(section.select(".opblock").isEmpty(), () -> "a section with operations: " + section);
        }
        assertTrue(page.problems().isEmpty(), page.problems()::toString);
    }

    @Test
    void everyOtherDocumentRendersToo() {
        Chromium chromium = Chromium.require();
        Map<String, List<String>> expected = Map.of(
                "Portal token API as upstream publishes it (Meteroid contract)",
                        List.of("/api/v1/customers/{id_or_alias}/portal-token"),
                "JWKS and these documents", List.of("/.well-known/jwks.json", "/openapi.yaml", "/openapi.json",
                        "/openapi/{document}"),
                "Operations: health, readiness, metrics", List.of("/healthz", "/readyz", "/metrics"),
                "Pages: portal page and this reference", List.of("/", "/portal/customer", "/portal/assets/{file}", "/docs",
                        "/docs/assets/{file}", "/docs/specs/{file}"));
        expected.forEach((name, paths) -> {
            Chromium.Page page = chromium.load(fixture.server().http().uri("/docs?urls.primaryName="
                    + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")), RENDER);
            assertEquals(paths, page.dom().select(".opblock-summary-path").eachAttr("data-path"), name);
            assertTrue(page.problems().isEmpty(), () -> name + ": " + page.problems());
        });
    }

    /** The page's screenshot, kept in {@code target/screenshots} (or {@code -Dscreenshots.dir}, e.g. docs/images). */
    @Test
    void aScreenshotOfTheApiReference() throws Exception {
        Path png = Path.of(System.getProperty("screenshots.dir", "target/screenshots"), "docs-page.png");
        Chromium.require().screenshot(fixture.server().http().uri("/docs"), png, 1100, 900, RENDER);
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(1100, image.getWidth());
        assertEquals(900, image.getHeight());
        // Swagger UI's POST operation colour (#49cc90) is on it: the operation was rendered.
        boolean post = false;
        for (int y = 0; y < image.getHeight() && !post; y += 2) {
            for (int x = 0; x < image.getWidth() && !post; x += 2) {
                post = (image.getRGB(x, y) & 0xffffff) == 0x49cc90;
            }
        }
        assertTrue(post, "the screenshot shows the rendered operation");
    }

    private static List<String> listedSpecs(com.fasterxml.jackson.databind.JsonNode config) {
        List<String> found = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode url : config.get("urls")) {
            String location = url.get("url").asText();
            assertTrue(location.startsWith("/docs/specs/") && !url.get("name").asText().isBlank(), url::toString);
            found.add(location.substring("/docs/specs/".length()));
        }
        return found;
    }
}
