package dev.portaltoken.support;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged jar run as a separate process, the way a user runs it. */
public final class JarProcess {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+/)");

    /**
     * The JVM options of a launch whose test chooses none: the client compiler only, and the serial
     * collector. A short run then takes half the CPU (an admin command here: 3.4 s of CPU and 2.0 s of
     * wall time with the JVM's defaults, 1.7 s and 1.45 s with these), and two test JVMs share two cores.
     * They change nothing the tests check. Launches that measure time or memory
     * ({@link #runMeasured(Map, Path, String...)}), the production launches and {@link JarLaunch} choose
     * their own.
     */
    public static final List<String> QUICK = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private JarProcess() {
    }

    public static Path jar() {
        String path = System.getProperty("portal.jar");
        if (path == null) {
            throw new IllegalStateException("system property portal.jar is not set (run through mvn verify)");
        }
        return Path.of(path);
    }

    private static ProcessBuilder builder(List<String> jvmOptions, Map<String, String> env, List<String> args) {
        RuntimeSecrets.recordSecretSettings(env);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // The build's own temporary directory (TempDirectoryCheck), which the JVM would not take from TMPDIR.
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return builder;
    }

    public record Result(int exit, String out, String err) {
        public String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1].strip();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /**
     * Where each process's stderr (its log stream) is kept for the log scan (LogScanIT): the
     * {@code portal.logs} system property (set by the build to {@code target/server-logs}).
     */
    static Path logFile(String what) {
        Path dir = Path.of(System.getProperty("portal.logs", "target/server-logs"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve(String.format(Locale.ROOT, "%d-%03d-%s.stderr.log", ProcessHandle.current().pid(),
                SEQUENCE.incrementAndGet(), what.replaceAll("[^A-Za-z0-9-]", "_")));
    }

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** The data directory a command uses: {@code --data-dir} or {@code DATA_DIR}, if given. */
    private static java.util.Optional<Path> dataDir(Map<String, String> env, List<String> args) {
        int flag = args.indexOf("--data-dir");
        if (flag >= 0 && flag + 1 < args.size()) {
            return java.util.Optional.of(Path.of(args.get(flag + 1)));
        }
        return java.util.Optional.ofNullable(env.get("DATA_DIR")).map(Path::of);
    }

    /**
     * Runs a command to completion (at most two minutes) with the {@link #QUICK} JVM; its stderr is also
     * kept in a log file.
     */
    public static Result run(Map<String, String> env, String... args) {
        return run(QUICK, env, null, args);
    }

    /** As {@link #run}, with {@code stdin} written to the command's standard input (null: none, closed at once). */
    public static Result runWithInput(Map<String, String> env, String stdin, String... args) {
        return run(QUICK, env, stdin, args);
    }

    /** {@link #run(Map, String...)} with options for the JVM (before {@code -jar}). */
    public static Result run(List<String> jvmOptions, Map<String, String> env, String... args) {
        return run(jvmOptions, env, null, args);
    }

    private static Result run(List<String> jvmOptions, Map<String, String> env, String stdin, String... args) {
        try {
            Process process = builder(jvmOptions, env, List.of(args)).start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream())
                    .thenApply(text -> keep(text, String.join("-", List.of(args).subList(0, Math.min(2, args.length)))));
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", args));
            }
            Result result = new Result(process.exitValue(), out.join(), err.join());
            RuntimeSecrets.recordApiKeysIn(result.out());
            dataDir(env, List.of(args)).ifPresent(RuntimeSecrets::recordKeyEncryptionKeyIn);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A finished command whose stdout went to a file, with the peak resident memory of its JVM. */
    public record Measured(int exit, String err, long peakRssKib) {
        @Override
        public String toString() {
            return "exit " + exit + ", peak RSS " + peakRssKib + " KiB\n--- stderr\n" + err;
        }
    }

    /**
     * Runs a command to completion (at most five minutes) with stdout written to {@code stdout},
     * sampling its peak resident set size ({@code VmHWM} in {@code /proc/PID/status}, Linux) every
     * 20 ms while it runs.
     */
    public static Measured runMeasured(Map<String, String> env, Path stdout, String... args) {
        return runMeasured(List.of(), env, stdout, args);
    }

    /** {@link #runMeasured(Map, Path, String...)} with options for the JVM (before {@code -jar}), e.g. a pinned heap. */
    public static Measured runMeasured(List<String> jvmOptions, Map<String, String> env, Path stdout, String... args) {
        return runMeasured(jvmOptions, env, stdout, Duration.ofMinutes(5), args);
    }

    /** {@link #runMeasured(List, Map, Path, String...)} allowed {@code timeout} rather than five minutes. */
    public static Measured runMeasured(List<String> jvmOptions, Map<String, String> env, Path stdout, Duration timeout,
                                       String... args) {
        try {
            Process process = builder(jvmOptions, env, List.of(args)).redirectOutput(stdout.toFile()).start();
            CompletableFuture<String> err = drain(process.getErrorStream())
                    .thenApply(text -> keep(text, String.join("-", List.of(args).subList(0, Math.min(2, args.length)))));
            Path status = Path.of("/proc", Long.toString(process.pid()), "status");
            long peak = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!process.waitFor(20, TimeUnit.MILLISECONDS)) {
                peak = Math.max(peak, peakRss(status));
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new AssertionError("timed out: " + String.join(" ", args));
                }
            }
            return new Measured(process.exitValue(), err.join(), peak);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** VmHWM in KiB, or 0 once the process is gone. */
    private static long peakRss(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // exited between the check and the read
        }
        return 0;
    }

    private static String keep(String stderr, String what) {
        try {
            Files.writeString(logFile(what), stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stderr;
    }

    /**
     * A running {@code serve}; its stdout and stderr are collected together in {@link #output()},
     * and its stderr (the log stream) is also written line by line to a file for the log scan.
     */
    public static final class Server implements AutoCloseable {
        private final Process process;
        private final URI baseUri;
        private final StringBuffer output;
        private final java.util.Optional<Path> dataDir;

        private Server(Process process, URI baseUri, StringBuffer output, java.util.Optional<Path> dataDir) {
            this.process = process;
            this.baseUri = baseUri;
            this.output = output;
            this.dataDir = dataDir;
            dataDir.ifPresent(RuntimeSecrets::recordKeyEncryptionKeyIn);
        }

        /** Starts a server with the {@link #QUICK} JVM. */
        public static Server start(Map<String, String> env, String... args) {
            return start(QUICK, env, args);
        }

        /** {@link #start(Map, String...)} with options for the JVM (before {@code -jar}). */
        public static Server start(List<String> jvmOptions, Map<String, String> env, String... args) {
            List<String> all = new ArrayList<>(List.of("serve"));
            all.addAll(List.of(args));
            Process process = null;
            try {
                process = builder(jvmOptions, env, all).start();
                Process started = process;
                StringBuffer output = new StringBuffer();
                CompletableFuture<URI> listening = new CompletableFuture<>();
                Path log = logFile("serve");
                Thread logReader = new Thread(() -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(started.getErrorStream(), StandardCharsets.UTF_8));
                         BufferedWriter file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            output.append(line).append('\n');
                            file.write(line);
                            file.newLine();
                            file.flush();
                        }
                    } catch (IOException e) {
                        // process ended
                    }
                }, "serve-stderr");
                logReader.setDaemon(true);
                logReader.start();
                Thread reader = new Thread(() -> {
                    URI found = null;
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            output.append(line).append('\n');
                            Matcher m = LISTENING.matcher(line);
                            if (m.find()) {
                                found = URI.create(m.group(1));
                            }
                            if (found != null && line.contains("JWKS ")) {
                                listening.complete(found); // the banner's last line
                            }
                        }
                    } catch (IOException e) {
                        // process ended
                    }
                    listening.completeExceptionally(new AssertionError("server exited before listening:\n" + output));
                }, "serve-stdout");
                reader.setDaemon(true);
                reader.start();
                URI uri = listening.get(3, TimeUnit.MINUTES);
                return new Server(process, uri, output, dataDir(env, all));
            } catch (Exception e) {
                if (process != null) {
                    stopQuietly(process); // no orphan server, nor its embedded PostgreSQL, left behind
                }
                throw new AssertionError("server did not start", e);
            }
        }

        /** SIGTERM (so it stops its embedded PostgreSQL), then SIGKILL if it has not exited within 30 s. */
        private static void stopQuietly(Process process) {
            process.toHandle().destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        public URI baseUri() {
            return baseUri;
        }

        public Process process() {
            return process;
        }

        public String output() {
            return output.toString();
        }

        /**
         * Sends SIGTERM (through the process handle: {@code Process.destroy()} would also close the
         * streams and lose the shutdown's log lines) and waits for the exit code.
         */
        public int stop() throws InterruptedException {
            sigterm();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("server did not stop on SIGTERM");
            }
            return process.exitValue();
        }

        /** SIGTERM, leaving stdout and stderr open so the shutdown's output is still read. */
        public void sigterm() {
            process.toHandle().destroy();
        }

        /** Notes what the server printed (a demo key) and its key encryption key for the log scan. */
        @Override
        public void close() {
            RuntimeSecrets.recordApiKeysIn(output());
            dataDir.ifPresent(RuntimeSecrets::recordKeyEncryptionKeyIn);
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static CompletableFuture<String> drain(java.io.InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
