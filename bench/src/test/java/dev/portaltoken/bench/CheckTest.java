package dev.portaltoken.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The regression check compares ratios of two runs, each within its tolerance. */
class CheckTest {
    private static List<Check.Row> regressed(List<Check.Row> rows) {
        return rows.stream().filter(Check.Row::regressed).toList();
    }

    @Test
    void theSameRunHasNoRegression() {
        Results run = ReportTest.results(8_600, 7_000, 0);
        List<Check.Row> rows = Check.compare(run, run);
        assertEquals(List.of(), regressed(rows));
        assertEquals(3 + 2 * 2 * 2 + 2, rows.size(), "3 throughput ratios, 2 connection counts x 2 scenarios x 2"
                + " percentiles, warm-up and start-up: " + rows);
        assertTrue(Check.render(rows, run, run, "docs/benchmarks.json").endsWith("no regression\n"));
    }

    @Test
    void slowerTokensLongerTailsAndALaterWarmUpAreRegressions() {
        Results recorded = ReportTest.results(8_600, 7_000, 0, 1.2, 12);
        List<Check.Row> rows = regressed(Check.compare(recorded, ReportTest.results(7_500, 7_000, 0, 1.2, 12)));
        assertEquals(List.of("token / bare requests/s, 32 connections", "token / healthz requests/s, 32 connections"),
                rows.stream().map(Check.Row::what).toList());

        rows = regressed(Check.compare(recorded, ReportTest.results(8_600, 7_000, 0, 2.0, 30)));
        assertEquals(4 + 1, rows.size(), "token p99 and p99.9 at 1 and 8 connections, and the warm-up: " + rows);
        assertTrue(rows.stream().anyMatch(r -> r.what().equals("token p99.9 / bare's, 8 connections")
                && r.recorded() == 1.2 && r.now() == 2.0));
        assertTrue(rows.stream().anyMatch(r -> r.what().startsWith("seconds from launch to 90%") && r.now() == 29));
        assertTrue(Check.render(rows, recorded, recorded, "x").endsWith("run again before believing them\n"));
    }

    @Test
    void withinToleranceIsNoRegression() {
        Results recorded = ReportTest.results(8_600, 7_000, 0, 1.2, 12);
        assertFalse(Check.compare(recorded, ReportTest.results(8_000, 7_000, 0, 1.6, 20)).stream()
                .anyMatch(Check.Row::regressed));
    }
}
