package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.Prometheus;
import dev.portaltoken.support.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which requests run on the selector thread that read them (answered from memory, no hand-off) and
 * which on a request thread, as the server counts them in
 * {@code portal_http_requests_dispatched_total{thread}}: a portal-token request runs on its selector
 * thread only once its API key and customer are both cached, its whole body has arrived, and it does
 * not ask to invalidate earlier tokens (a write), and an introspection once its token was verified
 * and its customer is cached; everything that may read PostgreSQL runs on a request thread. Each
 * case is one request between two scrapes of the metrics (a scrape itself runs on a request thread,
 * and is counted before it answers).
 */
class RequestThreadsTest {
    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of("PORTAL_CUSTOMER_CACHE_SECONDS", "3600"), "threads");

    /** Runs {@code request} (expecting {@code status}) and asserts where it ran. */
    private static void runsOn(String thread, int status, IntSupplier request) {
        String before = acme.http().get("/metrics").body();
        assertEquals(status, request.getAsInt());
        String after = acme.http().get("/metrics").body();
        boolean onSelector = "selector".equals(thread);
        assertEquals(onSelector ? 1 : 0, dispatched(after, "selector") - dispatched(before, "selector"),
                "selector-thread requests");
        assertEquals(onSelector ? 1 : 2, dispatched(after, "worker") - dispatched(before, "worker"),
                "request-thread requests (and the second scrape)");
    }

    private static double dispatched(String metrics, String thread) {
        return Prometheus.present(metrics, "portal_http_requests_dispatched_total", "thread=\"" + thread + "\"");
    }

    /** A token request in one write: head and body arrive together. */
    private static int mintInOneWrite(String alias, String body) {
        return postInOneWrite("/api/v1/customers/" + alias + "/portal-token", "application/json", body);
    }

    private static int introspectInOneWrite(String contentType, String body) {
        return postInOneWrite("/api/v1/portal-tokens/introspect", contentType, body);
    }

    private static int postInOneWrite(String path, String contentType, String body) {
        String answer = acme.http().raw("POST " + path + " HTTP/1.1\r\nHost: test\r\n"
                + "Authorization: Bearer " + acme.key() + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body);
        return Integer.parseInt(answer.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
    }

    @Test
    void cacheHitsOfTheTokenPathAndStateReadsRunOnTheSelectorThreadEverythingElseOnARequestThread() {
        Http http = acme.http();
        runsOn("selector", 200, () -> http.get("/healthz").status());
        runsOn("selector", 200, () -> http.get("/readyz").status());
        runsOn("selector", 200, () -> http.get("/.well-known/jwks.json").status());
        runsOn("worker", 200, () -> http.get("/openapi.yaml").status());

        runsOn("worker", 200, () -> http.mint(acme.key(), "threads", null).status()); // key and customer read
        runsOn("selector", 200, () -> http.mint(acme.key(), "threads", null).status());
        runsOn("selector", 200, () -> mintInOneWrite("threads", "{\"expires_in_seconds\":600}"));
        String byId = acme.server().createCustomer("acme", null);
        runsOn("worker", 200, () -> http.mint(acme.key(), byId, null).status()); // not cached yet
        runsOn("selector", 200, () -> http.mint(acme.key(), byId, null).status());

        runsOn("worker", 200, () -> mintInOneWrite("threads", "{\"invalidate_existing\":true}"));
        runsOn("worker", 200, () -> mintInOneWrite("threads", "{\"invalidate\\u005fexisting\":true}"));
        runsOn("worker", 400, () -> mintInOneWrite("threads", "{\"page\":\"" + "x".repeat(1100) + "\"}"));
        runsOn("worker", 200, () -> http.mint(acme.key(), "thr%65ads", null).status());
        runsOn("worker", 404, () -> http.mint(acme.key(), "nobody", null).status()); // misses are never cached
        runsOn("worker", 404, () -> http.mint(acme.key(), "nobody", null).status());
        runsOn("worker", 401, () -> http.mint("pt_live_wrong", "threads", null).status());
        runsOn("worker", 401, () -> http.get("/api/v1/customers/threads").status());
    }

    @Test
    void anIntrospectionRunsOnTheSelectorThreadOnceItsTokenWasVerifiedAndItsCustomerIsCached() {
        String token = acme.http().mint(acme.key(), acme.customer(), null).json().get("token").asText();
        String json = "{\"token\": \"" + token + "\"}";
        runsOn("worker", 200, () -> introspectInOneWrite("application/json", json)); // verified now
        runsOn("selector", 200, () -> introspectInOneWrite("application/json", json));
        runsOn("selector", 200, () -> introspectInOneWrite("application/x-www-form-urlencoded", "token=" + token));
        runsOn("worker", 200, () -> introspectInOneWrite("application/json", "{\"token\":\"" + token + "\",\"x\":1}"));
        runsOn("worker", 200, () -> introspectInOneWrite("application/json", "{\"token\":\"" + token + "x\"}"));
        runsOn("worker", 400, () -> introspectInOneWrite("application/json", "{}"));
    }
}
