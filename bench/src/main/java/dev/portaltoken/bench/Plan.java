package dev.portaltoken.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Every number of a benchmark run in one place: how long and how hard to measure, the fixture, the
 * JVM flags of the documented production launch, and the targets the report judges. The defaults
 * are the plan; the command line may change the run's shape (rounds, durations, servers), never a
 * target. Written into the results, so a report always shows the plan it was measured under.
 *
 * @param rounds                measured rounds per server; each round measures every scenario once
 * @param durationS             seconds per measurement
 * @param warmupMinS            least warm-up per server, in pairs of token + healthz traffic
 * @param warmupMaxS            most warm-up per server, even if the JIT queue is not drained
 * @param algorithms            servers to measure, each its own process: {@code eddsa}, {@code es256}, {@code hs256}
 * @param database              {@code external} (a separate PostgreSQL, as in production) or {@code embedded}
 * @param startups              cold launches timed per database, their median judged
 * @param coldCustomers         customers of the large tenant for the cold scenario (0: no cold scenario)
 * @param defaultFlagsRun       also run a server with default JVM flags under load, for its peak RSS
 * @param tailRates             requests per second of the paced latency measurements, by connection count
 *                              (issue 28; empty: none)
 * @param warmupCurveS          seconds of the throughput-after-launch curves (issue 28; 0: none)
 */
