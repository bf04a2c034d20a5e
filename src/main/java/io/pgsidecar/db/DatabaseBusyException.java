package io.pgsidecar.db;

/**
 * The database answered, but a statement gave up on its own bound: it waited longer than
 * {@code lock_timeout} for a lock another session holds (55P03), or ran longer than
 * {@code statement_timeout} (57014). The database is busy, not down: this is never recorded as a
 * failure to reach it, and readiness and the health report do not count it.
 */
public abstract sealed class DatabaseBusyException extends RuntimeException
        permits DatabaseBusyException.LockTimeout, DatabaseBusyException.StatementTimeout {

    DatabaseBusyException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A lock was not granted within {@code lock_timeout}: another session holds it. */
    public static final class LockTimeout extends DatabaseBusyException {
        public LockTimeout(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The statement ran past {@code statement_timeout} and the server cancelled it. */
    public static final class StatementTimeout extends DatabaseBusyException {
        public StatementTimeout(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
