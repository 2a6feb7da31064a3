package dev.portaltoken.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process of the run (a server under test, the bare server), its stdout and stderr in files
 * of the run's directory. Every one started is stopped when the run ends, however it ends: by
 * {@link #stop}, or by {@link #stopAll} from the driver's shutdown hook (Ctrl-C, SIGTERM, an error).
 * Settings go through the environment, never the command line, where {@code ps} would show them.
 */
final class Launched {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[^/\\s]+)/");
    private static final ConcurrentLinkedDeque<Launched> RUNNING = new ConcurrentLinkedDeque<>();

    private final Process process;
    private final Path out;
    private final Path err;
    private final long startedNanos;

    private Launched(Process process, Path out, Path err, long startedNanos) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.startedNanos = startedNanos;
    }

    /** Starts {@code command} with exactly {@code env} as its environment; output goes to {@code dir/name.out|.err}. */
    static Launched start(List<String> command, Map<String, String> env, Path dir, String name) {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            long started = System.nanoTime();
            Launched launched = new Launched(builder.start(), out, err, started);
            RUNNING.add(launched);
            return launched;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    /** The JVM that runs this driver, for child JVMs. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The address it printed once listening, waited for up to {@value Plan#STARTUP_TIMEOUT_S} s. */
    java.net.URI awaitListening() throws InterruptedException {
        for (int i = 0; i < Plan.STARTUP_TIMEOUT_S * 10; i++) {
            Optional<java.net.URI> uri = listening();
            if (uri.isPresent()) {
                return uri.get();
            }
            if (!alive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the bare server did not start:\n" + tail());
    }

    /** When it was started, on {@link System#nanoTime()}'s clock. */
    long startedNanos() {
        return startedNanos;
    }

    long millisSinceStart() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** The base URL the process printed ({@code listening on http://host:port/}), once it has. */
    Optional<URI> listening() {
        Matcher m = LISTENING.matcher(read(out));
        return m.find() ? Optional.of(URI.create(m.group(1))) : Optional.empty();
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    long stderrBytes() {
        try {
            return Files.size(err);
        } catch (IOException e) {
            return 0;
        }
    }

    /** How many lines of stderr (the server's log) match {@code regex}, read as a stream. */
    long countStderrLines(String regex) {
        Pattern pattern = Pattern.compile(regex);
        try (var lines = Files.lines(err, StandardCharsets.UTF_8)) {
            return lines.filter(l -> pattern.matcher(l).find()).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    /** The last lines of stderr, for an error message. */
    String tail() {
        List<String> lines = read(err).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /** A field of {@code /proc/PID/status} in KiB, e.g. {@code VmRSS} or {@code VmHWM}; 0 once it is gone. */
    long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    /** Its exit status once it has exited by itself; SIGTERM and -1 when it has not within {@code seconds}. */
    int awaitExit(int seconds) throws InterruptedException {
        if (process.waitFor(seconds, TimeUnit.SECONDS)) {
            RUNNING.remove(this);
            return process.exitValue();
        }
        stop(10);
        return -1;
    }

    /** SIGTERM, then SIGKILL after {@code seconds}. */
    void stop(int seconds) {
        RUNNING.remove(this);
        process.destroy();
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every process still running, newest first. */
    static void stopAll() {
        List<Launched> all = new ArrayList<>(RUNNING);
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).stop(10);
        }
    }

    /** Runs a short command to completion and returns its stdout (empty on any failure). */
    static String output(List<String> command, int seconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(seconds, TimeUnit.SECONDS) ? text : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
