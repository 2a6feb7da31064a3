package dev.portaltoken.db;

import dev.portaltoken.cache.Freshness;
import dev.portaltoken.util.BackgroundTasks;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL notification channels over one dedicated connection and hands each
 * payload to that channel's handler, on its own daemon thread; handlers must be quick and
 * thread-safe.
 *
 * <p>A connection can die silently (a NAT or load balancer dropping an idle flow, a failover, a
 * pooler that never delivers notifications), so it is checked with a query every
 * {@link #HEARTBEAT}; a query that does not answer within {@link #HEARTBEAT_TIMEOUT}, like any other
 * failure, counts as lost. Then the caches are dropped ({@code resync}: notifications may be missed
 * from now on), a WARN is logged once, and it reconnects every second, dropping the caches again once
 * listening (whatever was announced meanwhile was missed).
 *
 * <p>As a {@link Freshness}, it trusts a cached entry for its whole lifetime only while it is
 * {@link #alive() confirmed alive}; otherwise for at most one heartbeat interval after it was loaded.
 * Thread-safe.
 */
public final class ChangeListener implements Freshness, AutoCloseable {
    /** How often the connection is checked; also how long entries are trusted while it is not known to work. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** How long a heartbeat may take before the connection counts as dead. */
    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
    /** The listening connection's {@code application_name} (visible in {@code pg_stat_activity}). */
    public static final String APPLICATION_NAME = "portal-token-change-listener";
    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);
    private static final long RECONNECT_MILLIS = 1_000;
    private static final long HEARTBEAT_NANOS = HEARTBEAT.toNanos();
    private static final long ALIVE_NANOS = HEARTBEAT.plus(HEARTBEAT_TIMEOUT).toNanos();

    private final Database database;
    private final AtomicLong failures = new AtomicLong();
    private volatile BackgroundTasks.Task task;
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile long confirmedAtNanos;

    /** Not listening until {@link #start}; until then {@link #alive()} is false. */
    public ChangeListener(Database database) {
        this.database = database;
    }

    /**
     * @param handlers by channel name (plain identifiers)
     * @param resync   drops everything the notifications would have invalidated
     */
    public ChangeListener start(Map<String, Consumer<String>> handlers, Runnable resync, BackgroundTasks tasks) {
        Map<String, Consumer<String>> channels = Map.copyOf(handlers);
        task = tasks.thread("change-listener", () -> run(channels, resync));
        return this;
    }

    /** True while listening and the last heartbeat (or the connection) answered within the last interval and timeout. */
    public boolean alive() {
        return connected && System.nanoTime() - confirmedAtNanos <= ALIVE_NANOS;
    }

    /** How many times the listening connection failed or could not be made. */
    public long failures() {
        return failures.get();
    }

    @Override
    public boolean trusts(long loadedAtNanos) {
        return alive() || System.nanoTime() - loadedAtNanos <= HEARTBEAT_NANOS;
    }

    private void run(Map<String, Consumer<String>> handlers, Runnable resync) {
        boolean lost = false;
        while (running) {
            try (Connection connection = database.openUnpooled(Map.of(
                    "ApplicationName", APPLICATION_NAME,
                    "socketTimeout", Long.toString(HEARTBEAT_TIMEOUT.toSeconds()),
                    "loginTimeout", Long.toString(HEARTBEAT_TIMEOUT.toSeconds() * 2)));
                 Statement statement = connection.createStatement()) {
                for (String channel : handlers.keySet()) {
                    statement.execute("LISTEN " + channel);
                }
                resync.run();
                confirmedAtNanos = System.nanoTime();
                connected = true;
                if (lost) {
                    LOG.info("listening for changes again");
                    lost = false;
                }
                listen(connection.unwrap(PGConnection.class), statement, handlers);
            } catch (ThreadDeath e) {
                connected = false;
                throw e;
            } catch (Throwable e) { // any failure, an OutOfMemoryError included, ends one connection, not the listener
                connected = false;
                if (!running) {
                    return;
                }
                failures.incrementAndGet();
                resync.run();
                if (!lost) {
                    LOG.warn("not listening for changes ({}): caches trust entries for at most {} s until the"
                            + " connection is back; reconnecting", e.toString(), HEARTBEAT.toSeconds());
                    lost = true;
                } else {
                    LOG.debug("still not listening for changes: {}", e.getMessage());
                }
                pause();
            }
        }
    }

    /** Hands notifications over until the connection fails, checking it every heartbeat. */
    private void listen(PGConnection pg, Statement statement, Map<String, Consumer<String>> handlers)
            throws SQLException {
        long heartbeatNanos = HEARTBEAT.toNanos();
        long lastBeat = System.nanoTime();
        while (running) {
            long wait = heartbeatNanos - (System.nanoTime() - lastBeat);
            if (wait > 0) {
                dispatch(pg.getNotifications((int) Math.max(1, wait / 1_000_000)), handlers);
                continue;
            }
            statement.execute("SELECT 1"); // the socket timeout bounds it: a dead connection fails here
            confirmedAtNanos = System.nanoTime();
            lastBeat = confirmedAtNanos;
            dispatch(pg.getNotifications(), handlers); // those that came with the answer
        }
    }

    /**
     * Hands each notification to its channel's handler. A handler that fails loses only its own
     * notification (logged, its channel named): the others of the batch are still handed over, and
     * the connection is kept.
     */
    static void dispatch(PGNotification[] notifications, Map<String, Consumer<String>> handlers) {
        if (notifications == null) {
            return;
        }
        for (PGNotification notification : notifications) {
            Consumer<String> handler = handlers.get(notification.getName());
            if (handler == null) {
                continue;
            }
            try {
                handler.accept(notification.getParameter());
            } catch (RuntimeException e) {
                LOG.warn("could not apply a change announced on {} ({}); the others are applied", notification.getName(),
                        e.toString());
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        BackgroundTasks.Task listening = task;
        if (listening != null) {
            listening.close();
        }
    }
}
