package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Await;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production launch's class-data archive as README and docs/operations.md ("Faster start-up:
 * a class-data archive") give it: {@code serve --training-run} under
 * {@code -XX:ArchiveClassesAtExit} writes the archive and leaves nothing else behind; the production
 * launch with {@code -XX:SharedArchiveFile} maps the server's classes from it; one given a file that
 * is not there says so; and the training run refuses what it cannot do, in one line.
 */
class ClassDataArchiveIT {
    private static final List<String> PRODUCTION = List.of("-Xms64m", "-Xmx128m", "-XX:+UseSerialGC");

    @Test
    void theTrainingRunWritesAnArchiveTheProductionLaunchLoadsTheServersClassesFrom(@TempDir Path dir) throws Exception {
        Path archive = dir.resolve("portal-token-server.jsa");
        // Short, under this build's own temporary directory: the embedded database's socket path has a limit.
        Path temporary = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "t");
        List<String> trainingRun = readmeLaunch("--training-run", archive);
        assertEquals(options("-XX:ArchiveClassesAtExit=" + archive), trainingRun);
        List<String> withTemporary = new ArrayList<>(trainingRun);
        withTemporary.add("-Djava.io.tmpdir=" + temporary);
        JarProcess.Result training = JarProcess.run(withTemporary, Map.of(), "serve", "--training-run");
        assertEquals(0, training.exit(), training::toString);
        assertEquals("training run done; the JVM writes the class-data archive " + archive + " as it exits",
                training.out().strip(), "one line on stdout, none of the JVM's notes on classes it leaves out");
        assertFalse(training.err().contains(" WARN "), "no warning about a throwaway key or database: " + training);
        assertTrue(Files.isRegularFile(archive) && Files.size(archive) > 1_000_000, "the archive is written at exit");
        try (Stream<Path> left = Files.list(temporary)) {
            assertEquals(List.of(), left.toList(), "the throwaway database is deleted");
        } finally {
            Files.delete(temporary);
        }

        Path classes = dir.resolve("classes.log");
        String dataDir = dir.resolve("data").toString();
        // -Xshare:on: a start that cannot map the archive fails instead of going on without it.
        List<String> production = new ArrayList<>(readmeLaunch("serve", archive));
        assertEquals(options("-XX:SharedArchiveFile=" + archive), production);
        production.addAll(List.of("-Xshare:on", "-Xlog:class+load=info:file=" + classes));
        try (JarProcess.Server archived = JarProcess.Server.start(production, Map.of(), "--demo", "--port", "0",
                "--data-dir", dataDir)) {
            Path keyFile = Path.of(dataDir, "demo-api-key"); // written once the server listens
            Await.until(Await.PICKUP, "the demo's API key", () -> archived.output().contains("Mint another portal token"));
            String key = Files.readString(keyFile).strip();
            assertEquals(200, new Http(archived.baseUri()).mint(key, "demo-customer", "{}").status());
            assertFalse(archived.output().contains("class-data archive"), archived::output);
            assertEquals(0, archived.stop(), archived::output);
        }
        List<String> ours = Files.readAllLines(classes).stream().filter(line -> line.contains(" dev.portaltoken."))
                .toList();
        assertFalse(ours.isEmpty());
        long shared = ours.stream().filter(line -> line.contains("source: shared objects file (top)")).count();
        assertTrue(shared >= ours.size() * 0.9, () -> shared + " of " + ours.size()
                + " of the server's classes came from the archive: " + ours.subList(0, Math.min(5, ours.size())));
    }

    @Test
    void aLaunchGivenAnArchiveThatIsNotThereSaysSoAndServes(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("portal-token-server.jsa");
        try (JarProcess.Server server = JarProcess.Server.start(options("-XX:SharedArchiveFile=" + missing), Map.of(),
                "--port", "0", "--data-dir", dir.resolve("data").toString())) {
            assertEquals(200, new Http(server.baseUri()).get("/healthz").status());
            List<String> warnings = server.output().lines().filter(line -> line.contains("class-data archive")).toList();
            assertEquals(1, warnings.size(), server::output);
            assertTrue(warnings.get(0).contains(" WARN "), warnings.get(0));
            assertTrue(warnings.get(0).contains("-XX:SharedArchiveFile=" + missing + " and maps no class data at all"),
                    warnings.get(0));
            assertTrue(warnings.get(0).contains("serve --training-run"), warnings.get(0));
            assertEquals(0, server.stop(), server::output);
        }
    }

    @Test
    void theTrainingRunRefusesWhatItCannotDoInOneLine(@TempDir Path dir) {
        assertOneLineError(JarProcess.run(Map.of(), "serve", "--training-run"),
                "--training-run makes a class-data archive, and this JVM writes none: run it as 'java"
                        + " -XX:ArchiveClassesAtExit=portal-token-server.jsa");
        Path archive = dir.resolve("portal-token-server.jsa");
        List<String> archiving = options("-XX:ArchiveClassesAtExit=" + archive);
        assertOneLineError(JarProcess.run(archiving, Map.of("DATABASE_URL", "jdbc:postgresql://localhost:1/x"),
                "serve", "--training-run"), "--training-run runs on a throwaway embedded database; unset DATABASE_URL");
        assertOneLineError(JarProcess.run(archiving, Map.of(), "serve", "--training-run", "--demo"),
                "--training-run makes demo data of its own; drop --demo");
    }

    private static void assertOneLineError(JarProcess.Result result, String expected) {
        assertTrue(result.exit() != 0, result::toString);
        List<String> lines = result.err().lines().toList();
        assertEquals(1, lines.size(), result::toString);
        assertTrue(lines.get(0).startsWith("error: " + expected), result::toString);
    }

    /** The JVM options of README's launch line ending in {@code last}, its archive at {@code archive}. */
    private static List<String> readmeLaunch(String last, Path archive) throws IOException {
        String line = Files.readAllLines(Path.of("..", "README.md")).stream()
                .filter(l -> l.startsWith("java -XX:") && l.endsWith(" -jar portal-token-server.jar serve"
                        + (last.equals("serve") ? "" : " " + last)))
                .findFirst().orElseThrow(() -> new AssertionError("README launches java ... serve " + last));
        return Stream.of(line.substring("java ".length(), line.indexOf(" -jar ")).split(" "))
                .map(option -> option.replace("=portal-token-server.jsa", "=" + archive)).toList();
    }

    private static List<String> options(String... more) {
        List<String> options = new ArrayList<>(List.of(more));
        options.addAll(PRODUCTION);
        return options;
    }
}
