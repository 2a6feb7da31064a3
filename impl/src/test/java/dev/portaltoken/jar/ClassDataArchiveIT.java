package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/operations.md, "Faster start-up: a class-data archive", as written: one start of the
 * production launch with {@code -XX:ArchiveClassesAtExit}, stopped once ready, leaves an archive
 * that the next launch maps the server's classes from.
 */
class ClassDataArchiveIT {
    private static final List<String> PRODUCTION = List.of("-Xms64m", "-Xmx128m", "-XX:+UseSerialGC");

    @Test
    void oneStartStoppedWhenReadyLeavesAnArchiveTheNextStartLoadsItsClassesFrom(@TempDir Path dir) throws Exception {
        Path archive = dir.resolve("portal-token-server.jsa");
        String dataDir = dir.resolve("portal-token-archive").toString();
        try (JarProcess.Server training = JarProcess.Server.start(options("-XX:ArchiveClassesAtExit=" + archive),
                Map.of(), "--demo", "--port", "0", "--data-dir", dataDir)) {
            assertEquals(0, training.stop(), training::output);
        }
        assertTrue(Files.isRegularFile(archive) && Files.size(archive) > 1_000_000,
                "the archive is written when the JVM exits");

        Path classes = dir.resolve("classes.log");
        // -Xshare:on: a start that cannot map the archive fails instead of going on without it.
        try (JarProcess.Server archived = JarProcess.Server.start(options("-XX:SharedArchiveFile=" + archive,
                "-Xshare:on", "-Xlog:class+load=info:file=" + classes), Map.of(), "--demo", "--port", "0",
                "--data-dir", dataDir)) {
            assertEquals(200, new Http(archived.baseUri()).get("/healthz").status());
            assertFalse(archived.output().contains("Unable to use shared archive"), archived::output);
            assertEquals(0, archived.stop(), archived::output);
        }
        List<String> ours = Files.readAllLines(classes).stream().filter(line -> line.contains(" dev.portaltoken."))
                .toList();
        assertFalse(ours.isEmpty());
        long shared = ours.stream().filter(line -> line.contains("source: shared objects file (top)")).count();
        assertTrue(shared >= ours.size() * 0.9, () -> shared + " of " + ours.size()
                + " of the server's classes came from the archive: " + ours.subList(0, Math.min(5, ours.size())));
    }

    private static List<String> options(String... more) {
        List<String> options = new ArrayList<>(List.of(more));
        options.addAll(PRODUCTION);
        return options;
    }
}
