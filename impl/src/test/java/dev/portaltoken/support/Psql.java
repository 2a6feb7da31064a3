package dev.portaltoken.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code psql} (package postgresql-client, which .ci/run installs), run as this user or,
 * through {@code setpriv}, as the unprivileged {@code nobody}: an outsider's view of a database.
 */
public final class Psql {
    private static final Path PSQL = Path.of("/usr/bin/psql");
    private static final String NOBODY = "65534";

    private Psql() {
    }

    /** What psql printed and how it exited. */
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /**
     * Runs {@code select 1} against {@code host} (a Unix socket directory or an IP address) and
     * {@code port} as PostgreSQL user postgres; never prompts, reads no ~/.pgpass.
     *
     * @param password sent when not null (as PGPASSWORD)
     * @param asNobody run as the OS user nobody instead of this one
     */
    public static Result selectOne(String host, int port, String password, boolean asNobody) {
        if (!Files.isExecutable(PSQL)) {
            throw new AssertionError(PSQL + " is missing: apt-get install -y postgresql-client (.ci/run does)");
        }
        List<String> command = new ArrayList<>();
        if (asNobody) {
            command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        command.addAll(List.of(PSQL.toString(), "-X", "-w", "-At", "-d",
                "host=" + host + " port=" + port + " user=postgres dbname=postgres connect_timeout=30", "-c", "select 1"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().put("PGPASSFILE", "/nonexistent/pgpass");
        builder.environment().put("HOME", "/nonexistent");
        if (password != null) {
            builder.environment().put("PGPASSWORD", password);
        }
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("psql did not finish");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
