package dev.portaltoken.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The regression check ({@code bench/run.sh --check}): the ratios of a run, each against the same ratio
 * of a recorded run (by default the committed docs/benchmarks.json), with a tolerance per kind. Only
 * ratios taken within one run are compared, never absolute figures, so the check means the same on a
 * busier machine; the load averages of both runs are printed beside it. Compared: the first
 * algorithm's server with the production launch (no variant).
 */
final class Check {
    /** Throughput ratios may fall by this fraction. */
    static final double THROUGHPUT_TOLERANCE = 0.10;
    /** Tail-latency ratios (p99 and p99.9 over the bare resource's) may grow by this fraction. */
    static final double TAIL_TOLERANCE = 0.50;
    /** Seconds the warm-up (launch to 90% of steady state) may grow by. */
    static final double WARMUP_TOLERANCE_S = 10;
    /** Start-up to the first 200 may grow by this fraction. */
    static final double STARTUP_TOLERANCE = 0.25;

    private Check() {
    }

    /** One compared figure. {@code now} is NaN when this run did not measure it. */
    record Row(String what, double recorded, double now, String allowed, boolean regressed) {
    }

    static List<Row> compare(Results recorded, Results now) {
        List<Row> rows = new ArrayList<>();
        Optional<Ratios> was = server(recorded);
        Optional<Ratios> is = server(now);
        if (was.isEmpty() || is.isEmpty()) {
            rows.add(new Row("the first algorithm's server with the production launch", Double.NaN, Double.NaN,
                    "measured in both runs", true));
            return rows;
        }
        ToDoubleFunction<Results.Measurement> rps = Results.Measurement::requestsPerSecond;
        int t = Plan.THROUGHPUT_CONNECTIONS;
        for (String[] pair : new String[][] {{"token", "bare"}, {"healthz", "bare"}, {"token", "healthz"}}) {
            double before = median(was.get().perRound(pair[0], pair[1], t, rps));
            double after = median(is.get().perRound(pair[0], pair[1], t, rps));
            rows.add(new Row(String.format(Locale.ROOT, "%s / %s requests/s, %d connections", pair[0], pair[1], t), before,
                    after, String.format(Locale.ROOT, ">= %.2f", before * (1 - THROUGHPUT_TOLERANCE)),
                    !(after >= before * (1 - THROUGHPUT_TOLERANCE))));
        }
        for (int c : was.get().tailConnections()) {
            for (String scenario : List.of("token", "healthz")) {
                for (boolean p999 : new boolean[] {false, true}) {
                    ToDoubleFunction<Results.Latency> metric = p999 ? Results.Latency::p999Us : Results.Latency::p99Us;
                    double before = median(was.get().tailPerRound(scenario, c, metric));
                    double after = median(is.get().tailPerRound(scenario, c, metric));
                    rows.add(new Row(String.format(Locale.ROOT, "%s %s / bare's, %d connection%s", scenario,
                            p999 ? "p99.9" : "p99", c, c == 1 ? "" : "s"), before, after,
                            String.format(Locale.ROOT, "<= %.2f", before * (1 + TAIL_TOLERANCE)),
                            !(after <= before * (1 + TAIL_TOLERANCE))));
                }
            }
        }
        Optional<Results.Curve> curveWas = curve(recorded);
        Optional<Results.Curve> curveIs = curve(now);
        if (curveWas.isPresent()) {
            double before = WarmupChart.reached(curveWas.get()).map(Integer::doubleValue).orElse(Double.NaN);
            double after = curveIs.flatMap(WarmupChart::reached).map(Integer::doubleValue).orElse(Double.NaN);
            rows.add(new Row("seconds from launch to 90% of steady token throughput", before, after,
                    String.format(Locale.ROOT, "<= %.0f", before + WARMUP_TOLERANCE_S),
                    !(after <= before + WARMUP_TOLERANCE_S)));
        }
        double before = startup(recorded);
        if (!Double.isNaN(before)) {
            double after = startup(now);
            rows.add(new Row("seconds from launch to the first 200 (median, external database)", before, after,
                    String.format(Locale.ROOT, "<= %.2f", before * (1 + STARTUP_TOLERANCE)),
                    !(after <= before * (1 + STARTUP_TOLERANCE))));
        }
        return rows;
    }

    /** Prints the comparison of {@code now} with {@code recorded}; returns the exit status, 3 on a regression, else 0. */
    static int print(Results recorded, Results now, String against) {
        List<Row> rows = compare(recorded, now);
        System.out.print(render(rows, recorded, now, against));
        return rows.stream().anyMatch(Row::regressed) ? 3 : 0;
    }

    /** The comparison as text, ending with the verdict. */
    static String render(List<Row> rows, Results recorded, Results now, String against) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Regression check against %s (%s, load %s / %s) by this run (load %s / %s):%n",
                against, recorded.machine().date(), recorded.machine().loadBefore(), recorded.machine().loadAfter(),
                now.machine().loadBefore(), now.machine().loadAfter()));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "  %-66s recorded %7.2f  now %7.2f  allowed %-9s %s%n", r.what(),
                    r.recorded(), r.now(), r.allowed(), r.regressed() ? "REGRESSED" : "ok"));
        }
        long regressed = rows.stream().filter(Row::regressed).count();
        out.append(regressed == 0 ? "no regression\n" : regressed + " regression(s): if the machine was busy (load above"
                + " its 2 cores), run again before believing them\n");
        return out.toString();
    }

    private static Optional<Ratios> server(Results results) {
        String first = results.plan().algorithms().get(0);
        return results.servers().stream()
                .filter(s -> s.algorithm().equals(first) && !s.jvmFlags().isEmpty() && s.name().equals(Report.algorithmName(first)))
                .findFirst().map(Ratios::new);
    }

    private static Optional<Results.Curve> curve(Results results) {
        return results.warmups().stream().filter(c -> c.scenario().equals("token")).findFirst();
    }

    private static double startup(Results results) {
        return results.startups().stream().filter(s -> s.database().equals("external") && !s.millis().isEmpty())
                .findFirst().map(s -> Ratios.median(s.millis().stream().map(Long::doubleValue).toList()) / 1000)
                .orElse(Double.NaN);
    }

    private static double median(List<Double> values) {
        return values.isEmpty() ? Double.NaN : Ratios.median(values);
    }
}
