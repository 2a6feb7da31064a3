package dev.portaltoken.support;

import dev.portaltoken.config.DatabaseConfig;
import dev.portaltoken.db.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A migrated embedded PostgreSQL of a test's own, in a fresh temporary data directory, as a server opens it.
 *
 * <p>Each is a copy of one template per test JVM: a data directory in which a first {@code serve} would
 * have created and migrated its PostgreSQL (the cluster, stopped, and its password file; no key, no
 * tenant). Copying it takes about 0.3 s where {@code initdb} and the migrations took about 1.2 s, and
 * every test still gets a PostgreSQL of its own. Thread-safe.
 */
public final class EmbeddedDatabases {
    private static Path template;

    private EmbeddedDatabases() {
    }

    /** A test's own database; closing it stops PostgreSQL and deletes its data directory. */
    public record Opened(Database database, Path dataDir) implements AutoCloseable {
        public DataSource dataSource() {
            return database.dataSource();
        }

        @Override
        public void close() {
            try {
                database.close();
            } finally {
                TempDirectories.delete(dataDir);
            }
        }
    }

    /** How many migrations the build carries: the {@code db/migration/V*.sql} files on the class path. */
    public static long migrationFiles() {
        try (java.util.stream.Stream<Path> files = Files.list(Path.of(EmbeddedDatabases.class
                .getResource("/db/migration").toURI()))) {
            return files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens one with a pool of 4 named {@code role}; the caller closes it. */
    public static Opened open(String role) {
        Path dataDir = fresh("portal-token-" + role);
        try {
            return new Opened(Database.open(new DatabaseConfig(Optional.empty(), Optional.empty(), Optional.empty(),
                    dataDir, 4), role, true, null), dataDir);
        } catch (RuntimeException e) {
            TempDirectories.delete(dataDir);
            throw e;
        }
    }

    /**
     * A new temporary data directory named {@code prefix...} holding a created and migrated embedded
     * PostgreSQL (not running), as a first {@code serve} leaves it; the caller deletes it
     * ({@link TempDirectories#delete}).
     */
    public static Path fresh(String prefix) {
        Path dataDir = TempDirectories.create(prefix);
        try {
            copy(template(), dataDir);
            return dataDir;
        } catch (RuntimeException e) {
            TempDirectories.delete(dataDir);
            throw e;
        }
    }

    /**
     * Creates and migrates the embedded PostgreSQL of {@code dataDir} (new or empty), not running, as a
     * first {@code serve} would (admin commands refuse a data directory without one); returns {@code dataDir}.
     */
    public static Path create(Path dataDir) {
        copy(template(), dataDir);
        return dataDir;
    }

    /** The template, made by the first caller of this JVM and deleted when the JVM exits. */
    private static synchronized Path template() {
        if (template == null) {
            Path dir = TempDirectories.create("portal-token-template");
            try {
                Database.open(new DatabaseConfig(Optional.empty(), Optional.empty(), Optional.empty(), dir, 2),
                        "template", true, null).close();
            } catch (RuntimeException e) {
                TempDirectories.delete(dir);
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> TempDirectories.delete(dir), "template-cleanup"));
            template = dir;
        }
        return template;
    }

    /**
     * Copies {@code from}'s tree into {@code to} with {@code cp -a}: permissions kept (PostgreSQL insists on
     * owner-only ones), and faster than copying file by file from Java (0.29 s against 0.48 s here).
     */
    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to);
            Process cp = new ProcessBuilder("cp", "-a", from + "/.", to.toString()).redirectErrorStream(true).start();
            String output = new String(cp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (cp.waitFor() != 0) {
                throw new IOException("cp -a failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy the template data directory to " + to, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while copying the template data directory", e);
        }
    }
}
