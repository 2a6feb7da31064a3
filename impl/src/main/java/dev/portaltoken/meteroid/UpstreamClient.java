package dev.portaltoken.meteroid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.errors.Failure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's customer list, {@code GET /api/v1/customers} (its OpenAPI document, vendored as
 * {@code openapi/meteroid-api-v1.openapi.json}), read a page at a time with the tenant's API key.
 * A 429, a 5xx or a broken connection is retried with growing pauses (a 429's {@code Retry-After}
 * is honoured); anything else stops with a {@link Failure} naming the status, never the key.
 * Thread-safe.
 */
final class UpstreamClient {
    /** The most upstream serves per page. */
    static final int PER_PAGE = 100;
    private static final int ATTEMPTS = 6;
    private static final Duration MAX_PAUSE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One page: its customers, and whether more pages follow. */
    record Page(List<JsonNode> customers, boolean last) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final MeteroidConnections.Upstream upstream;
    private final Duration firstPause;

    /** @param firstPause the pause before the first retry; each next one doubles it */
    UpstreamClient(MeteroidConnections.Upstream upstream, Duration firstPause) {
        this.upstream = upstream;
        this.firstPause = firstPause;
    }

    /**
     * A page of the archived or unarchived customers, oldest first (upstream orders by creation time,
     * then id, so customers created meanwhile come last and shift no page).
     */
    Page customers(boolean archived, int page) throws InterruptedException {
        URI uri = URI.create(upstream.apiUrl() + "/api/v1/customers?page=" + page + "&per_page=" + PER_PAGE
                + "&archived=" + archived + "&order_by=created_at.asc");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + upstream.apiKey())
                .header("Accept", "application/json").GET().build();
        JsonNode body = null;
        Duration pause = firstPause;
        for (int attempt = 1; ; attempt++) {
            String problem;
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status == 200) {
                    body = JSON.readTree(response.body());
                    break;
                }
                if (status == 401 || status == 403) {
                    throw Failure.unavailable("Meteroid at " + upstream.apiUrl() + " refused the API key (HTTP " + status
                            + "): store a valid one with meteroid connect --api-key-file FILE");
                }
                if (status != 429 && status < 500) {
                    throw Failure.unavailable("Meteroid at " + upstream.apiUrl() + " answered HTTP " + status
                            + " to its customer list");
                }
                problem = "HTTP " + status;
                pause = retryAfter(response).map(d -> d.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : d).orElse(pause);
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt == ATTEMPTS) {
                throw Failure.unavailable("Meteroid at " + upstream.apiUrl() + " did not answer its customer list"
                        + " after " + ATTEMPTS + " attempts (last: " + problem + ")");
            }
            Thread.sleep(pause.toMillis());
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
        JsonNode data = body.get("data");
        if (data == null || !data.isArray()) {
            throw Failure.unavailable("Meteroid's customer list has no data array: is " + upstream.apiUrl()
                    + " a Meteroid API?");
        }
        List<JsonNode> customers = new ArrayList<>(data.size());
        data.forEach(customers::add);
        JsonNode totalPages = body.path("pagination_meta").path("total_pages");
        boolean last = customers.size() < PER_PAGE || (totalPages.isIntegralNumber() && page + 1 >= totalPages.asLong());
        return new Page(customers, last);
    }

    private static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        try {
            return response.headers().firstValue("Retry-After").map(Long::parseLong).filter(s -> s >= 0)
                    .map(Duration::ofSeconds);
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }
}
