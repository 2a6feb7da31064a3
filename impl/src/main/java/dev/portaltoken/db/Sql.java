package dev.portaltoken.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * One statement on a connection from a pool, or of the unit of work this thread has open on it
 * ({@link UnitOfWork}): prepared, bound, run and closed; and reading PostgreSQL errors. Parameters
 * are set by a {@link ReadSnapshot.Binder}, rows read by a {@link ReadSnapshot.RowReader}, as in a
 * {@link ReadSnapshot}. Failures are {@link DataAccessException}s.
 */
public final class Sql {
    /** For a statement without parameters. */
    public static final ReadSnapshot.Binder NO_PARAMETERS = statement -> { };
    private static final String UNIQUE_VIOLATION = "23505";

    /** Receives each row of a result, in its order. */
    @FunctionalInterface
    public interface RowHandler {
        void row(ResultSet row) throws SQLException;
    }

    private Sql() {
    }

    /** True when {@code e} is a unique-constraint violation on {@code constraint}. */
    public static boolean isUniqueViolation(SQLException e, String constraint) {
        return UNIQUE_VIOLATION.equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().contains(constraint);
    }

    /** Runs an INSERT, UPDATE or DELETE; returns how many rows it changed. */
    public static int update(DataSource dataSource, String sql, ReadSnapshot.Binder binder) {
        return UnitOfWork.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                return ps.executeUpdate();
            }
        });
    }

    /** Runs a query (or a statement with RETURNING); its first row, read by {@code reader}, or empty when none. */
    public static <T> Optional<T> first(DataSource dataSource, String sql, ReadSnapshot.Binder binder,
                                        ReadSnapshot.RowReader<T> reader) {
        return UnitOfWork.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(reader.read(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Runs a query and hands every row to {@code handler} as it is read, fetching {@code fetchSize}
     * rows per round trip (in a read-only transaction, as pgjdbc needs for a cursor): memory stays
     * bounded however many rows there are, and each round trip keeps the pool's socket timeout.
     */
    public static void forEachPaged(DataSource dataSource, String sql, ReadSnapshot.Binder binder, int fetchSize,
                                    RowHandler handler) {
        UnitOfWork.inTransaction(dataSource, UnitOfWork.Isolation.READ_COMMITTED, true, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(fetchSize);
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        handler.row(rs);
                    }
                }
            }
            return null;
        });
    }

    /** Runs a query and hands every row to {@code handler} as it is read. */
    public static void forEach(DataSource dataSource, String sql, ReadSnapshot.Binder binder, RowHandler handler) {
        UnitOfWork.withConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        handler.row(rs);
                    }
                }
            }
            return null;
        });
    }
}
