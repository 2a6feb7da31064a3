package dev.portaltoken.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs wrk with {@code bench/load.lua} and reads the one {@code BENCHRESULT} line its {@code done()}
 * prints. Requests come from a file of the run's private directory (mode 600, it holds API keys), never
 * from the command line.
 */
final class Wrk {
    private final Path script;

    Wrk(Path script) {
        this.script = script;
    }

    /**
     * @param argument the fixture file for {@code token} scenarios, the algorithm for {@code sign}, null for
     *                 {@code healthz}
     * @return the measurement; wrk's own failure (not the server's errors, which it counts) is an exception
     */
    Results.Measurement run(URI base, String scenario, String mode, String argument, int connections, int round,
                            int seconds) {
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + Plan.WRK_THREADS, "-c" + connections,
                "-d" + seconds + "s", "--timeout", Plan.WRK_TIMEOUT_S + "s", "-s", script.toString(), base.toString(),
                "--", mode));
        if (argument != null) {
            command.add(argument);
            command.add(Integer.toString(Plan.WRK_THREADS));
        }
        String output;
        try {
            Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
            output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!wrk.waitFor(seconds + 60L, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
                throw new IllegalStateException("wrk failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run wrk", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        return parse(scenario, connections, round, output);
    }

    /** Reads {@code BENCHRESULT requests=N duration_us=N ...} (see load.lua). */
    static Results.Measurement parse(String scenario, int connections, int round, String output) {
        String line = output.lines().filter(l -> l.startsWith("BENCHRESULT ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("wrk printed no result:\n" + output));
        Map<String, String> fields = new HashMap<>();
        for (String pair : line.substring("BENCHRESULT ".length()).trim().split(" +")) {
            int eq = pair.indexOf('=');
            fields.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return new Results.Measurement(scenario, connections, round, number(fields, "requests"),
                number(fields, "duration_us"), Double.parseDouble(fields.get("p50_us")),
                Double.parseDouble(fields.get("p99_us")), number(fields, "status_errors"),
                number(fields, "connect_errors") + number(fields, "read_errors") + number(fields, "write_errors"),
                number(fields, "timeouts"));
    }

    private static long number(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalStateException("wrk's result has no " + name);
        }
        return Long.parseLong(value);
    }
}
