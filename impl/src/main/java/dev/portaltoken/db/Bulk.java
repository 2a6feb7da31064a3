package dev.portaltoken.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Admin work over many rows (imports, listings): one transaction whose statements may run far
 * longer than the request path's socket timeout ({@code socketTimeout=10} s on the pool) allows.
 */
public final class Bulk {
    /** The longest one statement of bulk work may run before PostgreSQL cancels it. */
    public static final Duration STATEMENT_TIMEOUT = Duration.ofHours(1);
    /**
     * How long the client waits for an answer to one statement: past the statement timeout, so a
     * slow statement ends with PostgreSQL's own error, and a lost server is noticed then at the latest.
     */
    static final Duration SOCKET_TIMEOUT = STATEMENT_TIMEOUT.plusMinutes(1);
    /** Rows fetched per round trip when a result is streamed. */
    static final int FETCH_SIZE = 1_000;

    private Bulk() {
    }

    /**
     * Starts a transaction on {@code connection} with bulk timeouts. The pool restores the
     * connection's own socket timeout when it is returned.
     */
    public static void begin(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        timeouts(connection);
    }

    /** Gives the transaction open on {@code connection} (a {@link UnitOfWork}'s, say) the bulk timeouts. */
    public static void timeouts(Connection connection) throws SQLException {
        connection.setNetworkTimeout(Runnable::run, Math.toIntExact(SOCKET_TIMEOUT.toMillis()));
        try (Statement s = connection.createStatement()) {
            s.execute("SET LOCAL statement_timeout = " + STATEMENT_TIMEOUT.toMillis());
        }
    }

    /** Rolls back after {@code failure}, keeping it the error reported (a failed rollback is added to it). */
    public static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
