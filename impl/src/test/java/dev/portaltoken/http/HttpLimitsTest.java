package dev.portaltoken.http;

import static dev.portaltoken.support.Replies.assertClientError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Oversized bodies, headers and URLs, and slow or idle clients: JSON answers (each checked against
 * the OpenAPI documents like every other) and waits bounded by the limits. The server has two
 * workers, so a test can occupy them all, and the production limits with shorter timeouts, which
 * the waits are timed against: each must end no earlier than its limit (less Grizzly's
 * once-a-second check) and by twice its limit and a second, which a loaded machine meets and the
 * production timeouts (10 to 30 s) would not. The production values are the README's.
 */
class HttpLimitsTest {
    private static final double BODY_SECONDS = 3;
    private static final double IDLE_SECONDS = 5;
    private static final double REQUEST_SECONDS = 9;
    private static final HttpLimits LIMITS = new HttpLimits(HttpLimits.DEFAULT.maxBodyBytes(),
            HttpLimits.DEFAULT.maxHeaderBytes(), Duration.ofSeconds((long) IDLE_SECONDS),
            HttpLimits.DEFAULT.maxRequestsPerConnection(), Duration.ofSeconds((long) BODY_SECONDS),
            Duration.ofSeconds((long) REQUEST_SECONDS), HttpLimits.DEFAULT.maxUnreadBodyBytes());
    /** docs/operations.md: "request line plus headers at most 8 KiB". */
    private static final int HEAD_BYTES = 8 * 1024;
    /** A timeout fires on Grizzly's once-a-second check. */
    private static final double EARLY = 1;

    @RegisterExtension
    static final ServerFixture acme = ServerFixture.acme(Map.of("HTTP_WORKER_THREADS", "2"), null).limits(LIMITS);

    /** The latest a wait bounded by {@code limit} may end: twice the limit and a second. */
    private static double latest(double limit) {
        return 2 * limit + 1;
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(acme.server().server().baseUri().getHost(), acme.server().server().baseUri().getPort());
        socket.setSoTimeout(60_000);
        return socket;
    }

