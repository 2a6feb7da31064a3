package dev.portaltoken.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL that a test can stop and start again on the same port and data, to play an
 * external database going away and coming back. It listens on TCP (localhost) with trust
 * authentication, as zonky's test server does: a stand-in for an external database, never the
 * server's own embedded one.
 */
public final class StoppablePostgres implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres running;

    public StoppablePostgres() {
        try {
            this.dataDir = Files.createTempDirectory("external-pg");
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
                        .setPort(port).start();
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

    @Override
    public void close() {
        stop();
    }
}
