package dev.portaltoken.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's HAProxy (package {@code haproxy}, which .ci/run installs) on a free loopback port in
 * front of server instances, configured as a Kubernetes Service behaves: round robin, a health check
 * {@code GET /readyz} every second (one failure takes an instance out, one success puts it back), and
 * {@code retries 0} with no redispatch, so a request sent to an instance that fails it is lost, not
 * retried. {@link #close()} stops it and deletes its directory.
 */
public final class HaProxy implements AutoCloseable {
    private final Path dir;
    private final Path log;
    private final int port;
    private final int statsPort;
    private final Process process;

    private HaProxy(List<Integer> backendPorts) {
        Path binary = LocalServices.installed("/usr/sbin/haproxy", "haproxy");
        try {
            dir = Files.createTempDirectory("haproxy");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log = dir.resolve("haproxy.log");
        port = LocalServices.freePort();
        statsPort = LocalServices.freePort();
        List<String> lines = new ArrayList<>(List.of(
                "global",
                "  maxconn 2000",
                "defaults",
                "  mode http",
                "  retries 0",
                "  timeout connect 2s",
                "  timeout client 30s",
                "  timeout server 30s",
                "listen stats",
                "  bind 127.0.0.1:" + statsPort,
                "  stats enable",
                "  stats uri /stats",
                "frontend api",
                "  bind 127.0.0.1:" + port,
                "  default_backend instances",
                "backend instances",
                "  balance roundrobin",
                "  option httpchk GET /readyz",
                "  http-check expect status 200",
                "  default-server inter 1s fall 1 rise 1"));
        for (int i = 0; i < backendPorts.size(); i++) {
            lines.add("  server instance" + i + " 127.0.0.1:" + backendPorts.get(i) + " check");
        }
        try {
            Path config = dir.resolve("haproxy.cfg");
            Files.writeString(config, String.join("\n", lines) + "\n");
            process = LocalServices.spawn(List.of(binary.toString(), "-db", "-f", config.toString()), log);
            LocalServices.awaitListening(port, process, log, Duration.ofSeconds(30));
        } catch (IOException e) {
            LocalServices.deleteTree(dir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** A running HAProxy balancing over the instances listening on {@code backendPorts} (loopback). */
    public static HaProxy start(List<Integer> backendPorts) {
        return new HaProxy(backendPorts);
    }

    /** Its address, where clients send their requests. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** How many instances the balancer sends requests to now (its health checks passed). */
    public long instancesUp() {
        try {
            java.net.http.HttpResponse<String> csv = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats;csv"))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return csv.body().lines().filter(line -> line.startsWith("instances,instance"))
                    .filter(line -> "UP".equals(line.split(",", -1)[17])).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String logTail() {
        return LocalServices.tail(log);
    }

    @Override
    public void close() {
        try {
            LocalServices.stop(process, Duration.ofSeconds(10));
        } finally {
            LocalServices.deleteTree(dir);
        }
    }
}
