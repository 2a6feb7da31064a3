package dev.portaltoken.db;

import dev.portaltoken.cache.Freshness;
import dev.portaltoken.util.BackgroundTasks;
import dev.portaltoken.util.Managed;
import dev.portaltoken.config.Setting;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL notification channels over one dedicated connection (to
 * {@code DATABASE_LISTEN_URL} when set, else to {@code DATABASE_URL}) and hands each payload to that
 * channel's handler, on its own daemon thread; handlers must be quick and thread-safe.
 *
 * <p>Delivery is proven end to end rather than assumed: every {@link #HEARTBEAT} a notification is
 * sent through the pool to a channel only this listener listens on, as every change is announced
 * (from another session), and must arrive on the listening connection, while it waits and sends
 * nothing, within {@link #HEARTBEAT_TIMEOUT}. A connection can fail silently in two ways:
 * <ul>
 * <li>it is dead (a NAT or load balancer dropping an idle flow, a failover): then a query on it
 * fails too. The caches are dropped ({@code resync}: notifications may be missed from now on), a
 * WARN is logged once, and it reconnects every second, dropping the caches again once listening;</li>
 * <li>it answers queries but notifications do not come back ({@link Status#NOT_DELIVERING}: a
 * transaction-mode pooler, which runs each statement on whichever server connection is free, so
 * the one that executed {@code LISTEN} is not this client's). One WARN names the likely cause and
 * the fix; it keeps checking, and drops the caches once notifications arrive again.</li>
 * </ul>
 *
 * <p>As a {@link Freshness}, it trusts a cached entry for its whole lifetime only while it is
 * {@link #alive() confirmed delivering}; otherwise for at most one heartbeat interval after it was
 * loaded. A change whose notification is lost is therefore served from a cache for at most about
 * {@link #HEARTBEAT} + {@link #HEARTBEAT_TIMEOUT} after it was made. Thread-safe.
 */
public final class ChangeListener implements Freshness, Managed {
    /** How often delivery is checked; also how long entries are trusted while it is not confirmed. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** How long a heartbeat may take to come back (and a query on the connection to answer). */
    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
    /** The listening connection's {@code application_name} (in {@code pg_stat_activity}). */
    public static final String APPLICATION_NAME = "portal-token-change-listener";
    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);
    private static final long RECONNECT_MILLIS = 1_000;
    private static final long HEARTBEAT_NANOS = HEARTBEAT.toNanos();
    private static final long ALIVE_NANOS = HEARTBEAT.plus(HEARTBEAT_TIMEOUT).toNanos();

    /** What {@code /readyz} and the metrics say about the listener. */
    public enum Status {
        /** Notifications are confirmed to arrive. */
        OK,
        /** Not listening (connecting, or the connection was lost), or delivery cannot be checked now. */
        RECONNECTING,
        /** Listening on a connection that answers, but the heartbeat notifications do not come back. */
        NOT_DELIVERING
    }

    private final Database database;
    private final Heartbeats heartbeats;
    private final AtomicLong failures = new AtomicLong();
    private volatile BackgroundTasks.Task task;
    private volatile Map<String, Consumer<String>> handlers = Map.of();
    private volatile Runnable resync = () -> { };
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile boolean notDelivering;
    private volatile long confirmedAtNanos;
    /** The payload of the last heartbeat that arrived; written by the listening thread only. */
    private volatile String lastBeat = "";
    private boolean warnedNotDelivering;

    /** Not listening until started; until then {@link #alive()} is false. */
    public ChangeListener(Database database) {
        this.database = database;
        this.heartbeats = new Heartbeats(database.dataSource());
    }

    /**
     * @param handlers what to do with each channel's notifications once started, by channel name (plain identifiers)
     * @param resync   drops everything the notifications would have invalidated
     */
    public ChangeListener dispatchingTo(Map<String, Consumer<String>> handlers, Runnable resync) {
        this.handlers = Map.copyOf(handlers);
        this.resync = resync;
        return this;
    }

    /** Listens on a thread of {@code tasks}, sending heartbeats from a worker of {@code tasks}. */
    @Override
    public void start(BackgroundTasks tasks) {
        heartbeats.sendOn(tasks.worker("change-listener-heartbeat"));
        Map<String, Consumer<String>> channels = new HashMap<>(handlers);
        channels.put(heartbeats.channel(), payload -> lastBeat = payload);
        task = tasks.thread("change-listener", () -> run(Map.copyOf(channels), resync));
    }

    /** True while listening and a heartbeat came back within the last interval and timeout. */
    public boolean alive() {
        return connected && System.nanoTime() - confirmedAtNanos <= ALIVE_NANOS;
    }

    /** Whether notifications are confirmed to arrive, and if not, why. */
    public Status status() {
        if (alive()) {
            return Status.OK;
        }
        return connected && notDelivering ? Status.NOT_DELIVERING : Status.RECONNECTING;
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
            try (Connection connection = database.openListening(Map.of(
                    "ApplicationName", APPLICATION_NAME,
                    "socketTimeout", Long.toString(HEARTBEAT_TIMEOUT.toSeconds()),
                    "loginTimeout", Long.toString(HEARTBEAT_TIMEOUT.toSeconds() * 2)));
                 Statement statement = connection.createStatement()) {
                for (String channel : handlers.keySet()) {
                    statement.execute("LISTEN " + channel);
                }
                resync.run();
                connected = true;
                if (lost) {
                    LOG.info("listening for changes again");
                    lost = false;
                }
                listen(connection.unwrap(PGConnection.class), statement, handlers, resync);
            } catch (ThreadDeath e) {
                connected = false;
                throw e;
            } catch (Throwable e) { // any failure, an OutOfMemoryError included, ends one connection, not the listener
                connected = false;
                notDelivering = false;
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

    /**
     * Hands notifications over until the connection fails, sending a heartbeat every interval and
     * waiting for it; one that does not come back is followed by a query on the connection, which
     * throws when the connection is dead.
     */
    private void listen(PGConnection pg, Statement statement, Map<String, Consumer<String>> handlers,
                        Runnable resync) throws SQLException {
        Dispatch.dispatch(pg.getNotifications(), handlers); // those that came with the LISTEN answers
        long sequence = 0;
        while (running) {
            long beatAt = System.nanoTime();
            String beat = Long.toString(++sequence);
            CompletableFuture<Boolean> sent = heartbeats.send(beat);
            if (waitUntil(pg, handlers, beatAt + HEARTBEAT_TIMEOUT.toNanos(), beat, sent)) {
                confirmedAtNanos = System.nanoTime();
                if (notDelivering) {
                    notDelivering = false;
                    resync.run(); // whatever was announced meanwhile was missed
                    LOG.info("notifications are delivered again");
                }
                warnedNotDelivering = false;
            } else if (!sent.getNow(false)) {
                LOG.debug("delivery not checked: the heartbeat could not be sent through the pool");
            } else {
                statement.execute("SELECT 1"); // the socket timeout bounds it: a dead connection fails here
                Dispatch.dispatch(pg.getNotifications(), handlers); // those that came with the answer (a late heartbeat is not counted)
                notDelivering = true;
                if (!warnedNotDelivering) {
                    warnedNotDelivering = true;
                    LOG.warn("notifications are not delivered: a heartbeat notification did not come back within {} s"
                            + " although the listening connection answers. It most likely goes through a pooler in"
                            + " transaction mode (PgBouncer pool_mode = transaction), where LISTEN does not work: set {}"
                            + " to a direct connection to PostgreSQL (or to a session-mode pooler). Until then caches"
                            + " trust entries for at most {} s", HEARTBEAT_TIMEOUT.toSeconds(),
                            Setting.DATABASE_LISTEN_URL.env(), HEARTBEAT.toSeconds());
                }
            }
            waitUntil(pg, handlers, beatAt + HEARTBEAT_NANOS, null, null);
        }
    }

    /**
     * Dispatches notifications as they arrive, sending nothing, until {@code deadlineNanos} or, when
     * {@code beat} is not null, until that heartbeat arrives (then true) or {@code sent} tells it could
     * not be sent.
     */
    private boolean waitUntil(PGConnection pg, Map<String, Consumer<String>> handlers, long deadlineNanos, String beat,
                              CompletableFuture<Boolean> sent) throws SQLException {
        while (running) {
            if (beat != null && beat.equals(lastBeat)) {
                return true;
            }
            long wait = deadlineNanos - System.nanoTime();
            if (wait <= 0 || sent != null && !sent.getNow(true)) {
                return false;
            }
            // Short waits while the heartbeat is being sent, so that a failed send is seen soon.
            long waitMillis = Math.max(1, Math.min(wait / 1_000_000, sent != null && !sent.isDone() ? 100 : Long.MAX_VALUE));
            Dispatch.dispatch(pg.getNotifications((int) waitMillis), handlers);
        }
        return false;
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
        heartbeats.close();
        BackgroundTasks.Task listening = task;
        if (listening != null) {
            listening.close();
        }
    }
}
