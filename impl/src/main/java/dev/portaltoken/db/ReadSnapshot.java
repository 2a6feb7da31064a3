package dev.portaltoken.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

    /**
     * Begins the snapshot on a connection of its own. Its isolation and read-only mode are set with
     * {@code SET TRANSACTION}, for this transaction only (see {@link UnitOfWork}).
     */
    public static ReadSnapshot open(DataSource dataSource) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
        try {
            Bulk.begin(connection);
            try (Statement s = connection.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            return new ReadSnapshot(connection);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof SQLException sql ? new DataAccessException(sql) : (RuntimeException) e;
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
    public <T> void forEach(String sql, Binder binder, RowReader<T> reader, Consumer<? super T> each) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setFetchSize(Bulk.FETCH_SIZE);
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    each.accept(reader.read(rs));
                }
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Ends the transaction (nothing was written) and returns the connection. */
    @Override
    public void close() {
        try {
            try {
                connection.rollback();
            } finally {
                connection.close();
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }
}
