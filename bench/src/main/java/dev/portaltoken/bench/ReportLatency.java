package dev.portaltoken.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** The sections of {@link Report} for issue 28: tail latency by concurrency, and throughput after launch. */
final class ReportLatency {
    private final Results results;
    private final Consumer<String> line;
    private final List<Results.ServerRun> production;

    ReportLatency(Results results, Consumer<String> line) {
        this.results = results;
        this.line = line;
        this.production = results.servers().stream().filter(s -> !s.jvmFlags().isEmpty()).toList();
    }

    /** The target rows: tails against the bare resource at every connection count, and the warm-up. */
    void targets(Report report, Plan.Targets t) {
        for (Results.ServerRun s : production) {
            Ratios r = new Ratios(s);
            for (int c : r.tailConnections()) {
                for (String scenario : List.of("token", "healthz")) {
                    List<Double> p99 = r.tailPerRound(scenario, c, Results.Latency::p99Us);
                    List<Double> p999 = r.tailPerRound(scenario, c, Results.Latency::p999Us);
                    boolean pass = !p99.isEmpty() && Ratios.median(p99) <= t.maxTailVsBare()
                            && Ratios.median(p999) <= t.maxTailVsBare();
                    report.target(String.format(Locale.ROOT, "%s: %s p99 and p99.9 <= %s x the bare resource's, %d"
                            + " connection%s at %,d requests/s", s.name(), scenario.equals("token") ? "token" : "`/healthz`",
                            t.maxTailVsBare(), c, c == 1 ? "" : "s", r.tailRate(c)), "p99 " + Ratios.text(p99) + "; p99.9 "
                            + Ratios.text(p999), pass);
                }
            }
        }
        for (Results.Curve curve : results.warmups()) {
            if (!curve.scenario().equals("token")) {
                continue;
            }
            java.util.Optional<Integer> reached = WarmupChart.reached(curve);
            report.target(String.format(Locale.ROOT, "%s: launch to 90%% of steady token throughput under load <= %.0f s",
                    curve.name(), t.maxWarmupS()), String.format(Locale.ROOT, "%s (steady %,.0f requests/s)",
                    reached.map(x -> x + " s").orElse("not reached"), WarmupChart.steady(curve)),
                    reached.isPresent() && reached.get() <= t.maxWarmupS());
        }
    }

    /** Issue 28: the paced latency measurements, by connection count. */
    void tail() {
        List<Results.ServerRun> measured = production.stream().filter(s -> !s.latencies().isEmpty()).toList();
        if (measured.isEmpty()) {
            return;
        }
        line.accept("## Tail latency by concurrency (issue 28)");
        line.accept("");
        line.accept("Measured by the bench's own load generator (`HttpLoad`) at a fixed request rate per connection count,"
                + " the same for the bare resource, `/healthz` and the token path, below the token path's saturation."
                + " Requests are due on a fixed schedule spread over the connections, and each latency is counted from"
                + " when its request was due, not from when it was sent: a stall is charged to every request it"
                + " delayed (coordinated omission corrected, as wrk2 does). Percentiles from an HdrHistogram of each"
                + " measurement; medians over the rounds, and each ratio the median of the per-round ratios to the bare"
                + " resource measured in the same round. \"Generator p99\" is how late the generator's pacing thread"
                + " woke for a due request: its own scheduling delay on the shared cores, included in every latency,"
                + " whatever the server does. Where it is close to a scenario's p99, that tail is the machine's.");
        line.accept("");
        underLoad(measured.stream().flatMap(s -> s.latencies().stream()).map(Results.Latency::load1).toList());
        line.accept("| Server | Connections | Requests/s | Scenario | p50 | p90 | p99 | p99.9 | max | p99 vs bare"
                + " | p99.9 vs bare | Generator p99 | Load (1 min) | Errors |");
        line.accept("|---|---:|---:|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|");
        for (Results.ServerRun s : measured) {
            Ratios r = new Ratios(s);
            for (int c : r.tailConnections()) {
                for (String scenario : Plan.TAIL_SCENARIOS) {
                    List<Results.Latency> runs = r.tail(scenario, c);
                    if (runs.isEmpty()) {
                        continue;
                    }
                    boolean bare = scenario.equals("bare");
                    line.accept(String.format(Locale.ROOT, "| %s | %d | %,d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |",
                            s.name(), c, r.tailRate(c), scenario, Report.ms(r.tailMedian(scenario, c, Results.Latency::p50Us)),
                            Report.ms(r.tailMedian(scenario, c, Results.Latency::p90Us)),
                            Report.ms(r.tailMedian(scenario, c, Results.Latency::p99Us)),
                            Report.ms(r.tailMedian(scenario, c, Results.Latency::p999Us)),
                            Report.ms(r.tailMedian(scenario, c, Results.Latency::maxUs)),
                            bare ? "" : Ratios.text(r.tailPerRound(scenario, c, Results.Latency::p99Us)),
                            bare ? "" : Ratios.text(r.tailPerRound(scenario, c, Results.Latency::p999Us)),
                            Report.ms(r.tailMedian(scenario, c, Results.Latency::sendLagP99Us)),
                            loads(runs.stream().map(Results.Latency::load1).toList()),
                            runs.stream().mapToLong(Results.Latency::allErrors).sum()));
                }
            }
        }
        line.accept("");
    }

