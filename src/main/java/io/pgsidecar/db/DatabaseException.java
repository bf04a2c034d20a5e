package io.pgsidecar.db;

import java.sql.SQLException;

/** A statement the agent sent failed for a reason other than the database being unreachable. */
public final class DatabaseException extends RuntimeException {

    private final String sqlState;

    public DatabaseException(SQLException cause) {
        super(cause.getMessage(), cause);
        this.sqlState = cause.getSQLState();
    }

    public String sqlState() {
        return sqlState;
    }
}
