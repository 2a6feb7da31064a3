package dev.portaltoken.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server whose data lives in {@code <data-dir>/postgres} and survives restarts.
 *
 * <p>One process owns the running server (it holds zonky's {@code epg-lock}); others on the same
 * data directory attach to it through the port in {@code postmaster.pid}, so the admin CLI works
 * while {@code serve} runs. A server is never attached to: it waits for a short-lived owner (a CLI
 * command) to finish, and takes over a PostgreSQL whose owning process has died.
 */
final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final String USER = "postgres";
    private static final Duration OWNER_WAIT = Duration.ofSeconds(30);

    private final EmbeddedPostgres owned;
    private final int port;
    private final Path directory;

    private EmbeddedPostgresServer(EmbeddedPostgres owned, int port, Path directory) {
        this.owned = owned;
        this.port = port;
        this.directory = directory;
    }

    /**
     * Starts PostgreSQL in {@code dataDir}, or attaches to the one already running there when
     * {@code mayAttach} (CLI commands); a server passes false and becomes the owner.
     */
    static EmbeddedPostgresServer open(Path dataDir, boolean mayAttach) throws IOException {
        Path pgData = dataDir.resolve("postgres").toAbsolutePath();
        Files.createDirectories(pgData);
        long deadline = System.nanoTime() + OWNER_WAIT.toNanos();
        while (true) {
            OptionalInt running = runningPort(pgData);
            if (running.isPresent()) {
                boolean orphaned = !isOwned(pgData);
                if (mayAttach && canConnect(running.getAsInt())) {
                    return new EmbeddedPostgresServer(null, running.getAsInt(), pgData);
                }
                if (!mayAttach && orphaned) {
                    stopOrphan(pgData);
                }
            } else {
                try {
                    EmbeddedPostgres pg = EmbeddedPostgres.builder()
                            .setDataDirectory(pgData.toFile())
                            .setCleanDataDirectory(false)
                            .setPGStartupWait(Duration.ofSeconds(60))
                            .setServerConfig("listen_addresses", "localhost")
                            .start();
                    return new EmbeddedPostgresServer(pg, pg.getPort(), pgData);
                } catch (IllegalStateException e) { // zonky's "could not lock": another process is starting it
                    LOG.debug("embedded PostgreSQL in {} is being started by another process", pgData);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the embedded PostgreSQL in " + pgData
                        + " is in use by another process (is another server running on this data directory?)");
            }
            sleep(250);
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    String user() {
        return USER;
    }

    Path directory() {
        return directory;
    }

    @Override
    public void close() throws IOException {
        if (owned != null) {
            owned.close();
        }
    }

    /** The port of a live postmaster in {@code pgData}, read from {@code postmaster.pid}. */
    private static OptionalInt runningPort(Path pgData) {
        Path pidFile = pgData.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.size() < 4) {
                return OptionalInt.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return OptionalInt.of(Integer.parseInt(lines.get(3).trim()));
            }
        } catch (IOException | NumberFormatException e) {
            // no usable pid file: nothing is running
        }
        return OptionalInt.empty();
    }

    /** True when a live process holds the owner lock. */
    private static boolean isOwned(Path pgData) {
        Path lockFile = pgData.resolve("epg-lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (RandomAccessFile file = new RandomAccessFile(lockFile.toFile(), "rw");
             FileLock lock = file.getChannel().tryLock()) {
            return lock == null;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    /** Fast-shuts-down a PostgreSQL left behind by a process that died without stopping it. */
    private static void stopOrphan(Path pgData) {
        try {
            long pid = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
            LOG.warn("stopping an embedded PostgreSQL (pid {}) left running by a process that exited", pid);
            // SIGINT is PostgreSQL's fast shutdown; ProcessHandle only sends SIGTERM (smart), which also
            // completes promptly because the owner and its connections are gone.
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            LOG.debug("could not read postmaster.pid", e);
        }
    }

    private static boolean canConnect(int port) {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("connectTimeout", "5");
        try (Connection ignored = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", props)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the embedded PostgreSQL", e);
        }
    }
}
