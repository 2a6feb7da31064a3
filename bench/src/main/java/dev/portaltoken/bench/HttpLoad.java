package dev.portaltoken.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The bench's own HTTP/1.1 load generator, for what wrk cannot measure honestly: latency at a fixed
 * request rate, and throughput second by second.
 *
 * <p>{@link #paced}: open loop, as wrk2 does. Requests are due on a fixed schedule, {@code rate} per
 * second spread evenly over {@code connections} keep-alive connections (due time {@code j / rate}
 * goes to connection {@code j mod connections}). A request is sent when it is due, or, if its
 * connection still waits for an earlier answer, as soon as that answer arrives; its latency is
 * counted from when it was <em>due</em>, so a server that stalls is charged for every request it kept
 * waiting (coordinated omission corrected). Latencies go into an HdrHistogram (3 significant digits)
 * from which the percentiles are read. How late the generator's pacing thread woke for each due
 * request (its own scheduling delay on the shared cores, a floor under the latencies, whatever the
 * server does) is recorded beside them.
 *
 * <p>{@link #closed}: closed loop, each connection sending its next request as soon as its answer
 * arrives, counting answers per second since a given origin (the server's launch).
 *
 * <p>One I/O thread per run reads every connection (a selector); in paced runs a second thread keeps
 * the schedule. Requests are encoded once, before the run; nothing is allocated per request but the
 * histogram's rare resizes. Not thread-safe: one run at a time per instance.
 */
final class HttpLoad {
    private static final long MAX_NANOS = LoadRun.MAX_NANOS;
    /** Answers still awaited this long after a paced run's last due time are counted as unfinished. */
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final InetSocketAddress address;
    private final List<byte[]> requests;

    private HttpLoad(InetSocketAddress address, List<byte[]> requests) {
        this.address = address;
        this.requests = requests;
    }

    /** {@code GET path} on {@code base}, always the same request. */
    static HttpLoad get(URI base, String path) {
        return new HttpLoad(address(base), List.of(request("GET", path, base, null)));
    }

    /** {@code POST path} with no body on {@code base}. */
    static HttpLoad post(URI base, String path) {
        return new HttpLoad(address(base), List.of(request("POST", path, base, null)));
    }

    /**
     * Token requests from a fixture file ({@code K tenant key} and {@code C tenant id alias} lines, see
     * {@link Fixture}): one per customer, with a random key of its tenant, by id and by alias in
     * alternation, shuffled, as bench/load.lua builds them for wrk. The keys stay in memory.
     */
    static HttpLoad tokens(URI base, Path file) {
        Map<String, List<String>> keys = new HashMap<>();
        List<String[]> customers = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f[0].equals("K")) {
                    keys.computeIfAbsent(f[1], t -> new ArrayList<>()).add(f[2]);
                } else if (f[0].equals("C")) {
                    customers.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Random random = new Random(28);
        List<byte[]> built = new ArrayList<>();
        for (int i = 0; i < customers.size(); i++) {
            String[] c = customers.get(i);
            List<String> tenantKeys = keys.get(c[1]);
            String key = tenantKeys.get(random.nextInt(tenantKeys.size()));
            built.add(request("POST", "/api/v1/customers/" + (i % 2 == 0 ? c[2] : c[3]) + "/portal-token", base, key));
        }
        if (built.isEmpty()) {
            throw new IllegalStateException("no customers in " + file);
        }
        Collections.shuffle(built, random);
        return new HttpLoad(address(base), List.copyOf(built));
    }

    private static byte[] request(String method, String path, URI base, String bearer) {
        return (method + " " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
                + (method.equals("POST") ? "Content-Length: 0\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static InetSocketAddress address(URI base) {
        return new InetSocketAddress(base.getHost(), base.getPort());
    }

    /**
     * What a paced run measured over its measured part (after the warm-up).
     *
     * @param latency   from due time to the answer's last byte, in nanoseconds; unfinished requests are
     *                  recorded with the time they had waited when the run gave up on them
     * @param sendLag   from due time to when the pacing thread woke to send it, in nanoseconds: the
     *                  generator's own scheduling delay, included in {@code latency}; waiting for a busy
     *                  connection is not counted here
     * @param answered  answers to requests due in the measured part
     * @param errors    answers with a status of 400 or more, and socket errors
     * @param unfinished requests due in the measured part still unanswered {@value #DRAIN_NANOS} ns after
     */
    record Paced(Histogram latency, Histogram sendLag, long answered, long durationNanos, long errors, long unfinished) {
    }

    /**
     * Sends {@code rate} requests per second over {@code connections} connections for
     * {@code warmupS + measureS} seconds, and measures the requests due in the last {@code measureS}.
     */
    Paced paced(int connections, double rate, int warmupS, int measureS) throws IOException, InterruptedException {
        try (LoadRun run = new LoadRun(address, requests, connections)) {
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            run.measureFrom = start + TimeUnit.SECONDS.toNanos(warmupS);
            run.measureTo = run.measureFrom + TimeUnit.SECONDS.toNanos(measureS);
            double period = 1e9 / rate;
            Thread pacer = new Thread(() -> {
                for (long j = 0; ; j++) {
                    long due = start + (long) (j * period);
                    if (due >= run.measureTo) {
                        break;
                    }
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (due >= run.measureFrom) {
                        run.sendLag.recordValue(Math.min(MAX_NANOS, -wait));
                    }
                    run.due(run.conns.get((int) (j % connections)), due);
                }
                run.scheduled = true;
            }, "bench-pacer");
            pacer.setDaemon(true);
            pacer.start();
            run.loop(() -> run.scheduled && run.idle() || System.nanoTime() > run.measureTo + DRAIN_NANOS);
            pacer.join();
            long gaveUp = System.nanoTime();
            long unfinished = 0;
            for (LoadRun.Conn c : run.conns) {
                synchronized (c) {
                    if (c.inFlight && c.intended >= run.measureFrom) {
                        run.latency.recordValue(Math.min(MAX_NANOS, gaveUp - c.intended));
                        unfinished++;
                    }
                    for (int i = 0; i < c.backlogSize; i++) {
                        long due = c.backlog[(c.backlogHead + i) % c.backlog.length];
                        if (due >= run.measureFrom) {
                            run.latency.recordValue(Math.min(MAX_NANOS, gaveUp - due));
                            unfinished++;
                        }
                    }
                }
            }
            return new Paced(run.latency, run.sendLag, run.answered, run.measureTo - run.measureFrom, run.errors.get(), unfinished);
        }
    }

    /**
     * Closed loop for {@code seconds} from now on; answers counted per whole second since
     * {@code originNanos} ({@link System#nanoTime()}), from second 0 to the one the run ends in.
     *
     * @return answers (any status) per second, and the errors among them
     */
    Closed closed(int connections, long originNanos, int untilSecond) throws IOException {
        try (LoadRun run = new LoadRun(address, requests, connections)) {
            long end = originNanos + TimeUnit.SECONDS.toNanos(untilSecond);
            run.perSecond = new long[untilSecond];
            run.origin = originNanos;
            run.closedLoop = true;
            for (LoadRun.Conn c : run.conns) {
                synchronized (c) {
                    run.send(c, System.nanoTime());
                }
            }
            run.loop(() -> System.nanoTime() >= end);
            return new Closed(run.perSecond, run.errors.get());
        }
    }

    /** Answers per second since the origin, and errors. */
    record Closed(long[] perSecond, long errors) {
    }

}
