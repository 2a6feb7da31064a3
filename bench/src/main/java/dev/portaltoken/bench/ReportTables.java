package dev.portaltoken.bench;

import dev.portaltoken.customer.Customers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** The sections of {@link Report}, each a Markdown table built from the named results. */
final class ReportTables {
    private static final int T = Report.throughput();
    private static final int L = Report.latency();

    private final Results results;
    private final Consumer<String> line;
    private final List<Results.ServerRun> production;

    ReportTables(Results results, Consumer<String> line) {
        this.results = results;
        this.line = line;
        this.production = results.servers().stream().filter(s -> !s.jvmFlags().isEmpty()).toList();
    }

    void targets(Report report) {
        Plan.Targets t = report.targets();
        line.accept("## Targets (issues 13, 17 and 28)");
        line.accept("");
        line.accept("Throughput at " + T + " connections and p99 at " + L + " connections; each ratio is the median of the"
                + " per-round ratios (range in brackets): both sides are measured back to back in every round.");
        line.accept("");
        line.accept("| Target | Measured | Result |");
        line.accept("|---|---|---|");
        List<Double> healthzVsBare = new ArrayList<>();
        for (Results.ServerRun s : production) {
            Ratios r = new Ratios(s);
            String name = s.name();
            switch (s.algorithm()) {
                case "eddsa" -> {
                    report.ratioTarget(name + ": token requests/s >= " + t.eddsaVsHealthz() + " x `/healthz`",
                            r.perRound("token", "healthz", T, Results.Measurement::requestsPerSecond), x -> x >= t.eddsaVsHealthz());
                    report.ratioTarget(name + ": token requests/s >= " + t.eddsaVsBare() + " x the bare resource",
                            r.perRound("token", "bare", T, Results.Measurement::requestsPerSecond), x -> x >= t.eddsaVsBare());
                }
                case "es256" -> report.ratioTarget(name + ": token requests/s >= " + t.es256VsHealthz() + " x `/healthz`",
                        r.perRound("token", "healthz", T, Results.Measurement::requestsPerSecond), x -> x >= t.es256VsHealthz());
                default -> line.accept("| " + name + ": token requests/s / `/healthz` | " + Ratios.text(r.perRound("token",
                        "healthz", T, Results.Measurement::requestsPerSecond)) + " | reported |");
            }
            if (!r.measured("bare-sign", T).isEmpty()) {
                line.accept("| " + name + ": the bare resource signing once per request (`bare-sign`) / the bare"
                        + " resource: the most token / bare can be on this stack and machine | " + Ratios.text(r.perRound(
                        "bare-sign", "bare", T, Results.Measurement::requestsPerSecond)) + " | reported |");
            }
            report.ratioTarget(name + ": token p99 <= " + t.maxP99VsHealthz() + " x `/healthz` p99 (" + L + " connections)",
                    r.perRound("token", "healthz", L, Results.Measurement::p99Us), x -> x <= t.maxP99VsHealthz());
            healthzVsBare.addAll(r.perRound("healthz", "bare", T, Results.Measurement::requestsPerSecond));
            if (!r.measured("introspect", T).isEmpty()) {
                report.ratioTarget(name + ": introspection of an active token requests/s >= " + t.minIntrospectVsToken()
                        + " x token (issue 12)", r.perRound("introspect", "token", T, Results.Measurement::requestsPerSecond),
                        x -> x >= t.minIntrospectVsToken());
            }
            if (!r.measured("token-cold", T).isEmpty()) {
                report.ratioTarget(String.format(Locale.ROOT, "%s: a customer of a %,d-customer tenant at random,"
                        + " requests/s >= %s x the hot set", name, results.plan().coldCustomers(), t.minColdVsHot()), r.perRound("token-cold", "token", T, Results.Measurement::requestsPerSecond),
                        x -> x >= t.minColdVsHot());
            }
        }
        report.ratioTarget("`/healthz` requests/s >= " + t.healthzVsBare() + " x the bare resource (rounds of every server)",
                healthzVsBare, x -> x >= t.healthzVsBare());
        new ReportLatency(results, line).targets(report, t);
        long errors = results.servers().stream().flatMap(s -> s.measurements().stream())
                .mapToLong(Results.Measurement::errors).sum()
                + results.bare().measurements().stream().mapToLong(Results.Measurement::errors).sum()
                + results.servers().stream().flatMap(s -> s.latencies().stream()).mapToLong(Results.Latency::allErrors).sum()
                + results.warmups().stream().mapToLong(Results.Curve::errors).sum();
        report.target("0 errors (every answer 2xx, no socket error, none over " + Plan.WRK_TIMEOUT_S + " s)",
                errors + " errors", errors == 0);
        for (Results.ServerRun s : results.servers()) {
            double peakMb = s.peakRssKb() * 1024 / 1e6;
            if (s.jvmFlags().isEmpty()) {
                line.accept("| " + s.name() + ": peak RSS (beside the target, for comparison) | " + Report.mb(s.peakRssKb())
                        + " | reported |");
            } else {
                report.target(s.name() + ": peak RSS < " + (int) t.maxPeakRssMb() + " MB, production launch (`"
                        + String.join(" ", s.jvmFlags()) + "`)", Report.mb(s.peakRssKb()), peakMb < t.maxPeakRssMb());
            }
        }
        for (Results.Startup s : results.startups()) {
            double median = Ratios.median(s.millis().stream().map(Long::doubleValue).toList()) / 1000;
            String what = Report.algorithmName(s.algorithm()) + ": start-up to the first 200, " + s.described()
                    + " (median of " + s.millis().size() + ")";
            String measured = String.format(Locale.ROOT, "%.2f s", median);
            if (s.millis().isEmpty()) {
                continue;
            }
            if (s.database().equals("external")) {
                report.target(what + " < " + t.maxStartupS() + " s", measured, median < t.maxStartupS());
                if (t.maxReadyS() > 0) {
                    report.target(what + " < " + t.maxReadyS() + " s (issue 28)", measured, median < t.maxReadyS());
                }
            } else {
                line.accept("| " + what + " | " + measured + " | no target |");
            }
        }
        line.accept("");
    }

