package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.Prometheus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk import over HTTP at scale, through the packaged server under the production launch
 * ({@code -Xms64m -Xmx128m -XX:+UseSerialGC}): a CSV body of 200,000 customers by default
 * ({@code -Dimport.scale.rows=1000000} for the documented figures), generated as it is sent (chunked,
 * never a file), is imported while another client checks that the server stays ready and mints; the
 * same rows again with a bad one half way change nothing. Time, the server's peak heap (sampled from
 * /metrics) and its peak RSS are printed as figures; only the outcome is asserted.
 */
class CustomerImportScaleIT {
    private static final int ROWS = Integer.getInteger("import.scale.rows", 200_000);
    private static final List<String> PRODUCTION = List.of("-Xms64m", "-Xmx128m", "-XX:+UseSerialGC");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aLargeStreamedImportFitsTheProductionHeapWhileTheServerServesAndABadRowChangesNothing() throws Exception {
        Map<String, String> env = Map.of("PORTAL_RATE_LIMIT_PER_SECOND", "0");
        String dataDir = EmbeddedDatabases.create(dir.resolve("data")).toString();
        assertEquals(0, JarProcess.run(env, "tenant", "create", "--slug", "big", "--data-dir", dataDir).exit());
        String key = JarProcess.run(env, "api-key", "create", "--tenant", "big", "--data-dir", dataDir).lastLine();
        String early = JarProcess.run(env, "customer", "create", "--tenant", "big", "--data-dir", dataDir).lastLine();
        try (JarProcess.Server server = JarProcess.Server.start(PRODUCTION, env, "--port", "0", "--data-dir", dataDir)) {
            Http http = new Http(server.baseUri());
            Path status = Path.of("/proc", Long.toString(server.process().pid()), "status");
            AtomicBoolean importing = new AtomicBoolean(true);
            AtomicLong served = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicLong peakHeap = new AtomicLong();
            Thread watcher = new Thread(() -> {
                while (importing.get()) {
                    boolean ready = http.get("/readyz").status() == 200;
                    boolean minted = http.mint(key, early, null).status() == 200;
                    (ready && minted ? served : refused).incrementAndGet();
                    peakHeap.accumulateAndGet((long) Prometheus.present(http, "jvm_memory_used_bytes", "area=\"heap\""),
                            Math::max);
                }
            }, "import-watcher");
            watcher.start();
            long started = System.nanoTime();
            HttpResponse<String> imported;
            try {
                imported = upload(server.baseUri(), key, i -> "scale-" + i + ",Customer " + i
                        + " of a large tenant,billing-" + i + "@scale.example\n");
            } finally {
                importing.set(false);
                watcher.join();
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(200, imported.statusCode(), imported::body);
            JsonNode counts = JSON.readTree(imported.body());
            assertEquals(ROWS, counts.get("created").asLong(), imported::body);
            assertEquals(0, refused.get(), "the server stayed ready and minted during the import");
            assertTrue(served.get() > 0, "it was asked while importing");
            assertEquals(200, http.mint(key, "scale-" + (ROWS - 1), null).status(), "the last row is a customer");
            long rssKib = peakRss(status);
            System.out.printf("HTTP import of %,d customers (%s): %,d ms; server peak heap in use %.1f MiB (sampled),"
                    + " peak RSS %,d KiB; %,d ready-and-mint checks passed meanwhile%n", ROWS, PRODUCTION, millis,
                    peakHeap.get() / 1048576.0, rssKib, served.get());

            long bad = ROWS / 2;
            started = System.nanoTime();
            HttpResponse<String> refusedImport = upload(server.baseUri(), key, i -> i == bad ? "has space,Bad,\n"
                    : (i < bad ? "scale-" + i : "other-" + i) + ",Renamed " + i + ",\n");
            long refusedMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(400, refusedImport.statusCode(), refusedImport::body);
            String message = JSON.readTree(refusedImport.body()).get("message").asText();
            assertTrue(message.startsWith("1 bad row, nothing was imported:\nline " + (bad + 2) + ": "), message);
            Http.Reply unchanged = http.send("GET", "/api/v1/customers/scale-0", Map.of("Authorization", "Bearer " + key));
            assertEquals("Customer 0 of a large tenant", unchanged.json().get("name").asText(), "nothing renamed");
            assertEquals(404, http.send("GET", "/api/v1/customers/other-" + (ROWS - 1),
                    Map.of("Authorization", "Bearer " + key)).status(), "nothing created");
            System.out.printf("the same %,d rows with a bad one at line %,d: refused after %,d ms, nothing changed%n",
                    ROWS, bad + 2, refusedMillis);
        }
    }

    /** POSTs a CSV body of {@link #ROWS} rows, row {@code i} made by {@code row} as it is sent. */
    private static HttpResponse<String> upload(URI base, String key, LongFunction<String> row) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/v1/customers/import"))
                .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(row))).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The header row, then rows 0 to {@link #ROWS} - 1, made as they are read. */
    private static final class Generated extends InputStream {
        private final LongFunction<String> row;
        private byte[] current = "alias,name,email\n".getBytes(StandardCharsets.UTF_8);
        private int at;
        private long next;

        Generated(LongFunction<String> row) {
            this.row = row;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            int filled = 0;
            while (filled < length) {
                if (at == current.length) {
                    if (next == ROWS) {
                        break;
                    }
                    current = row.apply(next++).getBytes(StandardCharsets.UTF_8);
                    at = 0;
                }
                int n = Math.min(length - filled, current.length - at);
                System.arraycopy(current, at, buffer, offset + filled, n);
                at += n;
                filled += n;
            }
            return filled == 0 && length > 0 ? -1 : filled;
        }
    }

    private static long peakRss(Path status) throws IOException {
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("VmHWM:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
    }
}
