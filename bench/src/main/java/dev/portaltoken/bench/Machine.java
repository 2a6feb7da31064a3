package dev.portaltoken.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Where a run happened: the machine, the software, the commit, and how busy the CPUs were. */
final class Machine {
    private Machine() {
    }

    static Results.Machine describe(Path root, String command, String loadBefore, boolean built,
                                    Map<String, String> settings) {
        String commit = Launched.output(List.of("git", "-C", root.toString(), "rev-parse", "--short=12", "HEAD"), 10)
                .strip();
        String dirty = Launched.output(List.of("git", "-C", root.toString(), "status", "--porcelain",
                "--untracked-files=no", "--", ".", ":!docs/benchmarks*"), 10).strip();
        return new Results.Machine(
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)),
                "bench/run.sh" + (command.isBlank() ? "" : " " + command),
                commit.isEmpty() ? "unknown" : commit + (dirty.isEmpty() ? "" : " (with uncommitted changes)"),
                cpu(), Runtime.getRuntime().availableProcessors(), ram(), os(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                Launched.output(List.of("wrk", "-v"), 10).lines().findFirst().orElse("?")
                        .replaceAll(" *Copyright.*", ""),
                loadBefore, loadAverage(), built, settings);
    }

    /** The 1, 5 and 15 minute load averages. */
    static String loadAverage() {
        String[] fields = read("/proc/loadavg").split(" ");
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "?";
    }

    /** The 1-minute load average, or NaN when unknown. */
    static double load1() {
        try {
            return Double.parseDouble(read("/proc/loadavg").split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String cpu() {
        return read("/proc/cpuinfo").lines().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
    }

    private static String ram() {
        return read("/proc/meminfo").lines().filter(l -> l.startsWith("MemTotal:")).findFirst()
                .map(l -> String.format(Locale.ROOT, "%.1f GiB",
                        Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0)).orElse("unknown");
    }

    private static String os() {
        String name = read("/etc/os-release").lines().filter(l -> l.startsWith("PRETTY_NAME=")).findFirst()
                .map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", "")).orElse(System.getProperty("os.name"));
        return name + ", kernel " + System.getProperty("os.version");
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }
}