    void results() {
        line.accept("## Results");
        line.accept("");
        line.accept("Medians over the rounds. `bare` is a Jersey resource on Grizzly (same versions, its own process)"
                + " returning a constant JSON body: the HTTP stack's ceiling. `bare-sign` is that server answering"
                + " a POST with a JWS it signs with AWS-LC, claims fresh in every request: the stack's ceiling for a"
                + " token endpoint. `token-cold` names a random customer of a"
                + " tenant of " + String.format(Locale.ROOT, "%,d", results.plan().coldCustomers()) + " in every request.");
        line.accept("");
        line.accept("| Server | Scenario | Connections | Requests/s | p50 | p99 | vs `/healthz` | vs bare | Errors |");
        line.accept("|---|---|---:|---:|---:|---:|---|---|---:|");
        for (Results.ServerRun s : results.servers()) {
            Ratios r = new Ratios(s);
            for (int c : List.of(T, L)) {
                for (String scenario : List.of("bare", "bare-sign", "healthz", "token", "token-cold")) {
                    if (r.measured(scenario, c).isEmpty()) {
                        continue;
                    }
                    boolean rps = c == T;
                    var metric = rps ? (java.util.function.ToDoubleFunction<Results.Measurement>) Results.Measurement::requestsPerSecond
                            : (java.util.function.ToDoubleFunction<Results.Measurement>) Results.Measurement::p99Us;
                    String vsHealthz = scenario.equals("healthz") ? "" : (rps ? "" : "p99 ")
                            + Ratios.text(r.perRound(scenario, "healthz", c, metric));
                    String vsBare = scenario.equals("bare") || !rps ? "" : Ratios.text(r.perRound(scenario, "bare", c, metric));
                    line.accept(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %s | %s | %s | %s | %d |", s.name(),
                            scenario, c, r.median(scenario, c, Results.Measurement::requestsPerSecond).orElseThrow(),
                            Report.ms(r.median(scenario, c, Results.Measurement::p50Us).orElseThrow()),
                            Report.ms(r.median(scenario, c, Results.Measurement::p99Us).orElseThrow()), vsHealthz, vsBare,
                            r.measured(scenario, c).stream().mapToLong(Results.Measurement::errors).sum()));
                }
            }
        }
        line.accept("");
    }

    void cold() {
        for (Results.ServerRun s : production) {
            Ratios r = new Ratios(s);
            if (r.measured("token-cold", T).isEmpty()) {
                continue;
            }
            int cold = results.plan().coldCustomers();
            line.accept("### The cold scenario: what bounds it");
            line.accept("");
            line.accept(String.format(Locale.ROOT, "Every request names a customer drawn uniformly from %,d; the server"
                    + " remembers at most %,d found customers (`Customers.CACHE_ENTRIES`), so at most %.0f%% of them can"
                    + " be answered from memory; the others are looked up in PostgreSQL over the pool of %s"
                    + " connections, concurrent lookups sharing one query (`customer.CustomerLookups`; each key one"
                    + " descent of `customer_tenant_alias_key`, or of the primary key for a `cus_` id). Measured"
                    + " (medians over the rounds, from the server's `hikaricp_*` and `portal_customer_*` metrics):"
                    + " %.0f%% of the requests took a connection, each held it %s (the query's round trip, PostgreSQL"
                    + " sharing the 2 cores) and waited %s for a free one; %s. Cold/hot: %s; p50 %s cold against %s"
                    + " hot. See bench/README.md for the profile of this path.", cold, Customers.CACHE_ENTRIES,
                    Math.min(100.0, 100.0 * Customers.CACHE_ENTRIES / cold),
                    results.machine().serverSettings().getOrDefault("DATABASE_POOL_SIZE", "10 (the default)"),
                    100 * r.median("token-cold", T, m -> (double) m.poolUses() / Math.max(1, m.requests())).orElseThrow(),
                    Report.ms(r.median("token-cold", T, Results.Measurement::poolUseUs).orElseThrow()),
                    Report.ms(r.median("token-cold", T, Results.Measurement::poolWaitUs).orElseThrow()),
                    batchSize(r),
                    Ratios.text(r.perRound("token-cold", "token", T, Results.Measurement::requestsPerSecond)),
                    Report.ms(r.median("token-cold", T, Results.Measurement::p50Us).orElseThrow()),
                    Report.ms(r.median("token", T, Results.Measurement::p50Us).orElseThrow())));
            line.accept("");
        }
    }

    /** The cold scenario's mean batch size, in words; results from before lookups were counted have none. */
    private static String batchSize(Ratios r) {
        double size = r.median("token-cold", T, Results.Measurement::batchSize).orElseThrow();
        return size == 0 ? "lookups per query were not counted in this run"
                : String.format(Locale.ROOT, "a query carried %.1f lookups on average (the mean batch size: lookups"
                        + " read from the database per query)", size);
    }

    void processes() {
        line.accept("## Server processes");
        line.accept("");
        line.accept("Start-up: launch of `java ... -jar portal-token-server.jar serve` to the first 200 from the token"
                + " endpoint. RSS is the server's java process only (PostgreSQL runs in processes of its own); peak is"
                + " VmHWM at the end of the load.");
        line.accept("");
        line.accept("| Server | JVM flags | Signer | Database | Start-up | RSS after start-up | Warm-up | Peak RSS"
                + " | Max sampled RSS | Request log | ERROR log lines |");
        line.accept("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Results.ServerRun s : results.servers()) {
            line.accept(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f s | %s | %d s%s | %s | %s | %.1f MB | %d |",
                    s.name(), s.jvmFlags().isEmpty() ? "(defaults)" : "`" + String.join(" ", s.jvmFlags()) + "`",
                    s.signer(), s.database(), s.startupMs() / 1000.0, Report.mb(s.rssAfterStartupKb()), s.warmupS(),
                    s.jitQueue() > Plan.WARMUP_JIT_QUEUE ? " (JIT queue " + s.jitQueue() + ": not warm)" : "",
                    Report.mb(s.peakRssKb()), Report.mb(s.maxSampledRssKb()), s.requestLogBytes() / 1e6,
                    s.errorLogLines()));
        }
        line.accept("");
        line.accept("| Start-ups | Database | Launches | Median | Every launch |");
        line.accept("|---|---|---:|---:|---|");
        for (Results.Startup s : results.startups()) {
            line.accept(String.format(Locale.ROOT, "| %s | %s | %d | %.2f s | %s |", Report.algorithmName(s.algorithm()),
                    s.described(), s.millis().size(), Ratios.median(s.millis().stream().map(Long::doubleValue).toList()) / 1000,
                    String.join(", ", s.millis().stream().map(ms -> String.format(Locale.ROOT, "%.2f s", ms / 1000.0)).toList())));
        }
        line.accept("");
    }

    void machine() {
        Results.Machine m = results.machine();
        Plan p = results.plan();
        line.accept("## Machine and run");
        line.accept("");
        line.accept("| | |");
        line.accept("|---|---|");
        line.accept("| CPU | " + m.cpu() + ", " + m.cpus() + " CPUs, shared with wrk and PostgreSQL (and other work: see load) |");
        line.accept("| RAM, OS | " + m.ram() + "; " + m.os() + " |");
        line.accept("| Java | " + m.java() + " |");
        line.accept("| Load generator | " + m.wrk() + ", " + Plan.WRK_THREADS + " threads, same machine |");
        line.accept("| Commit | `" + m.commit() + "` (" + (m.builtByThisRun() ? "built by this run" : "existing jar") + ") |");
        line.accept(String.format(Locale.ROOT, "| Plan | %d rounds of %d s per scenario after a warm-up of %d-%d s; servers: %s;"
                + " measured on the %s database |", p.rounds(), p.durationS(), p.warmupMinS(), p.warmupMaxS(),
                String.join(", ", p.algorithms()), p.database()));
        line.accept("| Server settings | PORTAL_RATE_LIMIT_PER_SECOND=0" + m.serverSettings().entrySet().stream()
                .map(e -> ", " + e.getKey() + "=" + e.getValue()).reduce("", String::concat) + "; request log on, to a file |");
        line.accept("| Load average (1/5/15 min) | before " + m.loadBefore() + ", after " + m.loadAfter() + " |");
        line.accept("| Run time | " + results.elapsedS() + " s |");
        line.accept("");
    }

    void rounds() {
        line.accept("## Every round");
        line.accept("");
        line.accept("Round 0 is warm-up. Errors: status >= 400, socket errors, responses over " + Plan.WRK_TIMEOUT_S + " s.");
        line.accept("");
        line.accept("| Server | Scenario | Connections | Round | Requests | Requests/s | p50 | p99 | Errors |");
        line.accept("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        List<Results.ServerRun> all = new ArrayList<>(List.of(results.bare()));
        all.addAll(results.servers());
        for (Results.ServerRun s : all) {
            for (Results.Measurement m : s.measurements()) {
                line.accept(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %,.0f | %s | %s | %d |", s.name(),
                        m.scenario(), m.connections(), m.round(), m.requests(), m.requestsPerSecond(), Report.ms(m.p50Us()),
                        Report.ms(m.p99Us()), m.errors()));
            }
        }
    }
}
