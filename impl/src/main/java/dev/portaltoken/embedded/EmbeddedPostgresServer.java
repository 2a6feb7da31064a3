package dev.portaltoken.embedded;

import dev.portaltoken.util.SecretFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL, this package's one public entry. A real PostgreSQL server whose data
 * lives in {@code <data-dir>/postgres} and survives restarts, reachable only through its owner-only
 * Unix socket with the generated password (see {@link PostgresCluster}).
 *
 * <p>One process owns the running server (it holds {@code <data-dir>/postgres.lock}); others on the
 * same data directory attach to it through the socket with the password file, so the admin CLI
 * works while {@code serve} runs. A server is never attached to: it waits for a short-lived owner (a
 * CLI command) to finish, and takes over a PostgreSQL whose owning process has died. A PID from
 * {@code postmaster.pid} is signalled only once it is known to be PostgreSQL on this data directory
 * (see {@link Postmaster}).
 *
 * <p>It registers no shutdown hook: its owner closes it, and a process that must stop it when the
 * JVM exits hands it to a {@code util.Lifecycle} with an exit hook (the server and the CLI do).
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Duration OWNER_WAIT = Duration.ofSeconds(30);

    private final PostgresCluster cluster;
    private final String password;
    private final Owner owner;

    private EmbeddedPostgresServer(PostgresCluster cluster, String password, Owner owner) {
        this.cluster = cluster;
        this.password = password;
        this.owner = owner;
    }

    /**
     * Starts PostgreSQL in {@code dataDir}, or attaches to the one already running there when
     * {@code mayAttach} (CLI commands); a server passes false and becomes the owner. A server fails
     * at once when another server owns the data directory, and waits (at most {@link #OWNER_WAIT})
     * for an admin command that does.
     */
    public static EmbeddedPostgresServer open(Path dataDir, boolean mayAttach) throws IOException {
        PostgresCluster cluster = new PostgresCluster(dataDir);
        String password = cluster.password();
        long deadline = System.nanoTime() + OWNER_WAIT.toNanos();
        DataDirectoryLock.Role role = mayAttach ? DataDirectoryLock.Role.COMMAND : DataDirectoryLock.Role.SERVER;
        String waitingFor = null;
        while (true) {
            Postmaster.Found found = Postmaster.find(cluster.pgData());
            if (mayAttach && found.state() == Postmaster.State.RUNNING && accepts(cluster, password)) {
                return new EmbeddedPostgresServer(cluster, password, null);
            }
            Optional<DataDirectoryLock> lock = DataDirectoryLock.tryAcquire(dataDir, role);
            if (lock.isPresent()) {
                try {
                    PgControl pg = new PgControl(PostgresBinaries.locate(dataDir));
                    clearLeftovers(cluster, pg);
                    cluster.start(pg, password);
                    return new EmbeddedPostgresServer(cluster, password, new Owner(lock.get(), pg));
                } catch (IOException | RuntimeException e) {
                    lock.get().release();
                    throw e;
                }
            }
            Optional<DataDirectoryLock.Holder> holder = DataDirectoryLock.holder(dataDir);
            if (!mayAttach && holder.isPresent() && holder.get().role() == DataDirectoryLock.Role.SERVER) {
                throw DataDirectoryLock.inUse(dataDir, holder.get());
            }
            String now = holder.map(DataDirectoryLock.Holder::describe)
                    .or(() -> found.postmaster().map(p -> "the process running its PostgreSQL (pid " + p.pid() + ")"))
                    .orElse("another process");
            if (found.state() == Postmaster.State.RUNNING && mayAttach && holder.isEmpty()) {
                now = "the PostgreSQL running there, which refuses the password in " + cluster.passwordFile();
            }
            if (!now.equals(waitingFor)) {
                LOG.info("the embedded PostgreSQL in {} is held by {}; waiting (at most {} s)", cluster.pgData(), now,
                        OWNER_WAIT.toSeconds());
                waitingFor = now;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the embedded PostgreSQL in " + cluster.pgData() + " is in use by " + waitingFor
                        + " (is another server running on this data directory?)");
            }
            sleep(250);
        }
    }

    /** Under the owner lock: stops a PostgreSQL left running by an owner that died, or drops a stale pid file. */
    private static void clearLeftovers(PostgresCluster cluster, PgControl pg) throws IOException {
        Postmaster.Found found = Postmaster.find(cluster.pgData());
        switch (found.state()) {
            case RUNNING -> {
                LOG.warn("stopping an embedded PostgreSQL (pid {}) left running by a process that exited",
                        found.postmaster().orElseThrow().pid());
                pg.stop(cluster.pgData());
            }
            case STALE -> {
                LOG.info("removing a stale {} (its process is gone or is not PostgreSQL on this data directory)",
                        Postmaster.PID_FILE);
                Files.deleteIfExists(cluster.pgData().resolve(Postmaster.PID_FILE));
            }
            case UNVERIFIABLE -> throw new IOException(cluster.pgData().resolve(Postmaster.PID_FILE)
                    + " names a running process that cannot be checked; if no PostgreSQL runs on this data directory,"
                    + " delete that file");
            case NONE -> {
                // nothing to clear
            }
        }
    }

    private static boolean accepts(PostgresCluster cluster, String password) {
        try {
            return cluster.authenticates(password);
        } catch (SQLException e) {
            LOG.debug("cannot attach to the embedded PostgreSQL in {}: {}", cluster.pgData(), e.getMessage());
            return false;
        }
    }

    /**
     * How another process reaches the embedded PostgreSQL of {@code dataDir} while it runs: its
     * socket's JDBC URL, the superuser and the generated password.
     *
     * @throws IOException when the password file cannot be read (no embedded database was created there)
     */
    public static Credentials credentialsOf(Path dataDir) throws IOException {
        PostgresCluster cluster = new PostgresCluster(dataDir);
        return new Credentials(cluster.jdbcUrl(), PostgresCluster.USER, SecretFile.read(cluster.passwordFile()));
    }

    /** Whether {@code dataDir} holds an embedded PostgreSQL (one a server created there). */
    public static boolean exists(Path dataDir) {
        return new PostgresCluster(dataDir).exists();
    }

    /**
     * Fails fast, creating nothing, when a live server already runs on the embedded database of
     * {@code dataDir}: a second server would otherwise wait for a lock that is never released.
     *
     * @throws dev.portaltoken.config.ConfigException naming the server's pid and how to choose another data directory
     */
    public static void refuseIfServed(Path dataDir) {
        DataDirectoryLock.refuseIfServed(dataDir);
    }

    /** How to connect: the Unix socket's JDBC URL, the superuser and its password (never logged). */
    public Credentials credentials() {
        return new Credentials(cluster.jdbcUrl(), PostgresCluster.USER, password);
    }

    /**
     * @param password the superuser's password, in clear: hand it to the pool only
     */
    public record Credentials(String jdbcUrl, String user, String password) {
        @Override
        public String toString() {
            return "Credentials[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=(hidden)]";
        }
    }

    /** The PostgreSQL data directory, {@code <data-dir>/postgres}. */
    public Path directory() {
        return cluster.pgData();
    }

    @Override
    public void close() throws IOException {
        if (owner == null) {
            return;
        }
        stop();
    }

    private synchronized void stop() throws IOException {
        if (owner.released()) {
            return;
        }
        try {
            owner.pg().stop(cluster.pgData());
        } finally {
            owner.release();
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

    /** The data directory's lock and the PostgreSQL this process started under it. */
    private record Owner(DataDirectoryLock lock, PgControl pg) {
        boolean released() {
            return lock.released();
        }

        void release() throws IOException {
            lock.release();
        }
    }
}
