package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Oversized bodies, headers and URLs, and slow or idle clients: JSON answers and bounded waits. */
class HttpLimitsTest {
    private static TestServer server;
    private static String key;
    private static String customer;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("HTTP_WORKER_THREADS", "2"));
        server.createTenant("acme");
        key = server.createApiKey("acme");
        customer = server.createCustomer("acme", null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(server.server().baseUri().getHost(), server.server().baseUri().getPort());
        socket.setSoTimeout(40_000);
        return socket;
    }

    /** Reads one response head and body (by Content-Length) or until the server closes. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            buffer.write(b);
            String text = buffer.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
                if (m.find() && buffer.size() >= end + 4 + Integer.parseInt(m.group(1))) {
                    break;
                }
            }
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static void assertJsonError(String response, String statusPrefix) throws IOException {
        assertTrue(response.startsWith("HTTP/1.1 " + statusPrefix), response);
        String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase();
        // Grizzly omits the header on its shortest error path (request line too long); never anything but JSON.
        assertTrue(!head.contains("content-type:") || head.contains("content-type: application/json"), response);
        assertFalse(response.toLowerCase().contains("<html"), response);
        JsonNode body = new ObjectMapper().readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertTrue(body.get("code").asText().matches("BAD_REQUEST|NOT_FOUND"), response);
        assertFalse(body.get("message").asText().isEmpty());
    }

    private static String post(String headers, String body) {
        return "POST /api/v1/customers/" + customer + "/portal-token HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + key + "\r\n" + headers + "\r\n" + body;
    }

    @Test
    void aDeclaredBodyOverTheCapIsRefusedBeforeItIsSent() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(post("Content-Type: application/json\r\nContent-Length: 100000000\r\n", "{").getBytes());
            out.flush();
            String response = readResponse(socket.getInputStream());
            assertJsonError(response, "400");
            assertTrue(response.contains("larger than 16384 bytes"), response);
        }
    }

    @Test
    void aChunkedBodyOverTheCapIsRefused() throws Exception {
        StringBuilder chunks = new StringBuilder();
        String chunk = "x".repeat(4096);
        chunks.append("{\"pad\":\"");
        for (int i = 0; i < 6; i++) {
            chunks.append(chunk);
        }
        String payload = chunks.append("\"}").toString();
        try (Socket socket = connect()) {
            String encoded = Integer.toHexString(payload.length()) + "\r\n" + payload + "\r\n0\r\n\r\n";
            socket.getOutputStream().write(post("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n", encoded).getBytes());
            String response = readResponse(socket.getInputStream());
            assertJsonError(response, "400");
            assertTrue(response.contains("larger than 16384 bytes"), response);
        }
    }

    @Test
    void oversizedHeadersAndUrlsAndMalformedRequestsGetJson() throws Exception {
        List<String> requests = List.of(
                "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "y".repeat(10_000) + "\r\n\r\n",
                "GET /" + "z".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "GET /healthz HTTP/1.1\r\n\r\n",
                "GET /%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "POST /api/v1/customers/x/portal-token HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\n"
                        + "Content-Length: 2\r\n\r\nab");
        for (String request : requests) {
            try (Socket socket = connect()) {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
                String response = readResponse(socket.getInputStream());
                assertJsonError(response, "4");
            }
        }
    }

    @Test
    void slowBodiesAreCutOffSoTheyCannotHoldTheWorkers() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket socket = connect();
                socket.getOutputStream().write(post("Content-Type: application/json\r\nContent-Length: 100\r\n",
                        "{\"expires_in").getBytes());
                socket.getOutputStream().flush();
                stalled.add(socket);
            }
            long started = System.nanoTime();
            int status = 0;
            while (status != 200 && System.nanoTime() - started < 40_000_000_000L) {
                try {
                    status = server.http().mint(key, customer, null).status();
                } catch (RuntimeException e) {
                    status = -1;
                }
            }
            assertEquals(200, status, "a normal request is served while slow clients occupy both workers");
            for (Socket socket : stalled) {
                String response = readResponse(socket.getInputStream());
                assertTrue(response.isEmpty() || response.startsWith("HTTP/1.1 400"),
                        "a stalled body is answered 400 or the connection closed: " + response);
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (Socket socket = connect()) {
            long started = System.nanoTime();
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (SocketTimeoutException e) {
                read = -2;
            }
            assertEquals(-1, read, "the server closes a connection that sends nothing");
            System.out.printf("idle connection closed after %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
    }
}
