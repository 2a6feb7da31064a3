package dev.portaltoken.http;

import static dev.portaltoken.support.Replies.assertClientError;
import static dev.portaltoken.support.Replies.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests off the happy path, most sent byte for byte on a raw connection: each must be answered,
 * below 500, with the contract's JSON error, like every other error ({@link Http} checks the answer against
 * the OpenAPI documents; this class adds the status bound). Each case is one the fuzz tests found or
 * one of their kind, kept here so each stays visible and named on its own.
 */
class HostileRequestsTest {
    private static final String MINT = "/api/v1/customers/%s/portal-token";
    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of(), "hostile");
    private static Http http;
    private static String key;
    private static String customer;

    @BeforeAll
    static void start() {
        http = acme.http();
        key = acme.key();
        customer = acme.customer();
    }

    private static Http.Reply send(String method, String target, String... headers) {
        StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            request.append(header.replace("{key}", key)).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        return http.rawReply(request.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Percent-escapes that decode to nothing, and characters RFC 3986 does not allow in a path. */
    @ParameterizedTest(name = "POST .../customers/{0}/portal-token")
    @ValueSource(strings = {"%zz", "%", "a%2", "{", "}", "|", "\\", "^", "[x]", "<a>", "\"", "`"})
    void aMalformedPathValueIsAJson4xx(String segment) {
        assertClientError(send("POST", String.format(MINT, segment), "Authorization: Bearer {key}", "Content-Length: 0"));
    }

    /** The health check ignores its query, even with characters RFC 3986 does not allow there. */
    @ParameterizedTest(name = "GET /healthz?{0}")
    @ValueSource(strings = {"a=|", "a={}", "a=^", "a=[x]", "a=b&&&", "a"})
    void anOddQueryDoesNotBreakTheHealthCheck(String query) {
        Http.Reply reply = send("GET", "/healthz?" + query);
        assertEquals(200, reply.status(), reply::toString);
        assertEquals("ok", reply.json().get("status").asText());
    }

    /** A percent-escape that decodes to nothing makes the URL malformed: the 400 /healthz declares for that. */
    @ParameterizedTest(name = "GET /healthz?{0}")
    @ValueSource(strings = {"a=%zz", "a=%", "a=%2"})
    void anUndecodableQueryIsTheDeclared400(String query) {
        assertError(send("GET", "/healthz?" + query), 400, "BAD_REQUEST", "malformed");
    }

    /** PostgreSQL text cannot hold NUL: such a value names no customer. */
    @ParameterizedTest(name = "POST .../customers/{0}/portal-token")
    @ValueSource(strings = {"%00", "a%00b", "cus_%00"})
    void aNulInThePathValueIsA404NotA500(String segment) {
        Http.Reply reply = send("POST", String.format(MINT, segment), "Authorization: Bearer {key}", "Content-Length: 0");
        assertError(reply, 404, "NOT_FOUND", "customer not found");
    }

    /** A JSON number whose exponent does not fit an int, wherever it stands in the body. */
    @ParameterizedTest(name = "body {0}")
    @ValueSource(strings = {"6e3104901177", "{\"expires_in_seconds\": 1e2147483648}",
            "{\"expires_in_seconds\": 1e-2147483649}", "{\"ignored\": 1e9999999999}"})
    void aNumberWithAnOverflowingExponentIsA400(String body) {
        Http.Reply reply = http.mint(key, customer, body);
        assertTrue(reply.status() == 400 && "BAD_REQUEST".equals(reply.json().path("code").asText()), reply::toString);
    }

    /** OPTIONS is no documented operation: answered like any other undeclared method. */
    @ParameterizedTest(name = "OPTIONS {0}")
    @ValueSource(strings = {"/healthz", "/readyz", "/metrics", "/.well-known/jwks.json", "MINT"})
    void optionsIsAnsweredWithAContractError(String path) {
        String target = path.equals("MINT") ? String.format(MINT, customer) : path;
        assertClientError(send("OPTIONS", target, "Authorization: Bearer {key}"));
    }

    /**
     * A 405's {@code Allow} names what the route serves, and OPTIONS, which is answered 405 too, is
     * neither listed there nor answered differently: both 405s carry the same {@code Allow}.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"MINT|POST|GET", "/healthz|GET|POST", "/.well-known/jwks.json|GET|DELETE", "/docs|GET|PUT",
            "/openapi.yaml|GET|POST", "/|GET|POST"})
    void aWrongMethodAndOptionsAgreeOnWhatIsAllowed(String spec) {
        String[] parts = spec.split("\\|");
        String target = parts[0].equals("MINT") ? String.format(MINT, customer) : parts[0];
        Http.Reply wrong = send(parts[2], target, "Authorization: Bearer {key}", "Content-Length: 0");
        Http.Reply options = send("OPTIONS", target, "Authorization: Bearer {key}");
        assertEquals(405, wrong.status(), wrong::toString);
        assertEquals(405, options.status(), options::toString);
        String allow = wrong.header("allow");
        assertTrue(allow != null && java.util.List.of(allow.split(", ")).contains(parts[1]), wrong::toString);
        assertTrue(!allow.contains("OPTIONS"), "OPTIONS is not allowed anywhere: " + allow);
        assertEquals(allow, options.header("allow"), "the same Allow from both 405s");
        assertTrue(wrong.json().get("message").asText().endsWith("allowed: " + allow), wrong::toString);
    }

    /** Content-Type values that do not parse as a media type, or name none (wildcards), even without a body. */
    @ParameterizedTest(name = "Content-Type [{0}]")
    @ValueSource(strings = {"", ";;;", "application", "a/b/c", "application/json, text/plain", "application/json;charset=",
            "application/json; boundary", "*/*", "application/*"})
    void anUnparseableContentTypeIsAJson400(String contentType) {
        assertError(send("POST", String.format(MINT, customer), "Authorization: Bearer {key}",
                "Content-Type: " + contentType, "Content-Length: 0"), 400, "BAD_REQUEST", "Content-Type");
    }

    /** Framing the HTTP codec refuses before the application sees the request. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Length: abc", "Content-Length: 2|Content-Length: 3", "Transfer-Encoding: chunked|BODY:zz",
            " X-Folded: continuation of Host", "X-Big: LONG", "MANY"})
    void malformedFramingIsAJson4xx(String spec) {
        StringBuilder head = new StringBuilder("POST " + String.format(MINT, customer) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        String body = "";
        for (String header : spec.split("\\|")) {
            if (header.startsWith("BODY:")) {
                body = header.substring(5) + "\r\n{}\r\n0\r\n\r\n";
            } else if (header.equals("X-Big: LONG")) {
                head.append("X-Big: ").append("b".repeat(10_000)).append("\r\n");
            } else if (header.equals("MANY")) {
                for (int i = 0; i < 200; i++) {
                    head.append("X-H").append(i).append(": v\r\n");
                }
            } else {
                head.append(header).append("\r\n");
            }
        }
        head.append("Authorization: Bearer ").append(key).append("\r\nConnection: close\r\n\r\n").append(body);
        assertClientError(http.rawReply(head.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "request line [{0}]")
    @ValueSource(strings = {"POST /api/v1/customers/LONG/portal-token HTTP/1.1", "GET /healthz HTTP/9.9",
            "CONNECT 127.0.0.1:80 HTTP/1.1"})
    void anOddRequestLineIsAnsweredWithAJson4xx(String line) {
        String request = line.replace("LONG", "a".repeat(10_000)) + "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nConnection: close\r\n\r\n";
        assertClientError(http.rawReply(request.getBytes(StandardCharsets.UTF_8)));
    }
}
