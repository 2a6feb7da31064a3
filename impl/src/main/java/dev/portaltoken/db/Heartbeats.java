package dev.portaltoken.db;

import dev.portaltoken.util.BackgroundTasks;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link ChangeListener}'s heartbeat notifications: to a channel of its own, through the
 * pool (from another session, as every change is announced), on a worker thread of the listener's
 * tasks, so that a pool waiting for a connection never holds up the listener. Thread-safe.
 */
final class Heartbeats implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    private static final String SEND = "SELECT pg_notify(?, ?)";

    private final DataSource pool;
    private final String channel;
    private volatile BackgroundTasks.Worker sender;

    Heartbeats(DataSource pool) {
        this.pool = pool;
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        this.channel = "portal_heartbeat_" + HexFormat.of().formatHex(random);
    }

    /** From now on heartbeats are sent on {@code worker}. */
    void sendOn(BackgroundTasks.Worker worker) {
        this.sender = worker;
    }

    /** The channel only this listener listens on (a plain identifier). */
    String channel() {
        return channel;
    }

    /**
     * Sends {@code beat}; completes with false when the pool cannot reach the database now.
     *
     * @throws java.util.concurrent.RejectedExecutionException once closed
     */
    CompletableFuture<Boolean> send(String beat) {
        return CompletableFuture.supplyAsync(() -> {
            try (Connection connection = pool.getConnection(); PreparedStatement notify = connection.prepareStatement(SEND)) {
                notify.setString(1, channel);
                notify.setString(2, beat);
                notify.execute();
                return true;
            } catch (SQLException | RuntimeException e) {
                LOG.debug("cannot send a heartbeat notification: {}", e.getMessage());
                return false;
            }
        }, sender);
    }

    @Override
    public void close() {
        BackgroundTasks.Worker worker = sender;
        if (worker != null) {
            worker.close();
        }
    }
}
