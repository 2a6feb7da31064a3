package dev.portaltoken.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HttpLoadTest {
    private static int parse(HttpResponse r, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return r.parse(bytes, bytes.length);
    }

    @Test
    void aResponseIsCompleteOnlyWithItsWholeBody() {
        HttpResponse r = new HttpResponse();
        String full = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}";
        assertEquals(full.length(), parse(r, full));
        assertEquals(200, r.status);
        assertFalse(r.close);
        assertEquals(-1, parse(r, full.substring(0, full.length() - 1)));
        assertEquals(-1, parse(r, "HTTP/1.1 200 OK\r\nContent-Length: 15\r\n"));

        String chunked = "HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\na;x=y\r\n0123456789\r\n0\r\n\r\n";
        assertEquals(chunked.length(), parse(r, chunked));
        assertEquals(404, r.status);
        assertTrue(r.close);
        assertEquals(-1, parse(r, chunked.substring(0, chunked.length() - 2)));
    }

    /**
     * A server that stalls once for 300 ms, loaded at 200 requests/s on one connection: a closed-loop tool
     * would count one slow request; every request due during the stall waited for it, and is counted so.
     */
    @Test
    void aStallIsChargedToEveryRequestItDelayed() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger seen = new AtomicInteger();
        server.createContext("/", exchange -> {
            if (seen.incrementAndGet() == 150) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(seen.get() == 10 ? 500 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
        try {
            HttpLoad load = HttpLoad.get(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), "/x");
            HttpLoad.Paced paced = load.paced(1, 200, 0, 2);
            assertEquals(400, paced.answered() + paced.unfinished(), "every request due in 2 s at 200/s");
            assertEquals(1, paced.errors(), "the one 500");
            long slow = paced.latency().getCountBetweenValues(100_000_000L, Long.MAX_VALUE >> 4);
            assertTrue(slow >= 20, "requests due during the stall waited for it: " + slow + " over 100 ms");
            assertTrue(paced.latency().getMaxValue() >= 280_000_000L, "the stalled one itself");
            assertTrue(paced.sendLag().getValueAtPercentile(99) < paced.latency().getValueAtPercentile(99),
                    "the generator's own lateness does not include the server's stall");
        } finally {
            server.stop(0);
        }
    }
}
