package dev.portaltoken.db;

import java.sql.SQLException;

/** Helpers for reading PostgreSQL errors. */
public final class Sql {
    private static final String UNIQUE_VIOLATION = "23505";

    private Sql() {
    }

    /** True when {@code e} is a unique-constraint violation on {@code constraint}. */
    public static boolean isUniqueViolation(SQLException e, String constraint) {
        return UNIQUE_VIOLATION.equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().contains(constraint);
    }
}
