package dev.portaltoken.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A test JVM killed with SIGKILL (as PIT ends a mutant that hangs) leaves no PostgreSQL and no directory behind. */
class OrphanReaperTest {

    private static Process probe(String... args) throws IOException {
        return new ProcessBuilder(TestJvm.command(ReaperProbe.class.getName(), args))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static Path firstLine(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null, "the probe printed its directory");
        return Path.of(line);
    }

    private static Optional<ProcessHandle> postmasterOf(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    @Test
    void aKilledJvmsPostgresIsStoppedAndItsDirectoryDeleted() throws Exception {
        Process process = probe("postgres");
        Path dir = firstLine(process);
        try {
            ProcessHandle postmaster = postmasterOf(dir).orElseThrow(() -> new AssertionError("no postmaster running"));
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Await.until(Duration.ofSeconds(20), "the killed JVM's PostgreSQL stops", () -> !postmaster.isAlive());
            Await.until(Duration.ofSeconds(20), "the killed JVM's directory is deleted", () -> !Files.exists(dir));
        } finally {
            process.destroyForcibly();
            TempDirectories.delete(dir);
        }
    }

    @Test
    void aNormalExitLeavesWhatATestForgotForTheTemporaryDirectoryCheckToFind() throws Exception {
        Process process = probe("dir", "exit");
        Path dir = firstLine(process);
        try {
            assertEquals(0, process.waitFor());
            Thread.sleep(1_000); // the reaper's end of input came with the exit: it has had time to act
            assertEquals("written", Files.readString(dir.resolve("probe")), "left as it was");
        } finally {
            TempDirectories.delete(dir);
        }
    }
}
