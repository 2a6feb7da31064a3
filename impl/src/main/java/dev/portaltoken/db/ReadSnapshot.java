package dev.portaltoken.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * One read-only REPEATABLE READ transaction on one connection, with {@link Bulk} timeouts: every
 * query run in it sees the same data, so a result can be read twice (e.g. to size columns, then
 * to print them) and comes out the same. Results are streamed a few rows at a time, never held
 * whole. Not thread-safe: one caller, then {@link #close()}.
 */
public final class ReadSnapshot implements AutoCloseable {
    private final Connection connection;

    private ReadSnapshot(Connection connection) {
        this.connection = connection;
    }

    public static ReadSnapshot open(DataSource dataSource) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            Bulk.begin(connection);
            return new ReadSnapshot(connection);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Sets a statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Reads the current row of a result. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** Runs {@code sql} and hands each row to {@code each} as it arrives, in the order of the result. */
    public <T> void forEach(String sql, Binder binder, RowReader<T> reader, Consumer<? super T> each)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setFetchSize(Bulk.FETCH_SIZE);
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    each.accept(reader.read(rs));
                }
            }
        }
    }

    /** Ends the transaction (nothing was written) and returns the connection. */
    @Override
    public void close() throws SQLException {
        try {
            connection.rollback();
        } finally {
            connection.close();
        }
    }
}
