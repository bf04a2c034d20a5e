package io.pgsidecar.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * Work in a transaction of its own on a session that is otherwise in autocommit: the transaction
 * is begun, committed (or rolled back), and autocommit is switched on again. Whatever the work
 * throws, an {@link Error} too, rolls the transaction back before autocommit is restored
 * (switching it on would commit half the work); when the rollback itself fails the session is
 * closed, which makes the server roll back, and the work's own failure is the one thrown. On a
 * session already in a transaction (its caller's), the work runs under a savepoint instead, and the
 * caller's transaction is neither committed nor rolled back.
 */
public final class Transactions {

    private Transactions() {
    }

    /** The work of a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in a transaction of its own and commits it. */
    public static <T> T committed(Connection c, Work<T> work) throws SQLException {
        return run(c, work, true);
    }

    /**
     * Runs {@code work} in a transaction of its own and rolls it back, also when it succeeds: a read
     * that needs a transaction (a cursor, {@code SET LOCAL}, {@code SET TRANSACTION READ ONLY}), or work
     * nothing of which may stay.
     */
    public static <T> T rolledBack(Connection c, Work<T> work) throws SQLException {
        return run(c, work, false);
    }

    private static <T> T run(Connection c, Work<T> work, boolean commit) throws SQLException {
        if (!c.getAutoCommit()) {
            return underSavepoint(c, work, commit);
        }
        c.setAutoCommit(false);
        T result;
        try {
            result = work.run();
            if (commit) {
                c.commit();
            } else {
                c.rollback();
            }
        } catch (Throwable t) {
            try {
                c.rollback();
                c.setAutoCommit(true);
            } catch (SQLException | RuntimeException e) {
                t.addSuppressed(e);
                try {
                    c.close();
                } catch (SQLException closing) {
                    t.addSuppressed(closing);
                }
            }
            throw t;
        }
        c.setAutoCommit(true);
        return result;
    }

    private static <T> T underSavepoint(Connection c, Work<T> work, boolean commit) throws SQLException {
        Savepoint savepoint = c.setSavepoint();
        T result;
        try {
            result = work.run();
        } catch (Throwable t) {
            try {
                c.rollback(savepoint);
            } catch (SQLException | RuntimeException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
        if (commit) {
            c.releaseSavepoint(savepoint);
        } else {
            c.rollback(savepoint);
        }
        return result;
    }
}
