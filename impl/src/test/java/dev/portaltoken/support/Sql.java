package dev.portaltoken.support;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** One-line queries and statements on a test's database, for assertions and fault injection. */
public final class Sql {
    private Sql() {
    }

    /** Where connections come from: {@code server::sql}, {@code dataSource::getConnection}. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    /** The first column of the first row of {@code query}, such as a {@code count(*)}. */
    public static long count(Connector database, String query) throws SQLException {
        try (Connection c = database.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            if (!rs.next()) {
                throw new AssertionError("no row: " + query);
            }
            return rs.getLong(1);
        }
    }

    /**
     * {@code database} as a DataSource, for main code under test that takes one: a new connection per
     * {@code getConnection()}, no pool.
     */
    public static DataSource dataSource(Connector database) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                return database.open();
            }

            @Override
            public Connection getConnection(String username, String password) throws SQLException {
                throw new SQLFeatureNotSupportedException("the test's own credentials only");
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() throws SQLFeatureNotSupportedException {
                throw new SQLFeatureNotSupportedException();
            }

            @Override
            public <T> T unwrap(Class<T> type) throws SQLException {
                throw new SQLException("not a wrapper");
            }

            @Override
            public boolean isWrapperFor(Class<?> type) {
                return false;
            }
        };
    }

    /** Runs {@code statements} in order in one transaction. */
    public static void execute(Connector database, String... statements) throws SQLException {
        try (Connection c = database.open(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String statement : statements) {
                s.execute(statement);
            }
            c.commit();
        }
    }
}
