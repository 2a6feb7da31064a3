package dev.portaltoken.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTest {
    @Test
    void optionsChangeTheRunButNeverTheTargets() {
        Plan.Options options = new Plan.Options();
        Plan plan = Plan.parse(List.of("--rounds", "5", "--duration", "6", "--algorithms", "ES256,eddsa", "--skip-build",
                "--cold-customers", "0", "--output", "/tmp/x.md"), options);
        assertEquals(5, plan.rounds());
        assertEquals(6, plan.durationS());
        assertEquals(List.of("es256", "eddsa"), plan.algorithms());
        assertEquals(0, plan.coldCustomers());
        assertEquals(Plan.TARGETS, plan.targets());
        assertTrue(options.skipBuild);
        assertEquals("/tmp/x.md", options.output);
        assertEquals(List.of("bare", "bare-sign", "healthz", "token", "introspect"), plan.scenarios("es256", 32),
                "no cold scenario asked for");
        assertEquals(List.of("healthz", "token"), plan.scenarios("es256", 8));
    }

    @Test
    void theColdScenarioRunsOnTheFirstServerOnly() {
        Plan plan = Plan.defaults();
        assertEquals(List.of("bare", "bare-sign", "healthz", "token", "introspect", "token-cold"), plan.scenarios("eddsa", 32));
        assertEquals(List.of("bare", "bare-sign", "healthz", "token", "introspect"), plan.scenarios("es256", 32));
        assertEquals(List.of("bare", "healthz", "token", "introspect"), plan.scenarios("hs256", 32),
                "the bare server signs with the asymmetric algorithms only");
        assertEquals(1_000_000, plan.coldCustomers());
    }

    @Test
    void theCheckMeasuresTheFirstServerAgainstTheRecordedRunAndWritesItsReportAside() {
        Plan.Options options = new Plan.Options();
        Plan plan = Plan.parse(List.of("--check", "--rates", "1:500,128:2000"), options);
        assertTrue(options.check);
        assertEquals("docs/benchmarks.json", options.against);
        assertEquals("bench/target/check.md", options.output, "a check never overwrites the committed report");
        assertEquals(List.of("eddsa"), plan.algorithms());
        assertEquals(java.util.Map.of(1, 500, 128, 2000), plan.tailRates());
        assertEquals(List.of(1, 128), List.copyOf(plan.tailRates().keySet()), "in the order given");
        assertEquals(Plan.WARMUP_CURVE_S, plan.warmupCurveS());
        assertEquals(List.of(1, 8, 32, 128), List.copyOf(Plan.defaults().tailRates().keySet()), "issue 28's connection counts");

        Plan.Options plain = new Plan.Options();
        Plan none = Plan.parse(List.of("--rates", "none", "--warmup-curve", "0"), plain);
        assertEquals(java.util.Map.of(), none.tailRates());
        assertEquals(0, none.warmupCurveS());
        assertEquals("docs/benchmarks.md", plain.output);
        assertEquals("--rates wants CONNECTIONS:REQUESTS_PER_SECOND,... or none, got 8:0",
                assertThrows(IllegalArgumentException.class, () -> Plan.parse(List.of("--rates", "8:0"), plain)).getMessage());
    }

    @Test
    void badOptionsAreRefusedWithWhatIsWrong() {
        Plan.Options options = new Plan.Options();
        assertEquals("--rounds must be at least 1",
                assertThrows(IllegalArgumentException.class, () -> Plan.parse(List.of("--rounds", "0"), options)).getMessage());
        assertEquals("--duration takes a whole number, not x",
                assertThrows(IllegalArgumentException.class, () -> Plan.parse(List.of("--duration", "x"), options)).getMessage());
        assertEquals("unknown algorithm 'rs256' (eddsa, es256, hs256)",
                assertThrows(IllegalArgumentException.class, () -> Plan.parse(List.of("--algorithms", "rs256"), options))
                        .getMessage());
        assertEquals("--output needs a value",
                assertThrows(IllegalArgumentException.class, () -> Plan.parse(List.of("--output"), options)).getMessage());
        assertEquals("unknown option --fast",
                assertThrows(IllegalArgumentException.class, () -> Plan.parse(List.of("--fast"), options)).getMessage());
    }

    @Test
    void theReadmeDocumentsTheProductionLaunchTheBenchmarkJudges() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertTrue(readme.contains("java " + String.join(" ", Plan.PRODUCTION_JVM_FLAGS) + " -jar portal-token-server.jar serve"),
                "README.md's run section shows the flags of Plan.PRODUCTION_JVM_FLAGS");
        assertTrue(readme.contains("java " + String.join(" ", PortalServer.TRAINING_JVM_FLAGS)
                + " -jar portal-token-server.jar serve --training-run"), "and the training run that makes its archive");
        assertEquals(PortalServer.UNARCHIVED_JVM_FLAGS, Plan.PRODUCTION_JVM_FLAGS.stream()
                .filter(flag -> !flag.startsWith("-XX:SharedArchiveFile=")).toList());
    }

    @Test
    void wrkResultsAreReadByName() {
        Results.Measurement m = Wrk.parse("token", 32, 2, "Running 4s test\nBENCHRESULT requests=40000 duration_us=4000000"
                + " p50_us=1500 p99_us=9000 status_errors=1 connect_errors=2 read_errors=3 write_errors=4 timeouts=5\n");
        assertEquals(10_000, m.requestsPerSecond(), 0.01);
        assertEquals(1, m.non2xx());
        assertEquals(9, m.socketErrors());
        assertEquals(5, m.timeouts());
        assertEquals(15, m.errors());
        assertThrows(IllegalStateException.class, () -> Wrk.parse("token", 32, 2, "unable to connect"));
    }
}
