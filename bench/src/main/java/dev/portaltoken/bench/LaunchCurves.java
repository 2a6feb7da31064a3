package dev.portaltoken.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The throughput-after-launch curves of a run (issue 28), each from a fresh process. */
final class LaunchCurves {
    private final Plan plan;
    private final PortalServer portal;
    private final Path hotFile;
    private final Rounds.Log log;

    LaunchCurves(Plan plan, PortalServer portal, Path hotFile, Rounds.Log log) {
        this.plan = plan;
        this.portal = portal;
        this.hotFile = hotFile;
        this.log = log;
    }

    /**
     * Throughput second by second from launch (issue 28): a fresh server of the first algorithm with the
     * production launch, one of each {@code --variant} (so that a warm-up aid is compared in the same run),
     * then a fresh bare server, each under closed-loop load from its first answer on.
     */
    List<Results.Curve> measure(Optional<Map<String, String>> database, Map<String, Map<String, String>> variants,
                                Function<String, Launched> launchBare) throws Exception {
        List<Results.Curve> curves = new ArrayList<>();
        String algorithm = plan.algorithms().get(0);
        Map<String, Map<String, String>> launches = new java.util.LinkedHashMap<>();
        launches.put(Report.algorithmName(algorithm), Map.of());
        variants.forEach((name, settings) -> launches.put(Report.algorithmName(algorithm) + " [" + name + "]",
                settings));
        for (Map.Entry<String, Map<String, String>> launch : launches.entrySet()) {
            PortalServer.Started server = portal.start(algorithm, database, Plan.PRODUCTION_JVM_FLAGS, launch.getValue());
            curves.add(curve(launch.getKey(), "token", HttpLoad.tokens(server.base(), hotFile), server.process(),
                    server.startupMs()));
            server.process().stop(30);
        }
        Launched bare = launchBare.apply("bare-curve");
        URI uri = bare.awaitListening();
        curves.add(curve("bare Jersey+Grizzly", "bare", HttpLoad.get(uri, "/healthz"), bare, bare.millisSinceStart()));
        bare.stop(10);
        return curves;
    }

    private Results.Curve curve(String name, String scenario, HttpLoad load, Launched process, long readyMs)
            throws Exception {
        HttpLoad.Closed closed = load.closed(Plan.WARMUP_CURVE_CONNECTIONS, process.startedNanos(), plan.warmupCurveS());
        Results.Curve curve = new Results.Curve(name, scenario, Plan.WARMUP_CURVE_CONNECTIONS, readyMs,
                java.util.Arrays.stream(closed.perSecond()).boxed().toList(), closed.errors(), Machine.load1());
        log.line(String.format(Locale.ROOT, "%s %s after launch: ready at %.2f s, steady %,.0f requests/s, 90%% of it from %s",
                name, scenario, readyMs / 1000.0, WarmupChart.steady(curve),
                WarmupChart.reached(curve).map(s -> s + " s").orElse("never")));
        return curve;
    }
}
