package dev.portaltoken.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Launches {@code java [flags] -jar portal-token-server.jar serve} for one configuration and waits
 * for its first 200 from the token endpoint (polled every 20 ms), the start-up time that is judged.
 */
final class PortalServer {
    /** Settings a run may tune through the driver's environment; passed on and recorded. */
    static final List<String> TUNING = List.of("HTTP_WORKER_THREADS", "DATABASE_POOL_SIZE",
            "PORTAL_API_KEY_CACHE_SECONDS", "PORTAL_CUSTOMER_CACHE_SECONDS", "LOG_FORMAT", "PORTAL_SIGNER",
            "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

    /** The documented training run's JVM flags ({@code serve --training-run}), which write the archive. */
    static final List<String> TRAINING_JVM_FLAGS = List.of("-XX:ArchiveClassesAtExit=" + Plan.CLASS_ARCHIVE, "-Xms64m",
            "-Xmx128m", "-XX:+UseSerialGC");
    /** The production launch without its archive: timed start-ups only, reported beside the judged ones. */
    static final List<String> UNARCHIVED_JVM_FLAGS = Plan.PRODUCTION_JVM_FLAGS.subList(1, Plan.PRODUCTION_JVM_FLAGS.size());

    private final Path jar;
    private final Path dataDir;
    private final Path runDir;
    private final Probe probe;
    private final String jwtSecret;
    private int launches;

    PortalServer(Path jar, Path dataDir, Path runDir, Probe probe, String jwtSecret) {
        this.jar = jar;
        this.dataDir = dataDir;
        this.runDir = runDir;
        this.probe = probe;
        this.jwtSecret = jwtSecret;
    }

    /**
     * The documented training run ({@code serve --training-run} under {@link #TRAINING_JVM_FLAGS}): writes the
     * production launch's class-data archive into the run directory, as an image build does once per jar and JDK.
     *
     * @return how long it took, in milliseconds
     */
    long train() throws Exception {
        List<String> command = new ArrayList<>(List.of(Launched.java()));
        command.addAll(TRAINING_JVM_FLAGS);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--training-run"));
        Launched run = Launched.start(command, environment(), runDir, "training-run");
        int exit = run.awaitExit(Plan.STARTUP_TIMEOUT_S);
        if (exit != 0 || !Files.isRegularFile(runDir.resolve(Plan.CLASS_ARCHIVE))) {
            throw new IllegalStateException("the training run failed (exit " + exit + "):\n" + run.tail());
        }
        return run.millisSinceStart();
    }

    /** A started server: its process, URL and start-up time. */
    record Started(Launched process, URI base, long startupMs, long rssAfterStartupKb) {
    }

    /**
     * @param externalDatabase the settings of the external PostgreSQL (the fixture's, through its socket and
     *                         with its password), or empty for the embedded one in the data directory
     * @throws IllegalStateException when it exits or gives no 200 within {@value Plan#STARTUP_TIMEOUT_S} s,
     *                               or its token does not check out
     */
    Started start(String algorithm, Optional<Map<String, String>> externalDatabase, List<String> jvmFlags) throws Exception {
        return start(algorithm, externalDatabase, jvmFlags, Map.of());
    }

    /** As {@link #start(String, Optional, List)} with a variant's settings over the harness's ({@code KEY+} appends). */
    Started start(String algorithm, Optional<Map<String, String>> externalDatabase, List<String> jvmFlags,
                  Map<String, String> settings) throws Exception {
        List<String> command = new ArrayList<>(List.of(Launched.java()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir",
                dataDir.toString()));
        Map<String, String> env = environment();
        env.put("PORTAL_RATE_LIMIT_PER_SECOND", "0");
        if (algorithm.equals("es256")) {
            env.put("PORTAL_TOKEN_ALG", "ES256");
        } else if (algorithm.equals("hs256")) {
            env.put("PORTAL_JWT_SECRET", jwtSecret);
        }
        externalDatabase.ifPresent(env::putAll);
        settings.forEach((key, value) -> {
            if (key.endsWith("+")) {
                env.merge(key.substring(0, key.length() - 1), value, String::concat);
            } else {
                env.put(key, value);
            }
        });
        Launched process = Launched.start(command, env, runDir,
                "server-" + (++launches) + "-" + algorithm + (externalDatabase.isPresent() ? "-external" : "-embedded"));
        long deadline = System.nanoTime() + Plan.STARTUP_TIMEOUT_S * 1_000_000_000L;
        int status = 0;
        Optional<URI> base = Optional.empty();
        while (System.nanoTime() < deadline) {
            if (!process.alive()) {
                throw new IllegalStateException("the " + algorithm + " server exited during start-up:\n" + process.tail());
            }
            base = base.isPresent() ? base : process.listening();
            if (base.isPresent() && (status = probe.mintStatus(base.get())) == 200) {
                break;
            }
            Thread.sleep(20);
        }
        if (status != 200) {
            process.stop(10);
            throw new IllegalStateException("the " + algorithm + " server gave no 200 within " + Plan.STARTUP_TIMEOUT_S
                    + " s (last status " + status + "):\n" + process.tail());
        }
        long startupMs = process.millisSinceStart();
        long rss = process.statusKb("VmRSS");
        probe.checkToken(base.get(), algorithm, jwtSecret);
        return new Started(process, base.get(), startupMs, rss);
    }

    /**
     * The environment of a server: PATH, HOME and the like from the driver's, plus the tuning
     * settings; never the settings the harness owns (database, ports, secrets, limits, URLs).
     */
    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        System.getenv().forEach((name, value) -> {
            boolean setting = name.startsWith("PORTAL_") || name.startsWith("DATABASE_") || name.equals("PORT")
                    || name.equals("HOST") || name.equals("DATA_DIR") || name.equals("MANAGEMENT_PORT")
                    || name.equals("LOG_FORMAT") || name.equals("HTTP_WORKER_THREADS") || name.startsWith("JAVA_TOOL")
                    || name.equals("JDK_JAVA_OPTIONS");
            if (!setting || TUNING.contains(name)) {
                env.put(name, value);
            }
        });
        return env;
    }

    /** The tuning settings this run passes on, for the report. */
    static Map<String, String> tuning() {
        Map<String, String> set = new LinkedHashMap<>();
        TUNING.forEach(name -> Optional.ofNullable(System.getenv(name)).ifPresent(v -> set.put(name, v)));
        return set;
    }
}
