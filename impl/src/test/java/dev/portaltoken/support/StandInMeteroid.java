package dev.portaltoken.support;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portaltoken.ids.CustomerIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in of upstream Meteroid's customer list, {@code GET /api/v1/customers}, written from its
 * published OpenAPI document (vendored as {@code openapi/meteroid-api-v1.openapi.json}): bearer API
 * key, {@code page} (from 0), {@code per_page} (1 to 100, default 10), {@code archived} (absent: the
 * unarchived ones), ordered by creation. Every answer it sends is checked against that document first
 * ({@link Conformance}); a violation is kept for {@link #violations()} and the test fails on it.
 * Customers come from a {@link Source}, so a million need no memory here. Faults can be injected per
 * page. Closed with the test.
 */
public final class StandInMeteroid implements AutoCloseable {
    /** The customers, by list and position; must be thread-safe. */
    public interface Source {
        long count(boolean archived);

        Customer get(boolean archived, long index);
    }

    /** A customer as the stand-in lists it. */
    public record Customer(UUID id, String name, String alias, String email) {
    }

    /** A small mutable source: customers kept in two lists, in creation order. */
    public static final class Customers implements Source {
        private final List<Customer> active = new ArrayList<>();
        private final List<Customer> archived = new ArrayList<>();

        public synchronized Customers add(Customer customer) {
            active.add(customer);
            return this;
        }

        public synchronized void replace(UUID id, Customer customer) {
            active.replaceAll(c -> c.id().equals(id) ? customer : c);
            archived.replaceAll(c -> c.id().equals(id) ? customer : c);
        }

        public synchronized void archive(UUID id) {
            active.stream().filter(c -> c.id().equals(id)).findFirst().ifPresent(c -> {
                active.remove(c);
                archived.add(c);
            });
        }

        public synchronized void unarchive(UUID id) {
            archived.stream().filter(c -> c.id().equals(id)).findFirst().ifPresent(c -> {
                archived.remove(c);
                active.add(c);
            });
        }

        @Override
        public synchronized long count(boolean archivedList) {
            return (archivedList ? archived : active).size();
        }

        @Override
        public synchronized Customer get(boolean archivedList, long index) {
            return (archivedList ? archived : active).get((int) index);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Conformance UPSTREAM = Conformance.of(Conformance.UPSTREAM);

    private final HttpServer server;
    private final String apiKey;
    private final Source source;
    private final Map<String, int[]> faults = new HashMap<>();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int checkEvery = 1;

    private StandInMeteroid(String apiKey, Source source) throws IOException {
        this.apiKey = apiKey;
        this.source = source;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", this::handle);
        server.start();
    }

    public static StandInMeteroid start(String apiKey, Source source) {
        try {
            return new StandInMeteroid(apiKey, source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Its base URL, as a tenant configures it ({@code meteroid connect --api-url}). */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next {@code times} requests for that page answer {@code status} with upstream's error body. */
    public synchronized void failPage(boolean archived, int page, int status, int times) {
        faults.put(archived + "/" + page, new int[] {status, times});
    }

    /**
     * Checks only every {@code n}th page of customers against upstream's document (and every error):
     * for a million customers, where checking each page would cost more than the sync it serves.
     * The pages are all written by the same code.
     */
    public StandInMeteroid checkEvery(int n) {
        this.checkEvery = n;
        return this;
    }

    /** Answers that did not conform to upstream's document (none, or the test fails). */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getRawPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        int status;
        byte[] body;
        if (!path.equals("/api/v1/customers") || !exchange.getRequestMethod().equals("GET")) {
            status = 404;
            body = error("NOT_FOUND", "no such route in this stand-in");
        } else if (!("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            status = 401;
            body = error("UNAUTHORIZED", "invalid API key");
        } else {
            boolean archived = Boolean.parseBoolean(query.getOrDefault("archived", "false"));
            int page = Integer.parseInt(query.getOrDefault("page", "0"));
            int perPage = Integer.parseInt(query.getOrDefault("per_page", "10"));
            int fault = fault(archived, page);
            if (fault != 0) {
                status = fault;
                body = error(fault == 429 ? "TOO_MANY_REQUESTS" : fault == 401 ? "UNAUTHORIZED" : "INTERNAL_SERVER_ERROR",
                        "injected by the test");
            } else {
                status = 200;
                body = page(archived, page, Math.max(1, Math.min(100, perPage)));
            }
        }
        if (status != 200 || Integer.parseInt(query.getOrDefault("page", "0")) % checkEvery == 0) {
            try {
                UPSTREAM.check(exchange.getRequestMethod(), path, status, Map.of("content-type", "application/json"),
                        new String(body, StandardCharsets.UTF_8));
            } catch (AssertionError e) {
                violations.add(e.getMessage());
            }
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (status == 429) {
            exchange.getResponseHeaders().set("Retry-After", "0");
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private synchronized int fault(boolean archived, int page) {
        int[] fault = faults.get(archived + "/" + page);
        if (fault == null || fault[1] == 0) {
            return 0;
        }
        fault[1]--;
        return fault[0];
    }

    /** A page as upstream's CustomerListResponse, written field by field (no page of a million is held). */
    private byte[] page(boolean archived, int page, int perPage) throws IOException {
        long total = source.count(archived);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.getFactory().createGenerator(bytes)) {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (long i = (long) page * perPage; i < Math.min(total, (long) (page + 1) * perPage); i++) {
                Customer c = source.get(archived, i);
                json.writeStartObject();
                json.writeStringField("id", CustomerIds.format(c.id()));
                json.writeStringField("name", c.name());
                json.writeStringField("alias", c.alias());
                json.writeStringField("billing_email", c.email());
                json.writeArrayFieldStart("invoicing_emails");
                json.writeEndArray();
                json.writeStringField("currency", "EUR");
                json.writeStringField("invoicing_entity_id", "ive_7n42DGM5Tflk9n8mt7Fhc7");
                json.writeArrayFieldStart("custom_taxes");
                json.writeEndArray();
                json.writeStringField("phone", null);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeObjectFieldStart("pagination_meta");
            json.writeNumberField("page", page);
            json.writeNumberField("per_page", perPage);
            json.writeNumberField("total_items", total);
            json.writeNumberField("total_pages", (total + perPage - 1) / perPage);
            json.writeEndObject();
            json.writeEndObject();
        }
        return bytes.toByteArray();
    }

    private static byte[] error(String code, String message) throws IOException {
        return JSON.writeValueAsBytes(Map.of("code", code, "message", message));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> parameters = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                parameters.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
