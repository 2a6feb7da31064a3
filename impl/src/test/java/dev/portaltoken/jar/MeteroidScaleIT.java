package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.EmbeddedDatabases;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.RuntimeSecrets;
import dev.portaltoken.support.StandInMeteroid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the packaged jar, with its heap pinned at {@value #HEAP}: {@code customer sync} of a tenant
 * whose Meteroid lists 200,000 customers by default (their rows alone would not fit that heap; the
 * build's time allows no more), or {@code -Dmeteroid.scale.customers=1000000} for the documented figures (a stand-in that makes each page as it is asked for, every
 * 50th page and every error checked against upstream's document). Upstream refuses half way: nothing is
 * applied and the rerun resumes at that page; a third run finds nothing to change. Each run's time
 * and peak resident memory are printed as figures; memory is asserted bounded, time is not.
 */
class MeteroidScaleIT {
    private static final int CUSTOMERS = Integer.getInteger("meteroid.scale.customers", 200_000);
    private static final int ARCHIVED = CUSTOMERS / 100;
    private static final String HEAP = "-Xmx64m";
    private static final long RSS_LIMIT_KIB = 300 * 1024;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(30);
    /** Every 50th page of the stand-in is checked against upstream's document (all of them in MeteroidSyncTest). */
    private static final int CHECK_EVERY = 50;

    @TempDir
    Path dir;

    /** Customer {@code i}, the same every time it is asked for; the last {@link #ARCHIVED} are archived. */
    private static final StandInMeteroid.Source GENERATED = new StandInMeteroid.Source() {
        @Override
        public long count(boolean archived) {
            return archived ? ARCHIVED : CUSTOMERS - ARCHIVED;
        }

        @Override
        public StandInMeteroid.Customer get(boolean archived, long index) {
            long i = archived ? CUSTOMERS - ARCHIVED + index : index;
            return new StandInMeteroid.Customer(new UUID(0x0190a1b2c3d47e5fL, 0x8000000000000000L | i),
                    "Customer " + i + " of a large Meteroid tenant", "big-" + i, "billing-" + i + "@big.example");
        }
    };

    @Test
    void aLargeTenantSyncsInBoundedMemoryAndAFailureHalfWayIsResumed() throws Exception {
        Map<String, String> env = Map.of();
        String dataDir = EmbeddedDatabases.create(dir.resolve("data")).toString();
        assertEquals(0, JarProcess.run(env, "tenant", "create", "--slug", "big", "--data-dir", dataDir).exit());
        String apiKey = "pv_sand_" + UUID.randomUUID().toString().replace("-", "") + "/7n42DGM5Tflk9n8mt7Fhc7";
        RuntimeSecrets.record("Meteroid API key", apiKey);
        try (StandInMeteroid meteroid = StandInMeteroid.start(apiKey, GENERATED).checkEvery(CHECK_EVERY)) {
            Path key = Files.writeString(dir.resolve("key"), apiKey);
            JarProcess.Result connected = JarProcess.run(env, "meteroid", "connect", "--tenant", "big", "--api-url",
                    meteroid.url().toString(), "--api-key-file", key.toString(), "--data-dir", dataDir);
            assertEquals(0, connected.exit(), connected::toString);

            int unarchivedPages = (CUSTOMERS - ARCHIVED + 99) / 100;
            int failAt = unarchivedPages / 2;
            meteroid.failPage(false, failAt, 401, 1);
            Path out = dir.resolve("out.txt");
            long started = System.nanoTime();
            JarProcess.Measured failed = sync(env, dataDir, out);
            long failedMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(1, failed.exit(), failed::toString);
            assertTrue(failed.err().contains("refused the API key (HTTP 401)"), failed::toString);

            int before = meteroid.requests();
            started = System.nanoTime();
            JarProcess.Measured resumed = sync(env, dataDir, out);
            long resumedMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(0, resumed.exit(), resumed::toString);
            assertTrue(resumed.err().contains("resuming an interrupted sync: " + failAt * 100L
                    + " customers listed, at page " + failAt), resumed::toString);
            assertTrue(resumed.err().contains("listed " + CUSTOMERS + " customers; applying the changes"), resumed::toString);
            assertEquals(unarchivedPages - failAt + (ARCHIVED + 99) / 100, meteroid.requests() - before,
                    "the rerun read only the pages the failed run had not staged");
            assertEquals("synced tenant big with Meteroid: " + CUSTOMERS + " created, 0 renamed, 0 alias"
                    + " changed, 0 email changed, 0 archived, 0 unarchived; 0 not from Meteroid left alone, 0 without their"
                    + " alias, 0 not listed", Files.readString(out).strip());

            started = System.nanoTime();
            JarProcess.Measured again = sync(env, dataDir, out);
            long againMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(0, again.exit(), again::toString);
            assertTrue(Files.readString(out).contains(": 0 created, 0 renamed"), Files.readString(out));
            assertEquals(List.of(), meteroid.violations());

            System.out.printf("customer sync of %,d customers (%s): failed half way after %,d ms (peak RSS %,d KiB);"
                    + " resumed and applied in %,d ms (peak RSS %,d KiB); again, nothing to change, %,d ms (peak RSS"
                    + " %,d KiB)%n", CUSTOMERS, HEAP, failedMillis, failed.peakRssKib(), resumedMillis,
                    resumed.peakRssKib(), againMillis, again.peakRssKib());
            for (JarProcess.Measured run : List.of(failed, resumed, again)) {
                assertTrue(run.peakRssKib() > 0 && run.peakRssKib() < RSS_LIMIT_KIB, run::toString);
            }
        }
    }

    private static JarProcess.Measured sync(Map<String, String> env, String dataDir, Path out) {
        return JarProcess.runMeasured(List.of(HEAP), env, out, RUN_LIMIT, "customer", "sync", "--tenant", "big",
                "--data-dir", dataDir);
    }
}
