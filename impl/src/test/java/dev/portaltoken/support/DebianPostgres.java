package dev.portaltoken.support;

import dev.portaltoken.config.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Debian's PostgreSQL 15 server (package {@code postgresql}, which .ci/run installs) as an external
 * database would be: a cluster of its own in a temporary directory, listening on a free loopback
 * port, with password (SCRAM) authentication for {@code postgres} and, when asked, TLS with a
 * server certificate for {@code localhost} signed by a {@link TestCa} of its own. It can be stopped
 * and started again on the same port and data (a restart or failover). {@link #close()} stops it
 * and deletes the directory.
 */
public final class DebianPostgres implements AutoCloseable {
    public static final String USER = "postgres";
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(2);

    private final Path dir;
    private final Path pgData;
    private final Path log;
    private final int port;
    private final String password;
    private final Optional<TestCa> ca;
    private boolean running;

    private DebianPostgres(boolean tls) {
        LocalServices.installed(BIN.resolve("postgres").toString(), "postgresql");
        try {
            dir = Files.createTempDirectory("debian-pg");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            pgData = dir.resolve("data");
            log = dir.resolve("postgres.log");
            port = LocalServices.freePort();
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            password = "pgpw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            RuntimeSecrets.record("test database password", password);
            Path passwordFile = dir.resolve("password");
            Files.writeString(passwordFile, password + "\n");
            LocalServices.run(LocalServices.unprivileged(List.of(BIN.resolve("initdb").toString(), "-D", pgData.toString(),
                    "-U", USER, "-A", "scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF8", "--no-locale",
                    "--no-sync")), log, TOOL_TIMEOUT);
            Files.delete(passwordFile);
            Files.createDirectories(dir.resolve("socket"));
            Files.writeString(pgData.resolve("pg_hba.conf"), """
                    local all all scram-sha-256
                    host all all 127.0.0.1/32 scram-sha-256
                    host all all ::1/128 scram-sha-256
                    """);
            ca = tls ? Optional.of(TestCa.create(dir, "test-ca")) : Optional.empty();
            if (tls) {
                TestCa.Issued server = ca.get().issue("server", "localhost");
                Files.move(server.certificate(), pgData.resolve("server.crt"));
                Files.move(server.key(), pgData.resolve("server.key"));
            }
        } catch (IOException e) {
            LocalServices.deleteTree(dir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            LocalServices.deleteTree(dir);
            throw e;
        }
    }

    /** A running cluster without TLS. */
    public static DebianPostgres start() {
        return new DebianPostgres(false).startAgain();
    }

    /** A running cluster that also accepts TLS, with a certificate for {@code localhost} from {@link #ca()}. */
    public static DebianPostgres startWithTls() {
        return new DebianPostgres(true).startAgain();
    }

    /** Starts it (again) on the same port and data; returns once it accepts connections. */
    public synchronized DebianPostgres startAgain() {
        if (!running) {
            List<String> options = new ArrayList<>(List.of("-p", Integer.toString(port),
                    "-c", "listen_addresses=127.0.0.1",
                    "-c", "unix_socket_directories=" + dir.resolve("socket"),
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                    "-c", "max_connections=200", "-c", "shared_buffers=16MB"));
            if (ca.isPresent()) {
                options.addAll(List.of("-c", "ssl=on"));
            }
            LocalServices.run(LocalServices.unprivileged(List.of(BIN.resolve("pg_ctl").toString(), "start", "-w",
                    "-t", "120", "-D", pgData.toString(), "-l", log.toString(), "-o", String.join(" ", options))),
                    dir.resolve("pg_ctl.log"), TOOL_TIMEOUT);
            running = true;
        }
        return this;
    }

    /** Fast shutdown (clients are disconnected at once), as a failover or a restart does. */
    public synchronized void stop() {
        if (running) {
            LocalServices.run(LocalServices.unprivileged(List.of(BIN.resolve("pg_ctl").toString(), "stop", "-w",
                    "-t", "120", "-m", "fast", "-D", pgData.toString())), dir.resolve("pg_ctl.log"), TOOL_TIMEOUT);
            running = false;
        }
    }

    public int port() {
        return port;
    }

    /** The password of {@link #USER} (noted as a secret for the log scan). */
    public String password() {
        return password;
    }

    /** The authority that signed the server certificate (TLS clusters only). */
    public TestCa ca() {
        return ca.orElseThrow(() -> new IllegalStateException("started without TLS"));
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres}, with {@code parameters} (may be empty) after a {@code ?}. */
    public String jdbcUrl(String parameters) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres" + (parameters.isEmpty() ? "" : "?" + parameters);
    }

    /** The settings that point a server or the CLI at {@code url}, with this cluster's user and password. */
    public Map<String, String> env(String url) {
        Map<String, String> env = new HashMap<>();
        env.put(Setting.DATABASE_URL.env(), url);
        env.put(Setting.DATABASE_USER.env(), USER);
        env.put(Setting.DATABASE_PASSWORD.env(), password);
        return env;
    }

    /** A direct connection (without TLS), for fault injection and assertions. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl("sslmode=disable"), USER, password);
    }

    /** What the server logged, for a failure message. */
    public String logTail() {
        return LocalServices.tail(log);
    }

    /** Stops it and deletes its directory. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            LocalServices.deleteTree(dir);
        }
    }
}
