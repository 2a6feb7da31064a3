package dev.portaltoken.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM {@code OrphanReaperTest} kills: {@code postgres} opens an embedded PostgreSQL, {@code dir}
 * only creates a directory; each prints its directory and waits, or with {@code exit} exits at once.
 */
public final class ReaperProbe {
    private ReaperProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args[0].equals("postgres") ? EmbeddedDatabases.open("reaper-probe").dataDir()
                : TempDirectories.create("portal-token-reaper-probe");
        Files.writeString(dir.resolve("probe"), "written");
        System.out.println(dir);
        System.out.flush();
        if (args.length > 1 && args[1].equals("exit")) {
            System.exit(0);
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
