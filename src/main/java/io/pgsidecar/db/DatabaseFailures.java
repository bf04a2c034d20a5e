package io.pgsidecar.db;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What a failure to reach or use the database means, in the words an operator needs: the cause
 * PostgreSQL (or the network) gave, never the password. One place, used by the API's 503s,
 * readiness, the health report and the start-up log.
 */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    /**
     * True when the error means the database cannot be reached or used right now, rather than a
     * statement the agent got wrong: connection failures (SQLSTATE class 08), authentication (28),
     * a database that does not exist (3D000), no free slots or other resource shortage (53),
     * the server shutting down or starting (57P01-57P05), server-side I/O errors (58), or a
     * network timeout. A statement or lock timeout (57014, 55P03) is not: the server answered,
     * it is busy (see {@link #busy}).
     */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof ConnectException || t instanceof UnknownHostException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") || state.startsWith("28") || state.startsWith("53") || state.startsWith("58")
                        || state.equals("3D000") || state.startsWith("57P")) {
                    return true;
                }
            }
            String msg = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (msg.contains("acquisition timeout") || msg.contains("this connection has been closed")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SQLSTATE of a statement that gave up on its own bound, {@code 55P03} (lock_timeout) or
     * {@code 57014} (statement_timeout), or null.
     */
    public static String busy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && ("55P03".equals(s.getSQLState()) || "57014".equals(s.getSQLState()))) {
                return s.getSQLState();
            }
        }
        return null;
    }

    /** The cause in a sentence, for {@code target} ("host:port", database and user). */
    public static String describe(Throwable e, Target target) {
        SQLException sql = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused at " + target.address();
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + target.host();
            }
            if (t instanceof SocketTimeoutException) {
                return "no answer from " + target.address() + " (network timeout)";
            }
            if (sql == null && t instanceof SQLException s && s.getSQLState() != null) {
                sql = s;
            }
        }
        if (sql != null) {
            String state = sql.getSQLState();
            String pg = firstLine(sql.getMessage());
            if (state.equals("08001") && pg.toLowerCase(Locale.ROOT).contains("timed out")) {
                // the driver's login timeout: the server accepted the connection and never answered
                // the start-up (it races the socket's connect timeout, which says the same)
                return "no answer from " + target.address() + " (" + pg + ")";
            }
            if (state.startsWith("28")) {
                return "authentication failed for user " + target.user() + " (" + pg + ")";
            }
            if (state.equals("53300")) {
                return "no free connection slots on " + target.address() + " (" + pg + ")";
            }
            if (state.equals("3D000")) {
                return "database " + target.database() + " does not exist on " + target.address();
            }
            if (state.startsWith("57P")) {
                return "the server at " + target.address() + " is shutting down or starting up (" + pg + ")";
            }
            if (state.equals("57014")) {
                return "the statement ran past statement_timeout and the server cancelled it (" + pg + ")";
            }
            if (state.equals("55P03")) {
                return "a lock another session holds was not granted within lock_timeout (" + pg + ")";
            }
            return pg + " (SQLSTATE " + state + ")";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return firstLine(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** Where the agent connects, for the messages: never with a password. */
    public record Target(String host, int port, String database, String user) {
        public String address() {
            return host + ":" + port;
        }
    }
}
