package dev.portaltoken.support;

import dev.portaltoken.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Runs the admin CLI in this JVM with its own environment and captured output. API keys it prints
 * are noted for the log scan ({@link RuntimeSecrets}).
 */
public final class CliRun {
    private CliRun() {
    }

    public record Result(int exit, String out, String err) {
        /** The last non-empty line of stdout. */
        public String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1].strip();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public static Result run(Map<String, String> env, String... args) {
        return run(env, false, args);
    }

    /** As on a terminal when {@code interactive}: progress lines are printed. Standard input is empty. */
    public static Result run(Map<String, String> env, boolean interactive, String... args) {
        return run(env, interactive, "", args);
    }

    /** With {@code stdin} on standard input (as piped in by a shell). */
    public static Result runWithInput(Map<String, String> env, String stdin, String... args) {
        return run(env, false, stdin, args);
    }

    private static Result run(Map<String, String> env, boolean interactive, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Cli.run(args, new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), o, e, env,
                    interactive);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        RuntimeSecrets.recordApiKeysIn(printed);
        return new Result(exit, printed, err.toString(StandardCharsets.UTF_8));
    }
}
