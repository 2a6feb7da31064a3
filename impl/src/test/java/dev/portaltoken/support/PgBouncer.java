package dev.portaltoken.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's PgBouncer (package {@code pgbouncer}, which .ci/run installs) in front of a
 * {@link DebianPostgres}, on a free loopback port, in session or transaction mode, as managed
 * platforms run it: SCRAM authentication of {@code postgres} with the cluster's password, and
 * {@code ignore_startup_parameters = extra_float_digits} (pgjdbc sends it; PgBouncer refuses unknown
 * start-up parameters otherwise). It can be restarted on the same port. {@link #close()} stops it
 * and deletes its directory.
 */
public final class PgBouncer implements AutoCloseable {
    /** PgBouncer's {@code pool_mode}. */
    public enum Mode {
        SESSION, TRANSACTION;

        String configValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private final DebianPostgres postgres;
    private final Path binary;
    private Process process;

    private PgBouncer(DebianPostgres postgres, Mode mode) {
        Path binary = LocalServices.installed("/usr/sbin/pgbouncer", "pgbouncer");
        this.postgres = postgres;
        try {
            dir = Files.createTempDirectory("pgbouncer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config = dir.resolve("pgbouncer.ini");
        log = dir.resolve("pgbouncer.log");
        port = LocalServices.freePort();
        try {
            Files.writeString(dir.resolve("userlist.txt"),
                    "\"" + DebianPostgres.USER + "\" \"" + postgres.password() + "\"\n");
            Files.writeString(config, String.join("\n",
                    "[databases]",
                    "postgres = host=127.0.0.1 port=" + postgres.port() + " dbname=postgres",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "unix_socket_dir =",
                    "auth_type = scram-sha-256",
                    "auth_file = " + dir.resolve("userlist.txt"),
                    "pool_mode = " + mode.configValue(),
                    "max_client_conn = 500",
                    "default_pool_size = 20",
                    "ignore_startup_parameters = extra_float_digits",
                    "server_connect_timeout = 3",
                    "") + "\n");
        } catch (IOException e) {
            LocalServices.deleteTree(dir);
            throw new UncheckedIOException(e);
        }
        this.binary = binary;
    }

    /** A running PgBouncer in {@code mode} in front of {@code postgres}. */
    public static PgBouncer start(DebianPostgres postgres, Mode mode) {
        PgBouncer bouncer = new PgBouncer(postgres, mode);
        try {
            return bouncer.startAgain();
        } catch (RuntimeException | Error e) {
            bouncer.close();
            throw e;
        }
    }

    /** Starts it (again) on the same port; returns once it accepts connections. */
    public synchronized PgBouncer startAgain() {
        if (process == null) {
            process = LocalServices.spawn(LocalServices.unprivileged(List.of(binary.toString(), config.toString())), log);
            LocalServices.awaitListening(port, process, log, Duration.ofSeconds(30));
        }
        return this;
    }

    /** Immediate shutdown (SIGTERM): every client and server connection is closed. */
    public synchronized void stop() {
        LocalServices.stop(process, Duration.ofSeconds(10));
        process = null;
    }

    public int port() {
        return port;
    }

    /** Its JDBC URL with {@code parameters} (may be empty) after a {@code ?}. */
    public String jdbcUrl(String parameters) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres" + (parameters.isEmpty() ? "" : "?" + parameters);
    }

    /** The settings that point a server or the CLI at {@code url}, with the cluster's user and password. */
    public java.util.Map<String, String> env(String url) {
        return postgres.env(url);
    }

    public String logTail() {
        return LocalServices.tail(log);
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            LocalServices.deleteTree(dir);
        }
    }
}
