package dev.portaltoken.db;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * One unit of work across repositories, in the spirit of JDBI's {@code inTransaction} and Hydra's
 * {@code Transaction(ctx, f)}: {@link #inTransaction} opens a transaction on one connection of a
 * pool and binds it to the calling thread, and every statement run through {@link #withConnection}
 * (every repository's) on that pool and thread joins it, so a change commits together with, say, its
 * audit record, or not at all. Outside a transaction each statement takes a connection of its own,
 * in auto-commit. Transactions nest by joining the outermost, whose settings apply.
 *
 * <p>Isolation and read-only mode are set with {@code SET TRANSACTION} inside the transaction, never
 * as session characteristics (pgjdbc's {@code setTransactionIsolation} runs {@code SET SESSION
 * CHARACTERISTICS}, which outlives the transaction on the server connection and, behind a
 * transaction-mode pooler, leaks to other clients).
 *
 * <p>Every {@link SQLException} leaves as a {@link DataAccessException}: data access fails with one
 * unchecked exception. Thread-safe: the binding is per thread.
 */
public final class UnitOfWork {
    private static final ThreadLocal<Bound> CURRENT = new ThreadLocal<>();

    /** @param afterCommit what runs once the transaction has committed, in order (nothing if it rolls back) */
    private record Bound(DataSource dataSource, Connection connection, List<Runnable> afterCommit) {
    }

    /** Work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** The isolation levels of PostgreSQL, as {@code SET TRANSACTION} names them. */
    public enum Isolation {
        READ_COMMITTED("READ COMMITTED"), REPEATABLE_READ("REPEATABLE READ"), SERIALIZABLE("SERIALIZABLE");

        private final String sql;

        Isolation(String sql) {
            this.sql = sql;
        }
    }

    private UnitOfWork() {
    }

    /**
     * Runs {@code work} on the connection of the transaction this thread has open on
     * {@code dataSource}, or else on a connection of its own (auto-commit), closed after.
     */
    public static <T> T withConnection(DataSource dataSource, Work<T> work) {
        Bound bound = CURRENT.get();
        try {
            if (bound != null && bound.dataSource() == dataSource) {
                return work.run(unclosable(bound.connection()));
            }
            try (Connection connection = dataSource.getConnection()) {
                return work.run(connection);
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** {@link #inTransaction(DataSource, Isolation, boolean, Work)} at READ COMMITTED, read-write. */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        return inTransaction(dataSource, Isolation.READ_COMMITTED, false, work);
    }

    /**
     * Runs {@code work} in one transaction on {@code dataSource}: committed when it returns, rolled
     * back when it throws (what it threw is rethrown, an {@link SQLException} as a
     * {@link DataAccessException}). Inside a transaction this thread already has open on that pool it
     * joins it, and {@code isolation} and {@code readOnly} are the outer one's.
     */
    public static <T> T inTransaction(DataSource dataSource, Isolation isolation, boolean readOnly, Work<T> work) {
        Bound outer = CURRENT.get();
        if (outer != null && outer.dataSource() == dataSource) {
            return withConnection(dataSource, work);
        }
        List<Runnable> afterCommit = new ArrayList<>();
        T result;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (Statement s = connection.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL " + isolation.sql + (readOnly ? ", READ ONLY" : ""));
                }
                CURRENT.set(new Bound(dataSource, connection, afterCommit));
                result = work.run(unclosable(connection));
                connection.commit();
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            } finally {
                CURRENT.set(outer); // the pool restores auto-commit when the connection is returned
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
        afterCommit.forEach(Runnable::run);
        return result;
    }

    /**
     * Runs {@code action} once the transaction this thread has open on {@code dataSource} commits (the
     * outermost one; never if it rolls back), or at once when there is none: what must only be told
     * of a change that happened, such as its log line or an invalidation. It must not throw.
     */
    public static void afterCommit(DataSource dataSource, Runnable action) {
        Bound bound = CURRENT.get();
        if (bound != null && bound.dataSource() == dataSource) {
            bound.afterCommit().add(action);
        } else {
            action.run();
        }
    }

    /** True while this thread has a transaction open on {@code dataSource}. */
    public static boolean inTransactionOn(DataSource dataSource) {
        Bound bound = CURRENT.get();
        return bound != null && bound.dataSource() == dataSource;
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** The transaction's connection as work sees it: closing it is the transaction's business. */
    private static Connection unclosable(Connection connection) {
        return (Connection) Proxy.newProxyInstance(UnitOfWork.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close":
                            return null;
                        case "commit", "rollback", "setAutoCommit", "setTransactionIsolation":
                            throw new SQLException(method.getName() + " inside a unit of work: it belongs to the transaction");
                        default:
                            try {
                                return method.invoke(connection, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                    }
                });
    }
}
