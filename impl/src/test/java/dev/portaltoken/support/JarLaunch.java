package dev.portaltoken.support;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar started as a person starts it in a terminal, returned at once (unlike {@link
 * JarProcess.Server}, which waits for the banner), so a test can watch its start-up and send it
 * signals at chosen moments. SIGINT is reset to its default disposition for it ({@code env
 * --default-signal=INT}): a process started in the background of a non-interactive shell, as a
 * build may be, inherits SIGINT ignored, and the JVM then never sees Ctrl-C. Its stdout and stderr
 * are collected separately; stderr (its log stream) is also kept in a file for the log scan.
 */
public final class JarLaunch implements AutoCloseable {
    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Path dataDir;

    private JarLaunch(Process process, Path dataDir) {
        this.process = process;
        this.dataDir = dataDir;
    }

    /** Starts {@code java -jar portal-token-server.jar ARGS} with {@code env} added to this one's environment. */
    public static JarLaunch start(Map<String, String> env, Path dataDir, String... args) {
        RuntimeSecrets.recordSecretSettings(env);
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JarProcess.jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        try {
            JarLaunch launched = new JarLaunch(builder.start(), dataDir);
            launched.collect(launched.process.getInputStream(), launched.out, null);
            launched.collect(launched.process.getErrorStream(), launched.err,
                    JarProcess.logFile(String.join("-", List.of(args).subList(0, Math.min(2, args.length)))));
            return launched;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void collect(InputStream stream, StringBuffer into, Path log) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
                 BufferedWriter file = log == null ? null : Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    into.append(line).append('\n');
                    if (file != null) {
                        file.write(line);
                        file.newLine();
                        file.flush();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "jar-launch-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public String out() {
        return out.toString();
    }

    public String err() {
        return err.toString();
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until {@code condition} holds of what it printed so far, failing if it exits first. */
    public void await(Duration timeout, String what, java.util.function.Predicate<JarLaunch> condition) {
        Await.until(timeout, what + "; so far:\n" + this, () -> condition.test(this) || !process.isAlive());
        if (!condition.test(this)) {
            throw new AssertionError("the jar exited before " + what + ":\n" + this);
        }
    }

    /** Sends a signal ({@code INT}, {@code TERM}) as {@code kill -SIG PID} does. */
    public void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The exit status, waiting at most {@code timeout}; the output read to its end. */
    public int exit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not exit within " + timeout.toSeconds() + " s:\n" + this);
        }
        Thread.sleep(200); // the readers reach the end of the streams
        return process.exitValue();
    }

    @Override
    public String toString() {
        return "--- stdout\n" + out() + "--- stderr\n" + Redact.mask(err());
    }

    /** Kills what is still running and notes the key encryption key for the log scan. */
    @Override
    public void close() {
        RuntimeSecrets.recordApiKeysIn(out());
        if (dataDir != null) {
            RuntimeSecrets.recordKeyEncryptionKeyIn(dataDir);
        }
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