public record Plan(int rounds, int durationS, int warmupMinS, int warmupMaxS, List<String> algorithms,
                   String database, int startups, int coldCustomers, boolean defaultFlagsRun, Targets targets,
                   Map<Integer, Integer> tailRates, int warmupCurveS) {

    /** The production launch's class-data archive (README), made by the training run in the run's working directory. */
    public static final String CLASS_ARCHIVE = "portal-token-server.jsa";
    /** The documented production launch (README, "Run it in production"): the server's JVM flags. */
    public static final List<String> PRODUCTION_JVM_FLAGS = List.of("-XX:SharedArchiveFile=" + CLASS_ARCHIVE, "-Xms64m",
            "-Xmx128m", "-XX:+UseSerialGC");
    /** Algorithms the bare server signs with ({@code bare-sign}: the HTTP stack plus one AWS-LC signature). */
    static final List<String> SIGNED_BY_BARE = List.of("eddsa", "es256");

    static final int THROUGHPUT_CONNECTIONS = 32;
    static final int LATENCY_CONNECTIONS = 8;
    static final int WARMUP_CONNECTIONS = 4;
    static final int WARMUP_STEP_S = 4;
    /** The warm-up ends once healthz throughput moves by less than this between two steps. */
    static final double WARMUP_STABLE = 0.10;
    /** ... and at most this many methods wait for the JIT compilers. */
    static final int WARMUP_JIT_QUEUE = 5;
    static final int WRK_THREADS = 2;
    static final int WRK_TIMEOUT_S = 10;
    static final int TENANTS = 10;
    static final int KEYS_PER_TENANT = 10;
    static final int CUSTOMERS_PER_TENANT = 1_000;
    /** Random customers of the large tenant each wrk thread cycles through in one cold measurement. */
    static final int COLD_SAMPLE = 65_536;
    static final int STARTUP_TIMEOUT_S = 120;
    /** Worker threads of the bare Jersey+Grizzly server: Grizzly's default pool, as "Grizzly's defaults" of issue 28. */
    static final int BARE_WORKERS = 32;
    /**
     * The paced latency measurements (issue 28): at each connection count a fixed rate, the same for the
     * bare resource, {@code /healthz} and the token path, well below the token path's saturation (about
     * 18-28k requests/s at 32 connections on the 2-core machine): at most 1,000 per second per connection,
     * so that one connection is idle most of the time.
     */
    static final Map<Integer, Integer> TAIL_RATES = TailRates.of(1, 1_000, 8, 4_000, 32, 6_000, 128, 6_000);
    static final List<String> TAIL_SCENARIOS = List.of("bare", "healthz", "token");
    /** Seconds of a paced measurement not counted: connections open, the rate settles. */
    static final int TAIL_SETTLE_S = 1;
    /** The throughput-after-launch curves: seconds from launch, connections (closed loop). */
    static final int WARMUP_CURVE_S = 90;
    static final int WARMUP_CURVE_CONNECTIONS = 32;
    /** Steady state of a curve: the median second of its last this many. */
    static final int WARMUP_STEADY_S = 20;
    /** Seconds per window of a curve when judging when it reached 90% of steady state. */
    static final int WARMUP_WINDOW_S = 5;

    /**
     * What the report judges (issues 13, 17 and 28); fixed, not options.
     *
     * @param maxTailVsBare    issue 28: p99 and p99.9 of the token path and of {@code /healthz} over the bare resource's
     * @param maxWarmupS       issue 28: seconds from launch until token throughput stays at 90% of its steady state
     * @param maxReadyS        issue 28: launch to the first 200 from the token endpoint, median, seconds
     */
    public record Targets(double eddsaVsHealthz, double eddsaVsBare, double es256VsHealthz, double healthzVsBare,
                          double maxP99VsHealthz, double maxPeakRssMb, double maxStartupS, double minColdVsHot,
                          double minIntrospectVsToken, double maxTailVsBare, double maxWarmupS, double maxReadyS) {
    }

    /** Issue 12: introspecting an active token costs no more than a mint, so it answers at least as many per second. */
    public static final Targets TARGETS = new Targets(0.85, 0.70, 0.80, 0.85, 2.0, 300, 3.0, 0.75, 1.0, 2.0, 20, 2.0);
    /** Tokens minted per server for the introspect scenario (active ones, introspected with their tenant's key). */
    static final int INTROSPECTED_TOKENS = 200;

    public static Plan defaults() {
        return new Plan(3, 4, 16, 56, List.of("eddsa", "es256"), "external", 3, 1_000_000, true, TARGETS, TAIL_RATES,
                WARMUP_CURVE_S);
    }

    /** A short run to check the harness itself: one round, small fixture; its figures are not the plan's. */
    static Plan quick() {
        return new Plan(1, 2, 8, 16, List.of("eddsa", "es256"), "external", 1, 50_000, true, TARGETS, TAIL_RATES, 30);
    }

    /** The plan of {@code bench/run.sh --check}: what the regression check compares, the EdDSA server only. */
    static Plan check() {
        return new Plan(3, 4, 16, 56, List.of("eddsa"), "external", 3, 0, false, TARGETS, TAIL_RATES, WARMUP_CURVE_S);
    }

    /** The plan with the command line's changes; {@link IllegalArgumentException} for a bad option. */
    static Plan parse(List<String> args, Options into) {
        Plan base = args.contains("--quick") ? quick() : args.contains("--check") ? check() : defaults();
        int rounds = base.rounds;
        int duration = base.durationS;
        int warmupMin = base.warmupMinS;
        int warmupMax = base.warmupMaxS;
        List<String> algorithms = base.algorithms;
        String database = base.database;
        int startups = base.startups;
        int cold = base.coldCustomers;
        boolean defaultFlags = base.defaultFlagsRun;
        Map<Integer, Integer> rates = base.tailRates;
        int curve = base.warmupCurveS;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--quick" -> { }
                case "--check" -> into.check = true;
                case "--against" -> into.against = value(args, ++i);
                case "--check-results" -> into.checkResults = value(args, ++i);
                case "--rates" -> rates = TailRates.parse(value(args, ++i));
                case "--warmup-curve" -> curve = whole(args, ++i);
                case "--skip-build" -> into.skipBuild = true;
                case "--rounds" -> rounds = positive(args, ++i);
                case "--duration" -> duration = positive(args, ++i);
                case "--warmup" -> warmupMin = whole(args, ++i);
                case "--warmup-max" -> warmupMax = whole(args, ++i);
                case "--algorithms" -> algorithms = algorithms(value(args, ++i));
                case "--db" -> database = database(value(args, ++i));
                case "--startups" -> startups = positive(args, ++i);
                case "--cold-customers" -> cold = whole(args, ++i);
                case "--no-default-flags-run" -> defaultFlags = false;
                case "--output" -> into.output = value(args, ++i);
                case "--results" -> into.results = value(args, ++i);
                case "--hold" -> into.hold = true;
                case "--variant" -> variant(value(args, ++i), into.variants);
                default -> throw new IllegalArgumentException("unknown option " + args.get(i));
            }
        }
        if (into.output == null) {
            into.output = into.check ? "bench/target/check.md" : "docs/benchmarks.md";
        }
        return new Plan(rounds, duration, warmupMin, Math.max(warmupMin, warmupMax), algorithms, database, startups,
                cold, defaultFlags, TARGETS, rates, curve);
    }

    /** Where the report and the results go, and whether the jar was built by this run. */
    static final class Options {
        boolean skipBuild;
        /** Load the fixture, print where it is, and keep it until interrupted (for profiling by hand). */
        boolean hold;
        /** The report; by default docs/benchmarks.md, or bench/target/check.md for {@code --check}. */
        String output;
        String results;
        /** {@code --check}: compare this run's ratios with a recorded run's ({@link Check}). */
        boolean check;
        /** The recorded run {@code --check} compares with. */
        String against = "docs/benchmarks.json";
        /** Compare a saved results file instead of running. */
        String checkResults;
        /** More servers of the first algorithm, by name, each with these settings (KEY+=V appends to the harness's). */
        final Map<String, Map<String, String>> variants = new java.util.LinkedHashMap<>();
    }

    /** {@code NAME:KEY=VALUE,KEY+=VALUE...} into {@code variants}. */
    private static void variant(String text, Map<String, Map<String, String>> variants) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--variant wants NAME:KEY=VALUE[,KEY=VALUE...], got " + text);
        }
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String setting : text.substring(colon + 1).split(",")) {
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--variant setting KEY=VALUE, got " + setting);
            }
            env.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        variants.put(text.substring(0, colon), env);
    }

    /** The scenarios measured at {@code connections} on a server of {@code algorithm}, in the order of round 1. */
    List<String> scenarios(String algorithm, int connections) {
        List<String> scenarios = new ArrayList<>();
        if (connections == THROUGHPUT_CONNECTIONS) {
            scenarios.add("bare");
            if (SIGNED_BY_BARE.contains(algorithm)) {
                scenarios.add("bare-sign");
            }
        }
        scenarios.add("healthz");
        scenarios.add("token");
        if (connections == THROUGHPUT_CONNECTIONS) {
            scenarios.add("introspect");
        }
        if (connections == THROUGHPUT_CONNECTIONS && coldCustomers > 0 && algorithm.equals(algorithms.get(0))) {
            scenarios.add("token-cold");
        }
        return scenarios;
    }

    private static String value(List<String> args, int i) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(args.get(i - 1) + " needs a value");
        }
        return args.get(i);
    }

    private static int whole(List<String> args, int i) {
        if (value(args, i).matches("[0-9]{1,9}")) {
            return Integer.parseInt(args.get(i));
        }
        throw new IllegalArgumentException(args.get(i - 1) + " takes a whole number, not " + args.get(i));
    }

    private static int positive(List<String> args, int i) {
        int n = whole(args, i);
        if (n == 0) {
            throw new IllegalArgumentException(args.get(i - 1) + " must be at least 1");
        }
        return n;
    }

    private static List<String> algorithms(String list) {
        List<String> algorithms = new ArrayList<>();
        for (String a : list.toLowerCase(Locale.ROOT).split(",")) {
            if (!List.of("eddsa", "es256", "hs256").contains(a.trim())) {
                throw new IllegalArgumentException("unknown algorithm '" + a + "' (eddsa, es256, hs256)");
            }
            algorithms.add(a.trim());
        }
        return List.copyOf(algorithms);
    }

    private static String database(String db) {
        if (!db.equals("external") && !db.equals("embedded")) {
            throw new IllegalArgumentException("--db must be external or embedded");
        }
        return db;
    }
}
