package dev.portaltoken.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Cleans up after a test JVM killed before it could: PIT ends a mutant that runs too long with
 * SIGKILL, which leaves its embedded PostgreSQL running and its temporary directories behind. A
 * shell process of this JVM's reads the directories it is told of on a pipe; at the pipe's end
 * without the closing word, which the JVM writes from a shutdown hook on every exit that runs
 * hooks, it stops each postmaster serving one of them (checked by its command line) and deletes
 * them. After a normal exit it does nothing, so {@link TempDirectoryCheck} still sees what a test
 * left. Thread-safe.
 */
final class OrphanReaper {
    static final String NORMAL_EXIT = "exit";
    private static final String SCRIPT = """
            dirs=''; last=''
            while IFS= read -r line; do
              last="$line"
              [ "$line" = "%1$s" ] || dirs="$dirs$line
            "
            done
            [ "$last" = "%1$s" ] && exit 0
            printf '%%s' "$dirs" | while IFS= read -r dir; do
              [ -n "$dir" ] && [ -d "$dir" ] || continue
              for pidfile in $(find "$dir" -name postmaster.pid 2>/dev/null); do
                pid=$(head -n 1 "$pidfile")
                if tr '\\000' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-D $dir/"; then
                  kill -QUIT "$pid"
                  n=0; while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
                fi
              done
              rm -rf "$dir"
            done
            """.formatted(NORMAL_EXIT);
    private static OutputStream pipe;

    private OrphanReaper() {
    }

    /** Has {@code dir} stopped in and deleted should this JVM die without running its shutdown hooks. */
    static synchronized void watch(Path dir) {
        try {
            if (pipe == null) {
                Process shell = new ProcessBuilder("sh", "-c", SCRIPT).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                pipe = shell.getOutputStream();
                Runtime.getRuntime().addShutdownHook(new Thread(OrphanReaper::normalExit, "orphan-reaper-exit"));
            }
            pipe.write((dir.toAbsolutePath() + "\n").getBytes(StandardCharsets.UTF_8));
            pipe.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the orphan reaper", e);
        }
    }

    private static synchronized void normalExit() {
        try {
            pipe.write((NORMAL_EXIT + "\n").getBytes(StandardCharsets.UTF_8));
            pipe.close();
        } catch (IOException e) {
            // the reaper is gone already: nothing to tell it
        }
    }
}