    /** {@code 0.4} or {@code 0.4-3.1}: the range of the 1-minute load averages at the end of the measurements. */
    static String loads(List<Double> loads) {
        double low = loads.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double high = loads.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return Double.isNaN(low) ? "?" : low == high ? String.format(Locale.ROOT, "%.1f", low)
                : String.format(Locale.ROOT, "%.1f-%.1f", low, high);
    }

    /**
     * A warning above a section whose measurements ended with the machine's 1-minute load average above its
     * core count: other processes took CPU time, and the tails are then mostly theirs.
     */
    private void underLoad(List<Double> loads) {
        double high = loads.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        int cpus = results.machine().cpus();
        if (high > cpus) {
            line.accept(String.format(Locale.ROOT, "**Taken under load**: the machine's 1-minute load average reached %s"
                    + " on its %d cores during these measurements (column \"Load\"), so other processes competed for the"
                    + " CPU and these figures are not the quiet machine's. For those, run `bench/run.sh` with nothing else"
                    + " running.", loads(loads), cpus));
            line.accept("");
        }
    }

    /** Issue 28: throughput second by second after launch, and its chart. */
    void warmup(String chart) {
        if (results.warmups().isEmpty()) {
            return;
        }
        line.accept("## Throughput after launch (issue 28)");
        line.accept("");
        line.accept(String.format(Locale.ROOT, "A fresh server (the production launch) and a fresh bare server, each"
                + " loaded from its first answer on at %d connections in a closed loop by the bench's load generator,"
                + " answers counted second by second from the launch of the process. Steady state: the median second of"
                + " the last %d; \"90%% from\": the second since launch from which every %d-second window averages at"
                + " least 90%% of it.", results.warmups().get(0).connections(), Plan.WARMUP_STEADY_S, Plan.WARMUP_WINDOW_S));
        line.accept("");
        underLoad(results.warmups().stream().map(Results.Curve::load1).toList());
        line.accept("![Requests per second over the first " + results.warmups().get(0).perSecond().size()
                + " s after launch](" + chart + ")");
        line.accept("");
        int seconds = results.warmups().stream().mapToInt(c -> c.perSecond().size()).max().orElse(0);
        StringBuilder head = new StringBuilder("| Server | Scenario | Ready | Steady | 90% from | Load (1 min) | Errors |");
        StringBuilder rule = new StringBuilder("|---|---|---:|---:|---:|---:|---:|");
        for (int from = 0; from < seconds; from += 10) {
            head.append(" ").append(from).append("-").append(Math.min(seconds, from + 10)).append(" s |");
            rule.append("---:|");
        }
        line.accept(head.toString());
        line.accept(rule.toString());
        for (Results.Curve c : results.warmups()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %.2f s | %,.0f/s | %s | %s | %d |",
                    c.name(), c.scenario(), c.startupMs() / 1000.0, WarmupChart.steady(c),
                    WarmupChart.reached(c).map(x -> x + " s").orElse("not reached"), loads(List.of(c.load1())), c.errors()));
            for (int from = 0; from < seconds; from += 10) {
                List<Long> part = c.perSecond().subList(Math.min(from, c.perSecond().size()),
                        Math.min(from + 10, c.perSecond().size()));
                row.append(String.format(Locale.ROOT, " %,.0f |", part.stream().mapToLong(Long::longValue).average().orElse(0)));
            }
            line.accept(row.toString());
        }
        line.accept("");
        line.accept("Mean requests/s in each 10-second span since launch.");
        line.accept("");
    }

}
