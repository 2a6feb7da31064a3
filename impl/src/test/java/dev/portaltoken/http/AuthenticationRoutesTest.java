package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portaltoken.support.Conformance;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.Prometheus;
import dev.portaltoken.support.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Authentication follows the route Jersey matched, not the spelling of the path: every operation the
 * served documents declare with a security requirement answers 401 without a key, and no spelling of
 * its path (matrix parameters, doubled or encoded slashes, a trailing slash, dot segments, another
 * case) reaches it unauthenticated: each answers a 4xx error, never 2xx or 5xx. One request thread
 * serves everything, so a caller an earlier request left on it would show.
 */
class AuthenticationRoutesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of("HTTP_WORKER_THREADS", "1"), "acme-1");

    /** A declared operation that requires a key, its path parameters filled in. */
    private record Secured(String method, String path) {
    }

    /** Every operation of the served API documents whose security requirement names a scheme. */
    private static List<Secured> securedOperations() throws Exception {
        List<Secured> secured = new ArrayList<>();
        for (String spec : List.of(Conformance.CONTRACT, Conformance.ADDITIONS, Conformance.OPERATIONS,
                Conformance.PAGES, Conformance.WEBHOOKS)) {
            JsonNode document = YAML.readTree(Conformance.readText(spec));
            Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
            while (paths.hasNext()) {
                Map.Entry<String, JsonNode> path = paths.next();
                Iterator<Map.Entry<String, JsonNode>> operations = path.getValue().fields();
                while (operations.hasNext()) {
                    Map.Entry<String, JsonNode> operation = operations.next();
                    if (!METHODS.contains(operation.getKey())) {
                        continue;
                    }
                    JsonNode security = operation.getValue().has("security") ? operation.getValue().get("security")
                            : document.path("security");
                    boolean required = false;
                    for (JsonNode requirement : security) {
                        required |= requirement.size() > 0;
                    }
                    if (required) {
                        secured.add(new Secured(operation.getKey().toUpperCase(Locale.ROOT),
                                path.getKey().replaceAll("\\{[^}]+}", acme.customer())));
                    }
                }
            }
        }
        return secured;
    }

    /** Spellings of {@code path} that a lenient router might take for it, by what changed. */
    private static Map<String, String> variants(String path) {
        Map<String, String> variants = new LinkedHashMap<>();
        String[] segments = path.substring(1).split("/");
        for (int i = 0; i < segments.length; i++) {
            variants.put("matrix parameter on segment " + i, join(segments, i, segments[i] + ";a=b"));
            variants.put("empty matrix parameter on segment " + i, join(segments, i, segments[i] + ";"));
            variants.put("doubled slash before segment " + i, join(segments, i, "/" + segments[i]));
            variants.put("case change of segment " + i, join(segments, i, segments[i].toUpperCase(Locale.ROOT)));
            variants.put("dot segment before segment " + i, join(segments, i, "." + "/" + segments[i]));
            variants.put("dot-dot segment before segment " + i, join(segments, i, "x/../" + segments[i]));
            variants.put("encoded dot-dot before segment " + i, join(segments, i, "x/%2e%2e/" + segments[i]));
            if (i > 0) {
                variants.put("encoded slash before segment " + i,
                        join(segments, i - 1, segments[i - 1] + "%2F" + segments[i]).replace("%2F" + segments[i] + "/"
                                + segments[i], "%2F" + segments[i]));
            }
        }
        variants.put("trailing slash", path + "/");
        variants.put("trailing dot segment", path + "/.");
        return variants;
    }

    private static String join(String[] segments, int replaced, String replacement) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            path.append('/').append(i == replaced ? replacement : segments[i]);
        }
        return path.toString();
    }

    private static Http.Reply send(String method, String path, String authorization) {
        String request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + (authorization == null ? "" : "Authorization: Bearer " + authorization + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        return acme.http().rawReply(request.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everySecuredOperationAnswers401WithoutAKeyHoweverItsPathIsSpelt() throws Exception {
        List<Secured> operations = securedOperations();
        assertTrue(operations.size() >= 4, () -> "the contract's and the additions' operations: " + operations);
        List<String> wrong = new ArrayList<>();
        for (Secured operation : operations) {
            Http.Reply exact = send(operation.method(), operation.path(), null);
            if (exact.status() != 401) {
                wrong.add(operation + " without a key: " + exact.status());
            }
            for (Map.Entry<String, String> variant : variants(operation.path()).entrySet()) {
                // An authenticated request first: the one request thread now served a caller.
                Http.Reply mint = acme.http().mint(acme.key(), acme.customer(), null);
                assertEquals(200, mint.status(), mint::toString);
                Http.Reply reply = send(operation.method(), variant.getValue(), null);
                int status = reply.status();
                boolean matrix = variant.getKey().contains("matrix");
                if (status < 400 || status >= 500 || (matrix && status != 400)
                        || !Set.of(400, 401, 404, 405).contains(status)) {
                    wrong.add(operation.method() + " " + variant.getValue() + " (" + variant.getKey() + "): " + status
                            + " " + reply.body());
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void aPathWithMatrixParametersIsRefusedBeforeAnythingElseAndNotCountedAsAFailedAuthentication() {
        double before = Prometheus.sample(acme.server().managementHttp(), "portal_auth_failures_total");
        Http.Reply reply = send("POST", "/api;a/v1/portal-tokens/introspect", acme.key());
        assertEquals(400, reply.status(), reply::toString);
        assertEquals("BAD_REQUEST", reply.json().get("code").asText());
        assertTrue(reply.json().get("message").asText().contains("matrix parameters"), reply::toString);
        assertFalse(reply.headers().containsKey("ratelimit-remaining"), "no rate-limit bucket was touched");
        assertEquals(before, Prometheus.sample(acme.server().managementHttp(), "portal_auth_failures_total"),
                "no failed authentication counted");
    }
}
