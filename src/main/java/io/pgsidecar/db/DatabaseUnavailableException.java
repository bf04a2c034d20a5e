package io.pgsidecar.db;

import java.sql.SQLException;
import java.util.Locale;

/** The monitored database could not be reached, or the agent's pool had no free connection. */
public final class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when the SQL error means the server is unreachable or the pool is exhausted. */
    public static boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P03"))) {
            return true;
        }
        String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return msg.contains("acquisition timeout") || msg.contains("connection refused")
                || msg.contains("this connection has been closed");
    }
}
