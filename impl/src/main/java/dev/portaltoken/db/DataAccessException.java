package dev.portaltoken.db;

import java.sql.SQLException;

/** A database failure crossing a boundary whose signature allows no checked exception. */
public final class DataAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataAccessException(SQLException cause) {
        super(cause);
    }
}
