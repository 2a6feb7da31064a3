package dev.portaltoken.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs PostgreSQL's own tools ({@code initdb}, {@code pg_ctl}) from one binaries directory. Their
 * output, and that of the postmaster {@code pg_ctl} starts, is logged at DEBUG; when a tool fails,
 * the last error line it printed is in the exception. Thread-safe.
 */
final class PgControl {
    private static final Logger LOG = LoggerFactory.getLogger("dev.portaltoken.embedded.postgres");
    private static final long TOOL_TIMEOUT_SECONDS = 120;

    private final Path binaries;

    PgControl(Path binaries) {
        this.binaries = binaries;
    }

    /** Creates a cluster whose superuser has the password in the first line of {@code passwordFile}. */
    void initdb(Path pgData, Path passwordFile) throws IOException {
        run("initdb", List.of("-A", "scram-sha-256", "-U", PostgresCluster.USER, "--pwfile=" + passwordFile,
                "-E", "UTF-8", "-D", pgData.toString()));
    }

    /** Starts the postmaster with {@code options} (a shell-quoted string) and waits until it accepts connections. */
    void start(Path pgData, String options) throws IOException {
        run("pg_ctl", List.of("start", "-D", pgData.toString(), "-o", options, "-w", "-t", "60"));
    }

    /** Fast shutdown (clients are disconnected), waiting for it to finish. */
    void stop(Path pgData) throws IOException {
        run("pg_ctl", List.of("stop", "-D", pgData.toString(), "-m", "fast", "-w", "-t", "60"));
    }

    /** {@code value} in single quotes for the shell {@code pg_ctl} starts the postmaster with. */
    static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private void run(String tool, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        if (UserNamespace.needed()) {
            // As root (containers, CI), in a user namespace of its own, as zonky runs them: PostgreSQL's
            // tools refuse to run as root, and the files they make still belong to this user.
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(binaries.resolve("bin").resolve(tool).toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().put("LC_MESSAGES", "C");
        Process process = builder.start();
        Output output = new Output(process, tool);
        try {
            if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(tool + " " + args.get(0) + " did not finish within " + TOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + tool, e);
        }
        if (process.exitValue() != 0) {
            output.awaitQuietly();
            throw new IOException(tool + " " + args.get(0) + " failed (exit " + process.exitValue() + ")"
                    + output.lastError().map(line -> ": " + line).orElse(""));
        }
    }

    /**
     * Reads a tool's output on a daemon thread, logging each line and keeping the last ones. After
     * {@code pg_ctl start} the started postmaster holds the pipe, so the thread lives as long as it.
     */
    private static final class Output {
        private final Deque<String> recent = new ArrayDeque<>();
        private final Thread reader;

        Output(Process process, String tool) {
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        LOG.debug("{}: {}", tool, line);
                        synchronized (recent) {
                            recent.addLast(line);
                            if (recent.size() > 50) {
                                recent.removeFirst();
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "postgres-output");
            reader.setDaemon(true);
            reader.start();
        }

        void awaitQuietly() {
            try {
                reader.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The last line that reads as an error, else the last line. */
        java.util.Optional<String> lastError() {
            synchronized (recent) {
                List<String> lines = new ArrayList<>(recent);
                for (int i = lines.size() - 1; i >= 0; i--) {
                    String line = lines.get(i);
                    if (line.contains("FATAL") || line.contains("ERROR") || line.contains("error")) {
                        return java.util.Optional.of(line.strip());
                    }
                }
                return lines.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(lines.get(lines.size() - 1).strip());
            }
        }
    }
}
