package dev.portaltoken.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads one server under test: a warm-up, then the measured rounds, in which every scenario of the
 * plan is measured once per round and per connection count, back to back, in an order that reverses
 * every round so that drift favours none. The bare server is measured in the same rounds. The
 * server's resident memory is sampled meanwhile.
 */
final class Rounds {
    private final Plan plan;
    private final Wrk wrk;
    private final Fixture fixture;
    private final Probe probe;
    private final URI bare;
    private final Log log;
    private final SplittableRandom random = new SplittableRandom();

    Rounds(Plan plan, Wrk wrk, Fixture fixture, Probe probe, URI bare, Log log) {
        this.plan = plan;
        this.probe = probe;
        this.wrk = wrk;
        this.fixture = fixture;
        this.bare = bare;
        this.log = log;
    }

    /** Progress lines on stderr. */
    interface Log {
        void line(String text);
    }

    /** What the warm-up took. */
    record Warm(long seconds, int jitQueue) {
    }

    /**
     * Warms the server with pairs of token and healthz traffic (and cold traffic where measured) at
     * {@value Plan#WARMUP_CONNECTIONS} connections, for at least the plan's minimum and until the JIT
     * compile queue is drained and healthz throughput levels off, for at most the plan's maximum.
     * Light load matters: at 32 connections the compiler threads starve on 2 cores.
     */
    Warm warmUp(String algorithm, URI server, Launched process, List<Results.Measurement> into) throws Exception {
        long seconds = 0;
        int queue = -1;
        double previous = 0;
        boolean cold = plan.scenarios(algorithm, Plan.THROUGHPUT_CONNECTIONS).contains("token-cold");
        while (plan.warmupMinS() > 0) {
            for (String scenario : cold ? List.of("token", "token-cold", "healthz") : List.of("token", "healthz")) {
                into.add(measure(algorithm, scenario, server, Plan.WARMUP_CONNECTIONS, 0, Plan.WARMUP_STEP_S));
                seconds += Plan.WARMUP_STEP_S;
            }
            double healthz = into.get(into.size() - 1).requestsPerSecond();
            queue = jitQueue(process);
            boolean stable = previous > 0 && Math.abs(healthz - previous) / previous < Plan.WARMUP_STABLE;
            if ((seconds >= plan.warmupMinS() && stable && queue <= Plan.WARMUP_JIT_QUEUE) || seconds >= plan.warmupMaxS()) {
                break;
            }
            previous = healthz;
        }
        return new Warm(seconds, queue);
    }

    /**
     * Warms the bare server, signing in every step with each algorithm of the plan it signs with, until
     * its {@code /healthz} throughput levels off (its JIT has little to compile).
     */
    void warmUpBare(List<Results.Measurement> into) throws Exception {
        double previous = 0;
        for (long seconds = 0; seconds < plan.warmupMaxS(); seconds += Plan.WARMUP_STEP_S) {
            for (String algorithm : plan.algorithms()) {
                if (Plan.SIGNED_BY_BARE.contains(algorithm)) {
                    into.add(measure(algorithm, "bare-sign", null, Plan.WARMUP_CONNECTIONS, 0, Plan.WARMUP_STEP_S));
                }
            }
            Results.Measurement m = measure("bare", "bare", null, Plan.WARMUP_CONNECTIONS, 0, Plan.WARMUP_STEP_S);
            into.add(m);
            if (seconds >= plan.warmupMinS() / 2 && previous > 0
                    && Math.abs(m.requestsPerSecond() - previous) / previous < Plan.WARMUP_STABLE) {
                return;
            }
            previous = m.requestsPerSecond();
        }
    }

