package dev.portaltoken.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The build's check that the tests leave nothing in the temporary directory. The tests of impl run
 * with {@code java.io.tmpdir} and {@code TMPDIR} pointed at a directory of this build's own
 * ({@code <system temp>/pt<build start>}, impl/pom.xml), which this creates empty before the
 * unit tests and again before the integration tests, and after each checks and deletes: a leftover
 * fails the build, listed with its size, and is deleted all the same so that a reused machine does
 * not fill up. Only this build writes there, so other processes using the system's temporary
 * directory on the same machine cannot make it fail; and the directory's path stays short, as the
 * embedded PostgreSQL's Unix socket path under a test's data directory must (107 bytes at most).
 *
 * <p>Run by the build: {@code TempDirectoryCheck create DIR} or {@code TempDirectoryCheck check DIR}.
 */
public final class TempDirectoryCheck {
    private TempDirectoryCheck() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !List.of("create", "check").contains(args[0])) {
            throw new IllegalArgumentException("usage: TempDirectoryCheck create|check DIR");
        }
        Path dir = Path.of(args[1]);
        if (args[0].equals("create")) {
            if (Files.exists(dir)) {
                TempDirectories.delete(dir);
            }
            Files.createDirectories(dir);
            return;
        }
        List<String> left = leftovers(dir);
        TempDirectories.delete(dir);
        if (!left.isEmpty()) {
            throw new IllegalStateException("the tests left " + left.size() + " entries in the temporary directory "
                    + dir + " (every test deletes what it creates):\n  " + String.join("\n  ", left));
        }
    }

    /** What is in {@code dir}: each entry with its size in KiB, largest first; empty when nothing (or no dir). */
    static List<String> leftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.toList();
        }
        List<long[]> sized = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            sized.add(new long[] {size(entries.get(i)), i});
        }
        sized.sort((a, b) -> Long.compare(b[0], a[0]));
        return sized.stream().map(s -> String.format(Locale.ROOT, "%s (%d KiB)",
                entries.get((int) s[1]).getFileName(), s[0] / 1024)).toList();
    }

    private static long size(Path entry) throws IOException {
        try (Stream<Path> files = Files.walk(entry)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
