package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Chromium;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /}: browsers get a start page linking what the server serves; API clients keep the JSON
 * 404 of an unknown route.
 */
class HomePageTest {
    /** What Chromium sends when it opens a page. */
    private static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
            + "image/webp,*/*;q=0.8";
    @RegisterExtension
    static final ServerFixture fixture = ServerFixture.server(Map.of());

    @Test
    void aBrowserGetsAPageWhoseEveryLinkAnswers() {
        Http http = fixture.server().http();
        Http.Reply page = http.send("GET", "/", Map.of("Accept", BROWSER));
        assertEquals(200, page.status(), page::toString);
        assertTrue(page.header("content-type").startsWith("text/html"), page.header("content-type"));
        assertEquals(HomeResource.CONTENT_SECURITY_POLICY, page.header("content-security-policy"));
        assertFalse(page.header("content-security-policy").contains("unsafe"));
        Document html = Jsoup.parse(page.body());
        assertTrue(html.select("script").isEmpty(), "no script at all");
        List<String> links = html.select("a[href]").eachAttr("href");
        assertEquals(List.of("/docs", "/openapi.yaml", "/portal/customer", "/.well-known/jwks.json", "/healthz", "/readyz",
                "/metrics"), links);
        for (String link : links) {
            assertEquals(200, http.send("GET", link, Map.of("Accept", BROWSER)).status(), link);
        }
        for (String sheet : html.select("link[rel=stylesheet]").eachAttr("href")) {
            assertEquals(200, http.get(sheet).status(), sheet);
        }
    }

    @Test
    void apiClientsKeepTheJson404() {
        Http http = fixture.server().http();
        for (Map<String, String> accept : List.of(Map.<String, String>of(), Map.of("Accept", "application/json"),
                Map.of("Accept", "*/*"), Map.of("Accept", "application/json, */*;q=0.5"))) {
            Http.Reply reply = http.send("GET", "/", accept);
            assertEquals(404, reply.status(), accept + ": " + reply);
            assertEquals("NOT_FOUND", reply.json().get("code").asText());
            assertEquals(http.send("GET", "/nowhere", accept).body(), reply.body(), "as any unknown route");
        }
    }

    @Test
    void chromiumRendersItWithinTheContentSecurityPolicy() {
        Chromium.Page page = Chromium.require().load(fixture.server().http().uri("/"), Duration.ofSeconds(2));
        assertTrue(page.problems().isEmpty(), () -> "CSP violations or errors: " + page.problems());
        assertEquals("portal-token-server", page.dom().selectFirst("h1").text(), page::toString);
        assertEquals("API reference", page.text("docs"));
        assertEquals("/.well-known/jwks.json", page.dom().getElementById("jwks").attr("href"));
    }
}