    /** {@code rounds} measured rounds; returns the highest RSS sampled meanwhile (KiB). */
    long measure(String algorithm, URI server, Launched process, int rounds, List<Results.Measurement> into)
            throws Exception {
        AtomicLong maxRss = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted() && process.alive()) {
                maxRss.accumulateAndGet(process.statusKb("VmRSS"), Math::max);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            for (int round = 1; round <= rounds; round++) {
                for (int connections : List.of(Plan.THROUGHPUT_CONNECTIONS, Plan.LATENCY_CONNECTIONS)) {
                    List<String> order = new ArrayList<>(plan.scenarios(algorithm, connections));
                    if (round % 2 == 0) {
                        Collections.reverse(order);
                    }
                    for (String scenario : order) {
                        into.add(measure(algorithm, scenario, server, connections, round, plan.durationS()));
                    }
                }
            }
        } finally {
            sampler.interrupt();
        }
        return maxRss.get();
    }

    private Results.Measurement measure(String algorithm, String scenario, URI server, int connections, int round,
                                        int seconds) throws Exception {
        Results.Measurement m = switch (scenario) {
            case "bare" -> wrk.run(bare, scenario, "healthz", null, connections, round, seconds);
            case "healthz" -> wrk.run(server, scenario, "healthz", null, connections, round, seconds);
            case "bare-sign" -> wrk.run(bare, scenario, "sign", algorithm, connections, round, seconds);
            case "token" -> wrk.run(server, scenario, "token", fixture.hotFile().toString(), connections, round, seconds);
            case "introspect" -> wrk.run(server, scenario, "introspect", fixture.introspectFile(server).toString(), connections,
                    round, seconds);
            case "token-cold" -> {
                Path sample = fixture.coldSample(random);
                Probe.Pool before = probe.pool(server);
                yield wrk.run(server, scenario, "token-split", sample.toString(), connections, round, seconds)
                        .withPool(before, probe.pool(server));
            }
            default -> throw new IllegalArgumentException(scenario);
        };
        log.line(String.format(java.util.Locale.ROOT, "  %-6s %-10s c=%-2d round %d: %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms"
                        + "  errors %d", algorithm, scenario, connections, round, m.requestsPerSecond(), m.p50Us() / 1000,
                m.p99Us() / 1000, m.errors()));
        return m;
    }

    /**
     * The paced latency rounds (issue 28): in each round and at each connection count of the plan, the bare
     * resource, the server's {@code /healthz} and its token path at the same fixed rate, back to back, in an
     * order that reverses every round. Each measurement settles for {@value Plan#TAIL_SETTLE_S} s, then
     * counts the requests due in the plan's duration.
     */
    List<Results.Latency> tail(String algorithm, URI server, int rounds) throws Exception {
        Map<String, HttpLoad> loads = Map.of("bare", HttpLoad.get(bare, "/healthz"), "healthz",
                HttpLoad.get(server, "/healthz"), "token", HttpLoad.tokens(server, fixture.hotFile()));
        List<Results.Latency> into = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (Map.Entry<Integer, Integer> rate : plan.tailRates().entrySet()) {
                List<String> order = new ArrayList<>(Plan.TAIL_SCENARIOS);
                if (round % 2 == 0) {
                    Collections.reverse(order);
                }
                for (String scenario : order) {
                    Results.Latency l = latency(scenario, round, rate.getKey(), rate.getValue(),
                            loads.get(scenario).paced(rate.getKey(), rate.getValue(), Plan.TAIL_SETTLE_S, plan.durationS()));
                    into.add(l);
                    log.line(String.format(java.util.Locale.ROOT, "  %-6s %-10s c=%-3d round %d: %6d req/s paced  p50 %6.2f"
                            + " p99 %6.2f p99.9 %6.2f ms (generator p99 %5.2f ms)  errors %d", algorithm, scenario,
                            l.connections(), round, l.rate(), l.p50Us() / 1000, l.p99Us() / 1000, l.p999Us() / 1000,
                            l.sendLagP99Us() / 1000, l.allErrors()));
                }
            }
        }
        return into;
    }

    /** A few paced seconds against the bare server, not recorded, so that the generator's own code is compiled. */
    void warmUpGenerator() throws Exception {
        HttpLoad load = HttpLoad.get(bare, "/healthz");
        for (Map.Entry<Integer, Integer> rate : plan.tailRates().entrySet()) {
            load.paced(rate.getKey(), rate.getValue(), 0, 1);
        }
    }

    static Results.Latency latency(String scenario, int round, int connections, int rate, HttpLoad.Paced p) {
        org.HdrHistogram.Histogram h = p.latency();
        return new Results.Latency(scenario, connections, round, rate, p.answered(), p.durationNanos() / 1000,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, p.sendLag().getValueAtPercentile(99) / 1e3,
                p.errors(), p.unfinished(), Machine.load1());
    }

    /** Methods waiting for the JIT compilers of {@code process} ({@code jcmd Compiler.queue}); -1 when unknown. */
    static int jitQueue(Launched process) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!jcmd.toFile().canExecute()) {
            return -1;
        }
        String queue = Launched.output(List.of(jcmd.toString(), Long.toString(process.pid()), "Compiler.queue"), 30);
        return (int) queue.lines().filter(l -> l.matches("^\\d+ .*")).count();
    }
}
