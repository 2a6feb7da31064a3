package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.support.BrowserTab;
import dev.portaltoken.support.Chromium;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import dev.portaltoken.support.Tokens;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference portal page at {@code /portal/customer}: where {@code portal_url} points when no
 * portal URL is configured, served with a strict Content-Security-Policy, and verifying tokens in a
 * real browser (headless Chromium) against the JWKS with WebCrypto. Other instances on the same
 * database mint ES256, HS256 and already-expired tokens.
 */
class PortalPageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEK = TestServer.newKeyEncryptionKey();
    /** A short page life: verification takes a few virtual milliseconds. */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private static TestServer server;
    private static String key;
    private static String customer;
    private static String tenantId;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(settings(Map.of()));
        server.createTenant("acme");
        key = server.createApiKey("acme");
        customer = server.createCustomer("acme", "acme-42");
        for (JsonNode tenant : JSON.readTree(server.cli("tenant", "list", "--json").out())) {
            if (tenant.get("slug").asText().equals("acme")) {
                tenantId = tenant.get("id").asText();
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** No PORTAL_URL (blank is unset), one key encryption key for every instance on the database. */
    private static Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("PORTAL_URL", "", "PORTAL_KEY_ENCRYPTION_KEY", KEK));
        env.putAll(extra);
        return env;
    }

    /** Another instance on the server's database; {@code clock} is the one it mints on. */
    private static TestServer another(Map<String, String> extra, Clock clock) {
        Map<String, String> env = settings(extra);
        env.putAll(server.databaseEnv());
        return TestServer.start(env, clock);
    }

    private static String mint(TestServer on, String body) {
        Http.Reply reply = on.http().mint(key, customer, body);
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().get("token").asText();
    }

    private static URI link(TestServer on, String token) {
        return on.http().uri("/portal/customer?token=" + token);
    }

    private static void assertNoProblems(Chromium.Page page) {
        assertTrue(page.problems().isEmpty(), () -> "CSP violations or errors on the page: " + page.problems());
    }

    private static void assertRefused(Chromium.Page page, String why) {
        assertEquals("refused", page.dom().getElementById("portal").attr("data-state"), page::toString);
        assertEquals("Token refused", page.text("headline"));
        assertTrue(page.text("reason").contains(why), () -> "reason: " + page.text("reason"));
        assertTrue(page.dom().getElementById("details").hasAttr("hidden"), "no claims are shown for a refused token");
        assertNoProblems(page);
    }

    @Test
    void withoutAPortalUrlTokensPointAtThisServersOwnPage() {
        Http.Reply minted = server.http().mint(key, customer, null);
        assertEquals(200, minted.status(), minted::toString);
        String own = server.server().baseUri().toString();
        assertEquals(own.substring(0, own.length() - 1), minted.json().get("portal_url").asText());
        assertTrue(minted.json().get("portal_url").asText().matches("http://127\\.0\\.0\\.1:\\d+"), minted::toString);

        Http.Reply page = server.http().get("/portal/customer?token=" + minted.json().get("token").asText());
        assertEquals(200, page.status());
        assertTrue(page.header("content-type").startsWith("text/html"), page.header("content-type"));
        assertEquals(PortalPageResource.CONTENT_SECURITY_POLICY, page.header("content-security-policy"));
        assertTrue(page.header("content-security-policy").contains("script-src 'self';"));
        assertFalse(page.header("content-security-policy").contains("unsafe"), "no unsafe-inline or unsafe-eval");
        assertEquals("no-referrer", page.header("referrer-policy"), "the token in the URL is never sent on");
        assertEquals("no-store", page.header("cache-control"));
        assertFalse(page.body().contains("<script>"), "no inline script");
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "nothing from elsewhere");
    }

    @Test
    void thePageServesItsOwnScriptAndStyleSheetAndNothingElse() throws Exception {
        Http http = server.http();
        for (String[] file : new String[][] {{"portal.js", "text/javascript"}, {"portal.css", "text/css"}}) {
            Http.Reply reply = http.get("/portal/assets/" + file[0]);
            assertEquals(200, reply.status(), file[0]);
            assertEquals(file[1] + ";charset=utf-8", reply.header("content-type").replace(" ", ""));
            try (var in = PortalPageTest.class.getClassLoader().getResourceAsStream("web/portal/" + file[0])) {
                assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), reply.body());
            }
        }
        for (String missing : new String[] {"customer.html", "nope.js", "..%2Fcustomer.html", "%2e%2e"}) {
            Http.Reply reply = http.get("/portal/assets/" + missing);
            assertEquals(404, reply.status(), missing);
            assertEquals("NOT_FOUND", reply.json().get("code").asText());
        }
    }

    @Test
    void aGoodEdDsaTokenIsVerifiedInTheBrowser() throws Exception {
        String token = mint(server, null);
        JWTClaimsSet claims = Tokens.verifyWithJwks(server.http(), token);
        Chromium.Page page = Chromium.require().load(link(server, token), SETTLE);
        assertEquals("verified", page.dom().getElementById("portal").attr("data-state"));
        assertEquals("Signature verified", page.text("headline"));
        assertEquals(customer, page.text("customer"));
        assertEquals(tenantId, page.text("tenant"));
        assertEquals(java.util.List.of(claims.getStringClaim("scope").split(" ")), page.dom().select("#scopes .scope").eachText(),
                "one pill per granted scope");
        assertEquals("EdDSA, key " + Tokens.kid(token), page.text("signature"));
        assertTrue(page.text("countdown").matches("in 23 h 59 min \\d{1,2} s"), page.text("countdown"));
        assertFalse(page.dom().getElementById("details").hasAttr("hidden"));
        assertFalse(page.dom().outerHtml().contains(token), "the token is not written into the page");
        assertNoProblems(page);
    }

    /** Issue 26: the page opened by a deep link shows the view the link chose, and the default otherwise. */
    @Test
    void thePageShowsTheDeepLinkParametersItWasOpenedWith() {
        String sub = "sub_7n42DGM5Tflk9n8mt7Fhc7";
        for (String[] chosen : new String[][] {
                {"{\"embed\": \"subscription\", \"subscription\": \"" + sub + "\"}", "embed=subscription subscription=" + sub},
                {"{\"subscription\": \"" + sub + "\"}", "page=subscriptions sub=" + sub},
                {"{\"page\": \"invoices\"}", "page=invoices"}}) {
            Http.Reply minted = server.http().mint(key, customer, chosen[0]);
            assertEquals(200, minted.status(), minted::toString);
            Chromium.Page page = Chromium.require().load(URI.create(minted.json().get("portal_link").asText()), SETTLE);
            assertEquals("Signature verified", page.text("headline"), () -> page.text("reason"));
            assertEquals(java.util.List.of(chosen[1].split(" ")), page.dom().select("#view .view").eachText(), chosen[0]);
            assertNoProblems(page);
        }
        Chromium.Page plain = Chromium.require().load(link(server, mint(server, null)), SETTLE);
        assertEquals("the overview (the link chose no page or widget)", plain.text("view"));
    }

    @Test
    void aGoodEs256TokenIsVerifiedInTheBrowser() throws Exception {
        try (TestServer es256 = another(Map.of("PORTAL_TOKEN_ALG", "ES256"), Clock.systemUTC())) {
            String token = mint(es256, "{\"expires_in_seconds\": 3600}");
            assertEquals("ES256", SignedJWT.parse(token).getHeader().getAlgorithm().getName());
            Chromium.Page page = Chromium.require().load(link(es256, token), SETTLE);
            assertEquals("Signature verified", page.text("headline"), () -> page.text("reason"));
            assertEquals(customer, page.text("customer"));
            assertEquals("ES256, key " + Tokens.kid(token), page.text("signature"));
            assertTrue(page.text("countdown").matches("in 59 min \\d{1,2} s"), page.text("countdown"));
            assertNoProblems(page);
        }
    }

    @Test
    void aTamperedTokenIsRefused() {
        String token = mint(server, null);
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertTrue(claims.contains(customer));
        String other = server.createCustomer("acme", "someone-else");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims.replace(customer, other).getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertRefused(Chromium.require().load(link(server, forged), SETTLE),
                "The signature does not match: the token was altered, or signed by another key.");
    }

    @Test
    void anExpiredTokenIsRefused() {
        Clock twoDaysAgo = Clock.offset(Clock.systemUTC(), Duration.ofDays(-2));
        String token;
        try (TestServer past = another(Map.of(), twoDaysAgo)) {
            token = mint(past, "{\"expires_in_seconds\": 3600}");
        }
        Chromium.Page page = Chromium.require().load(link(server, token), SETTLE);
        assertRefused(page, "The token expired 1 d 23 h ");
        assertTrue(page.text("reason").matches("The token expired 1 d 23 h \\d+ min \\d+ s ago \\(at \\S+Z\\)\\."),
                page.text("reason"));
    }

    @Test
    void theCountdownIsLiveAndTheTokenIsRefusedOnceItExpires() {
        String token = mint(server, "{\"expires_in_seconds\": 60}");
        // 75 s of the page's (virtual) time: it verifies the token, counts down, and refuses it at expiry.
        Chromium.Page page = Chromium.require().load(link(server, token), Duration.ofSeconds(75));
        assertRefused(page, "The token expired ");
        assertTrue(page.text("countdown").matches("in \\d{1,2} s"),
                "the countdown ran while the token was valid: " + page.text("countdown"));
    }

    @Test
    void anHs256TokenCannotBeVerifiedInABrowserAndThePageSaysSo() {
        try (TestServer hs256 = another(Map.of("PORTAL_JWT_SECRET", "portal-page-test-secret-of-32-bytes-or-more"),
                Clock.systemUTC())) {
            Chromium.Page page = Chromium.require().load(link(hs256, mint(hs256, null)), SETTLE);
            assertEquals("unverifiable", page.dom().getElementById("portal").attr("data-state"));
            assertEquals("Cannot verify an HS256 token here", page.text("headline"));
            assertTrue(page.text("reason").startsWith("HS256 tokens are signed with a shared secret, and a browser must"
                    + " never hold that secret, so this page cannot verify them."), page.text("reason"));
            assertTrue(page.dom().getElementById("details").hasAttr("hidden"));
            assertNoProblems(page);
        }
    }

    @Test
    void malformedTokensAndUnknownKeysAreRefusedWithTheReason() {
        Chromium chromium = Chromium.require();
        Chromium.Page none = chromium.load(server.http().uri("/portal/customer"), SETTLE);
        assertEquals("No token", none.text("headline"));
        assertEquals("refused", none.dom().getElementById("portal").attr("data-state"));

        assertRefused(chromium.load(link(server, "not-a-token"), SETTLE), "This is not a signed token");
        String claims = encode("{\"sub\":\"" + customer + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + 600) + "}");
        assertRefused(chromium.load(link(server, encode("{\"alg\":\"none\"}") + "." + claims + "."), SETTLE),
                "The token's algorithm \"none\" is not accepted: only EdDSA and ES256 are.");
        String unknownKid = encode("{\"alg\":\"EdDSA\",\"kid\":\"no-such-key\"}") + "." + claims + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
        assertRefused(chromium.load(link(server, unknownKid), SETTLE),
                "No published key has the token's kid no-such-key: the key is unknown or retired.");
    }

    @Test
    void aTokenInTheFragmentIsVerifiedAndNeverSentToTheServer() throws Exception {
        String token = mint(server, null);
        Chromium.Page page = Chromium.require().load(server.http().uri("/portal/customer#token=" + token), SETTLE);
        assertEquals("Signature verified", page.text("headline"), page::toString);
        assertEquals(customer, page.text("customer"));
        assertTrue(page.dom().getElementById("replaced").hasAttr("hidden"), "nothing was replaced");
        assertNoProblems(page);
    }

    @Test
    void aLinkWithAnotherTokenReplacesTheHeldOneAndSaysWhichCustomerItNowShows() {
        String other = server.createCustomer("acme", "acme-43");
        String first = mint(server, null);
        String second = server.http().mint(key, other, null).json().get("token").asText();
        try (BrowserTab tab = BrowserTab.open(Chromium.require())) {
            String settled = "document.getElementById('portal') !== null"
                    + " && document.getElementById('portal').dataset.state !== 'verifying'";
            tab.navigate(link(server, first), settled, Duration.ofSeconds(30));
            assertEquals(customer, tab.dom().getElementById("customer").text());
            assertTrue(tab.dom().getElementById("replaced").hasAttr("hidden"), "the first token replaces nothing");

            tab.navigate(server.http().uri("/portal/customer"), settled, Duration.ofSeconds(30));
            assertEquals(customer, tab.dom().getElementById("customer").text(), "a reload keeps the tab's token");

            tab.navigate(java.net.URI.create("about:blank"), "true", Duration.ofSeconds(30)); // a load, not a fragment change
            tab.navigate(server.http().uri("/portal/customer#token=" + second), settled, Duration.ofSeconds(30));
            var dom = tab.dom();
            assertEquals(other, dom.getElementById("customer").text(), "the link's token is the one shown");
            assertFalse(dom.getElementById("replaced").hasAttr("hidden"), "and the page says it replaced the held one");
            assertEquals("This link replaced the token this tab held (customer " + customer + "): the page now shows"
                    + " customer " + other + ".", dom.getElementById("replaced").text());
            assertFalse(tab.evaluate("location.href").asText().contains(second), "the token left the address bar");

            tab.navigate(link(server, second), settled, Duration.ofSeconds(30));
            assertTrue(tab.dom().getElementById("replaced").hasAttr("hidden"), "the same token again replaces nothing");
            assertEquals(java.util.List.of(), tab.problems(), "no console error or CSP violation");
        }
    }

    /** The page's screenshot, kept in {@code target/screenshots} (or {@code -Dscreenshots.dir}, e.g. docs/images). */
    @Test
    void aScreenshotOfTheVerifiedPage() throws Exception {
        Chromium chromium = Chromium.require();
        java.nio.file.Path png = java.nio.file.Path.of(System.getProperty("screenshots.dir", "target/screenshots"),
                "portal-page.png");
        chromium.screenshot(link(server, mint(server, null)), png, 900, 720, SETTLE);
        byte[] bytes = java.nio.file.Files.readAllBytes(png);
        assertEquals("\u0089PNG", new String(bytes, 0, 4, StandardCharsets.ISO_8859_1), "a PNG");
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(720, image.getHeight());
        // The verified banner's green (#e3f9ee) is on the screenshot: the page rendered, and verified.
        boolean green = false;
        for (int y = 0; y < image.getHeight() && !green; y += 4) {
            for (int x = 0; x < image.getWidth() && !green; x += 4) {
                green = (image.getRGB(x, y) & 0xffffff) == 0xe3f9ee;
            }
        }
        assertTrue(green, "the screenshot shows the verified state");
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