    private static String post(String headers, String body) {
        return "POST /api/v1/customers/" + acme.customer() + "/portal-token HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + acme.key() + "\r\n" + headers + "\r\n" + body;
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    /** A request whose body stalls after a few bytes, on its own connection. */
    private record Stalled(Socket socket, byte[] request, long sentAt) {
        static Stalled send() throws IOException {
            Socket socket = connect();
            byte[] request = post("Content-Type: application/json\r\nContent-Length: 100\r\n", "{\"expires_in")
                    .getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return new Stalled(socket, request, System.nanoTime());
        }

        /** Waits for the answer: the checked reply and the seconds it took from the request. */
        Timed<Http.Reply> answer() throws IOException {
            try (socket) {
                byte[] response = readResponse(socket.getInputStream());
                return new Timed<>(acme.http().checkRaw(request, response), secondsSince(sentAt));
            }
        }
    }

    private record Timed<T>(T value, double seconds) {
    }

    /**
     * Reads one response, head and Content-Length body, and stops there (the server may keep the
     * connection open); at the first byte's arrival the clock is what the caller measures.
     */
    private static byte[] readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Pattern length = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)\r\n");
        int b;
        while ((b = in.read()) != -1) {
            buffer.write(b);
            String text = buffer.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                Matcher m = length.matcher(text.substring(0, end + 2));
                if (m.find() && buffer.size() >= end + 4 + Integer.parseInt(m.group(1))) {
                    break;
                }
            }
        }
        return buffer.toByteArray();
    }

    private static void assertWithin(double seconds, double limit, String what) {
        assertTrue(seconds >= limit - EARLY && seconds <= latest(limit), String.format(Locale.ROOT,
                "%s after %.1f s; the limit is %.0f s", what, seconds, limit));
    }

    @Test
    void theProductionLimitsAreTheOnesTheReadmeStates() throws Exception {
        String readme = String.join(" ", Files.readString(Path.of("..", "docs", "operations.md")).split("\\s+"));
        assertTrue(readme.contains("- Limits: request bodies over 16 KiB are refused (declared ones before they are read),"
                + " request line plus headers at most 8 KiB, idle connections are closed after 15 s, a request body must"
                + " arrive within 10 s and any request is cut off after 30 s"), "docs/operations.md's Limits");
        assertEquals(new HttpLimits(16 * 1024, HEAD_BYTES, Duration.ofSeconds(15), 10_000, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 64 * 1024), HttpLimits.DEFAULT);
    }

    @Test
    void aDeclaredBodyOverTheCapIsRefusedBeforeItIsSent() {
        Http.Reply reply = acme.http().rawReply(post("Content-Type: application/json\r\nContent-Length: 100000000\r\n",
                "{").getBytes(StandardCharsets.UTF_8));
        assertEquals(400, reply.status(), reply::toString);
        assertTrue(reply.json().get("message").asText().contains("larger than 16384 bytes"), reply::toString);
    }

    @Test
    void aChunkedBodyOverTheCapIsRefused() {
        String payload = "{\"pad\":\"" + "x".repeat(6 * 4096) + "\"}";
        String encoded = Integer.toHexString(payload.length()) + "\r\n" + payload + "\r\n0\r\n\r\n";
        Http.Reply reply = acme.http().rawReply(post("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n", encoded).getBytes(StandardCharsets.UTF_8));
        assertEquals(400, reply.status(), reply::toString);
        assertTrue(reply.json().get("message").asText().contains("larger than 16384 bytes"), reply::toString);
    }

    @Test
    void requestLineAndHeadersAreLimitedTo8KiB() {
        String head = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
        for (int size : new int[] {HEAD_BYTES - 100, HEAD_BYTES + 10}) {
            String pad = "X-Pad: " + "p".repeat(size - head.length() - "X-Pad: \r\n\r\n".length()) + "\r\n";
            byte[] request = (head + pad + "\r\n").getBytes(StandardCharsets.US_ASCII);
            assertEquals(size, request.length);
            Http.Reply reply = acme.http().rawReply(request);
            if (size <= HEAD_BYTES) {
                assertEquals(200, reply.status(), () -> size + " bytes of head: " + reply);
            } else {
                assertEquals(400, reply.status(), () -> size + " bytes of head: " + reply);
                assertClientError(reply);
            }
        }
    }

    @Test
    void oversizedHeadersAndUrlsAndMalformedRequestsGetJson() {
        List<String> requests = List.of(
                "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "y".repeat(10_000) + "\r\n\r\n",
                "GET /" + "z".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "GET /healthz HTTP/1.1\r\n\r\n",
                "GET /%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "POST /api/v1/customers/x/portal-token HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\n"
                        + "Content-Length: 2\r\n\r\nab");
        for (String request : requests) {
            Http.Reply reply = acme.http().rawReply(request.getBytes(StandardCharsets.UTF_8));
            assertEquals(400, reply.status(), reply::toString);
            assertClientError(reply);
        }
    }

    /**
     * A stalled body holds its worker for the body timeout and no longer: with one worker free a
     * normal request is served at once; with both stalled it is served as soon as the first stalled
     * body is cut off, and each stalled request gets its JSON 400.
     */
    @Test
    void slowBodiesHoldAWorkerForTheBodyTimeoutAtMost() throws Exception {
        Stalled first = Stalled.send();
        assertEquals(200, acme.http().mint(acme.key(), acme.customer(), null).status());
        assertEquals(0, first.socket().getInputStream().available(),
                "with a worker free a normal request is served while the stalled one still waits for its body");

        Stalled second = Stalled.send();
        CompletableFuture<Timed<Integer>> blocked = CompletableFuture.supplyAsync(() -> {
            long at = System.nanoTime();
            int status = acme.http().mint(acme.key(), acme.customer(), null).status();
            return new Timed<>(status, secondsSince(at));
        });
        for (Stalled stalled : new Stalled[] {first, second}) {
            Timed<Http.Reply> answer = stalled.answer();
            assertEquals(400, answer.value().status(), answer.value()::toString);
            assertClientError(answer.value());
            assertWithin(answer.seconds(), BODY_SECONDS, "a stalled body got its 400");
        }
        Timed<Integer> served = blocked.get();
        assertEquals(200, served.value(), "the request that waited for a worker");
        assertTrue(served.seconds() <= latest(BODY_SECONDS), String.format(Locale.ROOT,
                "served %.1f s after it was sent, when both workers were stalled", served.seconds()));
    }

    /**
     * A connection that sends nothing is closed after the idle timeout, and a request whose body
     * trickles in (never stalling as long as the body timeout) is cut off after 30 s. Both run at
     * once, each on its own connection; the trickle holds one worker, the idle connection none.
     */
    @Test
    void idleConnectionsAndEndlessRequestsAreCutOff() throws Exception {
        CompletableFuture<Double> idle = CompletableFuture.supplyAsync(() -> {
            try (Socket socket = connect()) {
                long at = System.nanoTime();
                int read;
                try {
                    read = socket.getInputStream().read();
                } catch (SocketTimeoutException e) {
                    read = -2;
                }
                assertEquals(-1, read, "the server closes a connection that sends nothing, without a word");
                return secondsSince(at);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (Socket socket = connect()) {
            byte[] request = post("Content-Type: application/json\r\nContent-Length: 1000\r\n", "{\"pad\": \"")
                    .getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            long at = System.nanoTime();
            CompletableFuture<byte[]> response = CompletableFuture.supplyAsync(() -> {
                try {
                    return readResponse(socket.getInputStream());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            while (!response.isDone() && secondsSince(at) < latest(REQUEST_SECONDS) + 1) {
                Thread.sleep(500);
                out.write('x'); // well within the body timeout each time
                out.flush();
            }
            double cutOff = secondsSince(at);
            Http.Reply reply = acme.http().checkRaw(request, response.get());
            assertEquals(400, reply.status(), reply::toString);
            assertClientError(reply);
            assertWithin(cutOff, REQUEST_SECONDS, "a request still receiving its body was cut off");
        }
        assertWithin(idle.get(), IDLE_SECONDS, "an idle connection was closed");
        System.out.printf(Locale.ROOT, "idle connection closed after %.1f s%n", idle.get());
    }
}
