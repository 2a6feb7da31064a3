package dev.portaltoken.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * A real PostgreSQL that a test can stop and start again on the same port and data, to play an
 * external database going away and coming back. It listens on TCP (localhost) with trust
 * authentication, as zonky's test server does: a stand-in for an external database, never the
 * server's own embedded one.
 */
public final class StoppablePostgres implements AutoCloseable {
    /**
     * Where zonky unpacks its PostgreSQL binaries once (by default {@code java.io.tmpdir/embedded-pg},
     * which the build keeps empty): beside the server's own unpacked binaries, in this user's cache.
     * Every test that starts zonky's server sets it ({@code setOverrideWorkingDirectory}).
     */
    public static final Path BINARIES = Path.of(System.getProperty("user.home"), ".cache", "portal-token-server",
            "zonky-test");
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres running;

    public StoppablePostgres() {
        try {
            this.dataDir = TempDirectories.create("external-pg");
            try (ServerSocket socket = new ServerSocket(0)) {
                this.port = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Its TCP port on the loopback interface. */
    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    public synchronized StoppablePostgres start() {
        if (running == null) {
            try {
                running = EmbeddedPostgres.builder().setDataDirectory(dataDir.toFile()).setCleanDataDirectory(false)
                        .setOverrideWorkingDirectory(BINARIES.toFile()).setPort(port).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    public synchronized void stop() {
        if (running != null) {
            try {
                running.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            running = null;
        }
    }

    /** Stops it and deletes its data. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            TempDirectories.delete(dataDir);
        }
    }
}
