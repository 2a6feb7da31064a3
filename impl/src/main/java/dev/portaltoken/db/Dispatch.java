package dev.portaltoken.db;

import java.util.Map;
import java.util.function.Consumer;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How {@link ChangeListener} hands notifications to the handlers of their channels. */
final class Dispatch {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

    private Dispatch() {
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
}
