package dev.portaltoken.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A reverse proxy in front of a test server for clients the tests do not write themselves (the
 * generated Java client, the committed example): it keeps each request as the client sent it and
 * forwards it through {@link Http}, so every answer is checked against the OpenAPI documents before
 * the client sees it. An answer that does not conform reaches the client as a 599 and is kept in
 * {@link #exchanges()} with its failure. The JDK's own HTTP server; one thread per request.
 */
public final class CheckingProxy implements AutoCloseable {
    /** Headers the JDK client sets itself, and hop-by-hop ones. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "transfer-encoding",
            "expect", "upgrade", "keep-alive", "date");

    /** One request as the client sent it (header names in lower case), and the checked answer or why it failed. */
    public record Exchange(String method, String target, Map<String, String> headers, byte[] body, Http.Reply reply,
                           AssertionError failure) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return method + " " + target + " -> " + (failure != null ? "nonconforming: " + Redact.mask(failure.getMessage())
                    : reply);
        }
    }

    private final Http upstream;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    public CheckingProxy(Http upstream) {
        this.upstream = upstream;
        try {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::forward);
        server.setExecutor(threads);
        server.start();
    }

    /** The proxy's base URL, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every exchange so far, oldest first. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** The last exchange, which must have conformed. */
    public Exchange last() {
        if (exchanges.isEmpty()) {
            throw new AssertionError("no request went through the proxy");
        }
        Exchange last = exchanges.get(exchanges.size() - 1);
        if (last.failure() != null) {
            throw last.failure();
        }
        return last;
    }

    /** Fails with the first answer that did not conform. */
    public void assertAllConformed() {
        for (Exchange exchange : exchanges) {
            if (exchange.failure() != null) {
                throw exchange.failure();
            }
        }
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values));
                }
            });
            URI uri = exchange.getRequestURI();
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            String method = exchange.getRequestMethod();
            boolean hasBody = exchange.getRequestHeaders().containsKey("Content-Length")
                    || exchange.getRequestHeaders().containsKey("Transfer-Encoding");
            Http.Reply reply;
            try {
                reply = upstream.send(method, target, headers, hasBody ? body : null);
            } catch (AssertionError e) {
                exchanges.add(new Exchange(method, target, Map.copyOf(headers), body, null, e));
                byte[] text = "nonconforming answer (see the test's failure)".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(599, text.length);
                exchange.getResponseBody().write(text);
                return;
            }
            exchanges.add(new Exchange(method, target, Map.copyOf(headers), body, reply, null));
            reply.headers().forEach((name, value) -> {
                if (!NOT_FORWARDED.contains(name) && !name.equals(":status")) {
                    exchange.getResponseHeaders().add(name, value);
                }
            });
            byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(reply.status(), head || answer.length == 0 ? -1 : answer.length);
            if (!head && answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
