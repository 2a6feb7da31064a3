package dev.portaltoken.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL notification channels over one dedicated connection and hands each
 * payload to that channel's handler, on its own daemon thread. When the connection is lost it
 * reconnects every second; after (re)connecting it calls {@code resync}, since notifications sent
 * meanwhile were missed. Handlers must be quick and thread-safe.
 */
public final class ChangeListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);
    private static final int POLL_MILLIS = 1_000;

    private final Database database;
    private final Map<String, Consumer<String>> handlers;
    private final Runnable resync;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param handlers by channel name (plain identifiers)
     * @param resync   drops everything the notifications would have invalidated
     */
    public ChangeListener(Database database, Map<String, Consumer<String>> handlers, Runnable resync) {
        this.database = database;
        this.handlers = Map.copyOf(handlers);
        this.resync = resync;
        this.thread = new Thread(this::run, "change-listener");
        this.thread.setDaemon(true);
    }

    public ChangeListener start() {
        thread.start();
        return this;
    }

    private void run() {
        boolean wasConnected = false;
        while (running) {
            try (Connection connection = database.openUnpooled(); Statement statement = connection.createStatement()) {
                for (String channel : handlers.keySet()) {
                    statement.execute("LISTEN " + channel);
                }
                resync.run();
                if (wasConnected) {
                    LOG.info("listening for changes again");
                }
                wasConnected = true;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            handlers.getOrDefault(notification.getName(), payload -> { }).accept(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.debug("change listener disconnected: {}", e.getMessage());
                    sleep();
                }
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
