package dev.portaltoken.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A small real-HTTP client for the tests. Every answer it receives, through the JDK client or a raw
 * socket, is checked against the OpenAPI documents the server serves ({@link Conformance}), and every
 * token minted through it by {@link MintedTokens} (HS256 ones as upstream's portal checks them), before
 * the test sees it.
 */
public final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final Conformance conformance;
    private final MintedTokens.Server server;

    /** A client for a server that serves all documents (no management port), with no secret nor audience set. */
    public Http(URI base) {
        this(base, Conformance.allSpecs(), MintedTokens.Server.DEFAULTS);
    }

    /** A client for a server with no secret nor audience set, checked against {@code conformance}. */
    public Http(URI base, Conformance conformance) {
        this(base, conformance, MintedTokens.Server.DEFAULTS);
    }

    /** @param server what the server was configured with, to check the tokens it mints */
    public Http(URI base, Conformance conformance, MintedTokens.Server server) {
        this.base = base;
        this.conformance = conformance;
        this.server = server;
    }

    /** A response with its body parsed as JSON when it is JSON. */
    public record Reply(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Status and body, with tokens and keys masked. */
        @Override
        public String toString() {
            return "HTTP " + status + " " + Redact.shown(body, 300);
        }
    }

    public URI uri(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    /** POST to the portal-token endpoint of {@code idOrAlias}; {@code body} null sends no body. */
    public Reply mint(String apiKey, String idOrAlias, String body) {
        return post("/api/v1/customers/" + idOrAlias + "/portal-token", apiKey == null ? Map.of()
                : Map.of("Authorization", "Bearer " + apiKey), body, "application/json");
    }

    public Reply post(String path, Map<String, String> headers, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            request.POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return send(request.build());
    }

    public Reply send(String method, String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return send(request.build());
    }

    /** Any method with any body bytes ({@code null}: none) and headers as given. */
    public Reply send(String method, String path, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    public Reply get(String path) {
        return send("GET", path, Map.of());
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            Reply reply = new Reply(response.statusCode(), headers, response.body());
            RuntimeSecrets.recordApiKeysIn(reply.body()); // a key created over HTTP is then a secret for the log scan
            conformance.check(request.method(), request.uri().getRawPath(), reply.status(), reply.headers(), reply.body());
            MintedTokens.check(request.method(), request.uri().getRawPath(), reply, server);
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Sends raw bytes on a fresh connection (for requests no HTTP client library will produce, such
     * as a POST without Content-Length or Content-Type) and returns the raw response, after checking
     * it like every other answer.
     */
    public String raw(String request) {
        byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
        byte[] response = exchange(bytes);
        RequestLine line = RequestLine.of(bytes);
        check(line, RawResponse.parse(response, line.method().equals("HEAD")));
        return new String(response, StandardCharsets.UTF_8);
    }

    /** {@link #raw(String)} for any bytes, the answer parsed (1xx interim answers skipped). */
    public Reply rawReply(byte[] request) {
        return checkRaw(request, exchange(request));
    }

    /**
     * Parses and checks what a server sent back on a connection the test drove itself (one request:
     * bytes after the first answer fail, like a missing or incomplete answer).
     */
    public Reply checkRaw(byte[] request, byte[] response) {
        RequestLine line = RequestLine.of(request);
        Reply reply = RawResponse.parse(response, line.method().equals("HEAD"));
        check(line, reply);
        return reply;
    }

    /** The method and the path (percent-encoded as sent, without query) of a raw request. */
    private record RequestLine(String method, String path) {
        static RequestLine of(byte[] request) {
            String first = new String(request, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            String[] parts = first.split(" ", -1);
            String target = parts.length > 1 ? parts[1] : "";
            if (target.startsWith("http://") || target.startsWith("https://")) {
                int slash = target.indexOf('/', target.indexOf("//") + 2);
                target = slash < 0 ? "/" : target.substring(slash);
            }
            int query = target.indexOf('?');
            return new RequestLine(parts[0], query < 0 ? target : target.substring(0, query));
        }
    }

    private void check(RequestLine request, Reply reply) {
        RuntimeSecrets.recordApiKeysIn(reply.body());
        conformance.check(request.method(), request.path(), reply.status(), reply.headers(), reply.body());
        MintedTokens.check(request.method(), request.path(), reply, server);
    }

    private byte[] exchange(byte[] request) {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
