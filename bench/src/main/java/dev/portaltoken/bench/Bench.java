package dev.portaltoken.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The benchmark run behind {@code bench/run.sh} (see bench/README.md): loads the fixture, makes the class-data archive,
 * measures each server of the plan against its own {@code /healthz} and a bare Jersey+Grizzly server in alternating
 * rounds, times cold start-ups, writes the named results (JSON) and the report. Exit status 0, 1 on a failure of the
 * run, 2 for an invalid run (an error answer or a socket error during the load) or a bad option.
 */
public final class Bench {
    private final Plan plan;
    private final Plan.Options options;
    private final Path root;
    private final Path runDir;
    private final long started = System.nanoTime();
    private final String loadBefore = Machine.loadAverage();
    /** The fixture's PostgreSQL while it runs, for the shutdown hook. */
    private static volatile Fixture running;

    private Bench(Plan plan, Plan.Options options, Path root, Path runDir) {
        this.plan = plan;
        this.options = options;
        this.root = root;
        this.runDir = runDir;
    }

    public static void main(String[] args) throws Exception {
        Plan.Options options = new Plan.Options();
        Plan plan;
        try {
            plan = Plan.parse(List.of(args), options);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage() + " (see bench/README.md)");
            System.exit(2);
            return;
        }
        Path root = Path.of("").toAbsolutePath();
        Results against = null;
        if (options.check || options.checkResults != null) {
            try {
                against = Results.read(root.resolve(options.against));
            } catch (java.io.IOException e) {
                System.err.println("bench: cannot read the recorded run " + options.against + ": " + e.getMessage());
                System.exit(2);
                return;
            }
        }
        if (options.checkResults != null) {
            System.exit(Check.print(against, Results.read(root.resolve(options.checkResults)), options.against));
            return;
        }
        Path runDir = Files.createTempDirectory("portal-token-bench-run",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        // However the run ends (done, failed, Ctrl-C, SIGTERM): stop every child and PostgreSQL, delete the run's files.
        Runnable cleanUp = () -> {
            Launched.stopAll();
            Fixture held = running;
            if (held != null) {
                held.close();
            }
            deleteTree(runDir);
        };
        Runtime.getRuntime().addShutdownHook(new Thread(cleanUp, "clean-up"));
        int status;
        try {
            Results results = new Bench(plan, options, root, runDir).run(String.join(" ", args));
            Path json = Path.of(options.results != null ? options.results : runDir.resolve("results.json").toString());
            results.write(json);
            Report report = new Report(results);
            Path output = root.resolve(options.output);
            report.write(output);
            if (options.results == null) {
                Files.copy(json, output.resolveSibling(output.getFileName().toString().replaceFirst("\\.md$", "")
                        + ".json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            System.err.println("[bench] report written to " + options.output + ", results beside it ("
                    + results.elapsedS() + " s in all)");
            status = report.valid() ? 0 : 2;
            if (against != null) {
                int check = Check.print(against, results, options.against);
                status = status != 0 ? status : check;
            }
        } catch (Exception e) {
            System.err.println("[bench] ERROR: " + e.getMessage());
            status = 1;
        } finally {
            cleanUp.run();
        }
        System.exit(status);
    }

    private Results run(String command) throws Exception {
        Path jar = root.resolve("impl/target/portal-token-server.jar");
        Path dataDir = runDir.resolve("data");
        byte[] secret = new byte[36];
        new SecureRandom().nextBytes(secret);
        String jwtSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        log("starting PostgreSQL and loading the fixture (" + Plan.TENANTS + " tenants, "
                + Plan.TENANTS * Plan.KEYS_PER_TENANT + " API keys, " + Plan.TENANTS * Plan.CUSTOMERS_PER_TENANT
                + " hot customers, " + String.format(Locale.ROOT, "%,d", plan.coldCustomers()) + " in the large tenant)");
        Fixture fixture = Fixture.load(dataDir, runDir, plan.coldCustomers());
        running = fixture;
        List<Results.ServerRun> servers = new ArrayList<>();
        List<Long> external = new ArrayList<>();
        List<Long> embedded = new ArrayList<>();
        List<Long> unarchived = new ArrayList<>(); // the external database's, without the class-data archive
        Results.ServerRun bareRun;
        try (fixture) {
            log("fixture loaded; PostgreSQL on the Unix socket of " + dataDir);
            if (options.hold) {
                String cold = plan.coldCustomers() > 0 ? " and " + fixture.coldSample(new java.util.SplittableRandom())
                        + " (token-split)" : "";
                log("holding: DATABASE_URL=" + fixture.externalEnv().get("DATABASE_URL") + " DATABASE_USER="
                        + fixture.externalEnv().get("DATABASE_USER") + " (DATABASE_PASSWORD in " + dataDir
                        + "/postgres-password) --data-dir " + dataDir + "; wrk request files " + fixture.hotFile() + cold
                        + " (they hold API keys); Ctrl-C ends");
                Thread.currentThread().join();
            }
            probe = new Probe(fixture.probeKey(), fixture.probeCustomer());
            hotFile = fixture.hotFile();
            portal = new PortalServer(jar, dataDir, runDir, probe, jwtSecret);
            log("class-data archive " + Plan.CLASS_ARCHIVE + " made by serve --training-run in " + portal.train() + " ms");
            Launched bare = launchBare("bare");
            rounds = new Rounds(plan, new Wrk(root.resolve("bench/load.lua")), fixture, probe, bare.awaitListening(),
                    this::log);
            List<Results.Measurement> bareWarmup = new ArrayList<>();
            rounds.warmUpBare(bareWarmup);
            if (!plan.tailRates().isEmpty()) {
                rounds.warmUpGenerator();
            }
            bareRun = new Results.ServerRun("bare Jersey+Grizzly", "none", "-", "-", List.of(), 0,
                    bare.statusKb("VmRSS"), bare.statusKb("VmHWM"), 0, 0, 0,
                    bareWarmup.size() * (long) Plan.WARMUP_STEP_S, -1, bareWarmup, List.of());
            if (plan.database().equals("external")) {
                loadEach(Optional.of(fixture.externalEnv()), servers, external);
            }
            startups(Optional.of(fixture.externalEnv()), external, Plan.PRODUCTION_JVM_FLAGS);
            startups(Optional.of(fixture.externalEnv()), unarchived, PortalServer.UNARCHIVED_JVM_FLAGS);
            fixture.close(); // PostgreSQL stops; the same cluster becomes the embedded database of serve --data-dir
            log("PostgreSQL stopped; the servers now start it themselves from the data directory");
            if (plan.database().equals("embedded")) {
                loadEach(Optional.empty(), servers, embedded);
            }
            startups(Optional.empty(), embedded, Plan.PRODUCTION_JVM_FLAGS);
        }
        List<Results.Startup> startups = List.of(new Results.Startup(plan.algorithms().get(0), "external", external),
                new Results.Startup(plan.algorithms().get(0), "embedded", embedded),
                new Results.Startup(plan.algorithms().get(0), Results.Startup.UNARCHIVED, unarchived));
        long elapsed = (System.nanoTime() - started) / 1_000_000_000L;
        return new Results(Machine.describe(root, command, loadBefore, !options.skipBuild, PortalServer.tuning()),
                plan, servers, bareRun, startups, elapsed, curves);
    }

    /** The bare Jersey+Grizzly server, a process of its own. */
    private Launched launchBare(String name) {
        return Launched.start(List.of(Launched.java(), "-cp", root.resolve("impl/target/portal-token-server.jar") + ":"
                + root.resolve("bench/target/portal-token-bench.jar"), BareServer.class.getName()),
                PortalServer.environment(), runDir, name);
    }

    private Probe probe;
    private PortalServer portal;
    private Rounds rounds;
    private Path hotFile;
    private List<Results.Curve> curves = List.of();

    /** Loads a server of each algorithm (the first one also with default JVM flags); records the first's start-up. */
    private void loadEach(Optional<Map<String, String>> database, List<Results.ServerRun> into, List<Long> startupsOfFirst)
            throws Exception {
        for (String algorithm : plan.algorithms()) {
            Results.ServerRun run = loaded(algorithm, database, Plan.PRODUCTION_JVM_FLAGS, plan.rounds());
            into.add(run);
            if (algorithm.equals(plan.algorithms().get(0))) {
                startupsOfFirst.add(run.startupMs());
            }
        }
        if (plan.defaultFlagsRun()) {
            into.add(loaded(plan.algorithms().get(0), database, List.of(), 1));
        }
        for (Map.Entry<String, Map<String, String>> variant : options.variants.entrySet()) {
            into.add(loaded(plan.algorithms().get(0), database, Plan.PRODUCTION_JVM_FLAGS, plan.rounds(),
                    " [" + variant.getKey() + "]", variant.getValue()));
        }
        if (plan.warmupCurveS() > 0) {
            curves = new LaunchCurves(plan, portal, hotFile, this::log).measure(database, options.variants,
                    name -> launchBare(name));
        }
    }

    private Results.ServerRun loaded(String algorithm, Optional<Map<String, String>> database, List<String> jvmFlags, int count)
            throws Exception {
        return loaded(algorithm, database, jvmFlags, count, "", Map.of());
    }

    /** @param settings a variant's settings over the harness's own ({@code KEY+} appends) */
    private Results.ServerRun loaded(String algorithm, Optional<Map<String, String>> database, List<String> jvmFlags, int count,
                                     String variant, Map<String, String> settings) throws Exception {
        String name = Report.algorithmName(algorithm) + (jvmFlags.isEmpty() ? " (default JVM flags)" : "") + variant;
        PortalServer.Started server = portal.start(algorithm, database, jvmFlags, settings);
        log(name + ": first 200 from the token endpoint " + server.startupMs() + " ms after launch; RSS "
                + server.rssAfterStartupKb() / 1024 + " MiB");
        List<Results.Measurement> measurements = new ArrayList<>();
        Rounds.Warm warm = rounds.warmUp(algorithm, server.base(), server.process(), measurements);
        log(name + ": warm-up " + warm.seconds() + " s (JIT queue " + warm.jitQueue() + "); " + count + " round(s)");
        long sampled = rounds.measure(algorithm, server.base(), server.process(), count, measurements);
        List<Results.Latency> tail = algorithm.equals(plan.algorithms().get(0)) && !jvmFlags.isEmpty()
                ? rounds.tail(algorithm, server.base(), count) : List.of();
        long peak = server.process().statusKb("VmHWM");
        String signer = probe.signer(server.base());
        server.process().stop(30);
        long errors = server.process().countStderrLines("^\\S+ +ERROR |\"level\":\"ERROR\"");
        log(name + ": peak RSS " + peak / 1024 + " MiB, signer " + signer + ", " + errors + " ERROR log lines");
        return new Results.ServerRun(name, algorithm, signer, database.isPresent() ? "external" : "embedded", jvmFlags,
                server.startupMs(), server.rssAfterStartupKb(), peak, sampled, server.process().stderrBytes(), errors,
                warm.seconds(), warm.jitQueue(), measurements, tail);
    }

    /** Further cold launches of the first algorithm with these flags, up to the plan's count. */
    private void startups(Optional<Map<String, String>> database, List<Long> into, List<String> jvmFlags) throws Exception {
        while (into.size() < plan.startups()) {
            PortalServer.Started server = portal.start(plan.algorithms().get(0), database, jvmFlags);
            into.add(server.startupMs());
            server.process().stop(30);
            log("cold start-up, " + (database.isPresent() ? "external" : "embedded") + " database, `"
                    + String.join(" ", jvmFlags) + "`: " + server.startupMs() + " ms");
        }
    }

    void log(String text) {
        System.err.printf(Locale.ROOT, "[bench %4ds] %s%n", (System.nanoTime() - started) / 1_000_000_000L, text);
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // best effort
        }
    }
}
