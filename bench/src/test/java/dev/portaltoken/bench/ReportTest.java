package dev.portaltoken.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report judges named results against the plan's targets, and survives a JSON round trip. */
class ReportTest {
    private static Results.Measurement m(String scenario, int connections, int round, double rps, double p99Us,
                                         long errors) {
        return new Results.Measurement(scenario, connections, round, (long) (rps * 4), 4_000_000, 500, p99Us, errors, 0, 0);
    }

    /** An EdDSA server whose token does {@code token} req/s against healthz 10,000 and bare 11,000 every round. */
    private static Results results(double token, double cold, long errors) {
        List<Results.Measurement> ms = new ArrayList<>();
        ms.add(m("token", 4, 0, 3000, 2000, 0));
        for (int round = 1; round <= 3; round++) {
            ms.add(m("bare", 32, round, 11_000, 3000, 0));
            ms.add(m("bare-sign", 32, round, 8_800 + 110 * round, 3000, 0));
            ms.add(m("healthz", 32, round, 10_000, 3000, 0));
            ms.add(m("token", 32, round, token + round, 3000, round == 2 ? errors : 0));
            ms.add(m("token-cold", 32, round, cold, 3000, 0));
            ms.add(m("healthz", 8, round, 9_000, 1000, 0));
            ms.add(m("token", 8, round, 8_000, 1900, 0));
        }
        Results.ServerRun eddsa = new Results.ServerRun("EdDSA", "eddsa", "aws-lc", "external", Plan.PRODUCTION_JVM_FLAGS,
                1900, 150_000, 250_000, 240_000, 1_000_000, 0, 24, 0, ms);
        Results.ServerRun defaults = new Results.ServerRun("EdDSA (default JVM flags)", "eddsa", "aws-lc", "external",
                List.of(), 2100, 190_000, 600_000, 590_000, 1_000_000, 0, 24, 0, List.of(m("token", 32, 1, 9000, 3000, 0)));
        Results.ServerRun bare = new Results.ServerRun("bare Jersey+Grizzly", "none", "-", "-", List.of(), 0, 60_000,
                70_000, 0, 0, 0, 8, -1, List.of(m("bare", 4, 0, 9000, 1000, 0)));
        Results.Machine machine = new Results.Machine("2026-12-01 00:00 UTC", "bench/run.sh", "abc", "AMD EPYC", 2,
                "23.5 GiB", "Debian", "OpenJDK 17", "wrk 4.1.0", "0.1 0.1 0.1", "1.0 1.0 1.0", true, Map.of());
        return new Results(machine, Plan.defaults(), List.of(eddsa, defaults), bare,
                List.of(new Results.Startup("eddsa", "external", List.of(1900L, 2500L, 2100L)),
                        new Results.Startup("eddsa", "embedded", List.of(2600L))), 500);
    }

    private static String row(String report, String start) {
        return report.lines().filter(l -> l.startsWith("| " + start)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + start + " in\n" + report));
    }

    @Test
    void targetsAreJudgedOnTheMedianOfPerRoundRatios() {
        String report = new Report(results(8_600, 7_000, 0)).render();
        assertTrue(row(report, "EdDSA: token requests/s >= 0.85 x `/healthz`").endsWith("| 0.86x (rounds 0.86-0.86) | pass |"),
                report);
        assertTrue(row(report, "EdDSA: token requests/s >= 0.7 x the bare resource").endsWith("| pass |"), report);
        assertTrue(row(report, "EdDSA: token p99 <= 2.0 x").contains("| 1.90x (rounds 1.90-1.90) | pass |"), report);
        assertTrue(row(report, "EdDSA: a customer of a 1,000,000-customer tenant").endsWith("| 0.81x (rounds 0.81-0.81) | pass |"),
                report);
        assertTrue(row(report, "`/healthz` requests/s >= 0.85 x the bare").contains("0.91x"), report);
        assertTrue(row(report, "EdDSA: the bare resource signing once per request (`bare-sign`) / the bare resource")
                .endsWith("| 0.82x (rounds 0.81-0.83) | reported |"), report);
        assertTrue(row(report, "EdDSA | bare-sign | 32 | 9,020 |").contains("| 0.82x (rounds 0.81-0.83) |"), report);
        assertTrue(row(report, "EdDSA: peak RSS < 300 MB, production launch (`-Xms64m").endsWith("| 256 MB | pass |"), report);
        assertTrue(row(report, "EdDSA (default JVM flags): peak RSS").endsWith("| 614 MB | reported |"), report);
        assertTrue(row(report, "EdDSA: start-up to the first 200, external PostgreSQL (median of 3) < 3.0 s")
                .endsWith("| 2.10 s | pass |"), report);
        assertFalse(report.contains("INVALID"), report);
    }

    @Test
    void aMissedTargetFailsAndAnErrorMakesTheRunInvalid() {
        String slow = new Report(results(7_000, 4_000, 0)).render();
        assertTrue(row(slow, "EdDSA: token requests/s >= 0.85 x `/healthz`").endsWith("| **FAIL** |"), slow);
        assertTrue(row(slow, "EdDSA: a customer of a 1,000,000-customer tenant").endsWith("| **FAIL** |"), slow);

        Report withErrors = new Report(results(8_600, 7_000, 3));
        assertFalse(withErrors.valid());
        String invalid = withErrors.render();
        assertTrue(invalid.contains("**INVALID RUN"), invalid);
        assertTrue(row(invalid, "0 errors").endsWith("| 3 errors | INVALID |"), invalid);
    }

    @Test
    void roundsOnBothSidesOfAThresholdAreFlagged() {
        List<Results.Measurement> ms = new ArrayList<>(results(8_600, 7_000, 0).servers().get(0).measurements());
        ms.replaceAll(x -> x.scenario().equals("token") && x.connections() == 32 && x.round() == 3
                ? m("token", 32, 3, 8_000, 3000, 0) : x);
        Results r = results(8_600, 7_000, 0);
        Results.ServerRun s = r.servers().get(0);
        Results changed = new Results(r.machine(), r.plan(), List.of(new Results.ServerRun(s.name(), s.algorithm(),
                s.signer(), s.database(), s.jvmFlags(), s.startupMs(), s.rssAfterStartupKb(), s.peakRssKb(),
                s.maxSampledRssKb(), s.requestLogBytes(), s.errorLogLines(), s.warmupS(), s.jitQueue(), ms)), r.bare(),
                r.startups(), r.elapsedS());
        assertTrue(row(new Report(changed).render(), "EdDSA: token requests/s >= 0.85 x `/healthz`")
                .contains("rounds disagree (2 of 3 pass)"));
    }

    @Test
    void theResultsAreNamedJsonThatReadsBackToTheSameReport(@TempDir Path dir) throws Exception {
        Results results = results(8_600, 7_000, 0);
        Path file = dir.resolve("results.json");
        results.write(file);
        String json = Files.readString(file);
        assertTrue(json.contains("\"scenario\" : \"token-cold\"") && json.contains("\"peakRssKb\" : 250000")
                && json.contains("\"eddsaVsHealthz\" : 0.85"), json);
        assertEquals(new Report(results).render(), new Report(Results.read(file)).render());
    }
}
