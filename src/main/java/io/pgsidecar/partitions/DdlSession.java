package io.pgsidecar.partitions;

import io.pgsidecar.db.ActingSessions;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.LockHolders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The session partition DDL runs on, outside the agent's pool ({@code application_name
 * pgsidecar-partitions}), an acting session ({@link ActingSessions}), in autocommit (a concurrent detach cannot run inside a transaction), with
 * the job's statement and lock timeouts. It also holds the per-set advisory lock, so two agents (or
 * the job and a manual call) never work on one set at once.
 */
final class DdlSession implements AutoCloseable {

    static final String APPLICATION_NAME = "pgsidecar-partitions";
    /** Advisory lock class of partitions ('pgpt'); the object is hashtext of the parent's qualified name. */
    static final int LOCK_CLASS = io.pgsidecar.db.AdvisoryLockKeys.PARTITIONS;

    private final Connection connection;
    private final int pid;
    private final int version;

    private DdlSession(Connection connection, int pid, int version) {
        this.connection = connection;
        this.pid = pid;
        this.version = version;
    }

    static DdlSession open(ActingSessions acting, Duration statementTimeout, Duration lockTimeout)
            throws SQLException {
        Connection c = acting.open(APPLICATION_NAME, statementTimeout.plusSeconds(30));
        try (Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("/* pgsidecar */ SET statement_timeout = " + statementTimeout.toMillis() + "; SET lock_timeout = "
                    + lockTimeout.toMillis());
            try (ResultSet rs = s.executeQuery("/* pgsidecar */ SELECT pg_catalog.pg_backend_pid(), "
                    + "pg_catalog.current_setting('server_version_num')::int")) {
                rs.next();
                return new DdlSession(c, rs.getInt(1), rs.getInt(2));
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    Connection connection() {
        return connection;
    }

    int pid() {
        return pid;
    }

    int version() {
        return version;
    }

    /** Takes the set's lock; false when another session (another agent, a manual call) works on it. */
    boolean lockSet(String qualified) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "/* pgsidecar */ SELECT pg_catalog.pg_try_advisory_lock(" + LOCK_CLASS + ", pg_catalog.hashtext(?))")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    void unlockSet(String qualified) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "/* pgsidecar */ SELECT pg_catalog.pg_advisory_unlock(" + LOCK_CLASS + ", pg_catalog.hashtext(?))")) {
            ps.setString(1, qualified);
            ps.executeQuery().close();
        }
    }

    void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    long count(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    String text(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Who holds a lock on the relation (this session left out), in words: read from the agent's pool,
     * whose observing login sees every session (the acting login need not).
     */
    String holders(Database database, String relation) {
        try {
            return database.withConnection(c -> LockHolders.describe(c, relation, pid));
        } catch (RuntimeException e) {
            return "holder unknown (" + e.getMessage() + ")";
        }
    }

    /** The oldest open transactions: what a concurrent detach waits for (from the pool, as above). */
    String oldTransactions(Database database) {
        try {
            return database.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(PartitionsQueries.OLD_TRANSACTIONS)) {
                    ps.setInt(1, pid);
                    List<String> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(String.format(Locale.ROOT, "pid %d (application_name '%s', %s) in a transaction "
                                    + "for %.0f s", rs.getInt(1), rs.getString(2), rs.getString(3), rs.getDouble(4)));
                        }
                    }
                    return out.isEmpty() ? "no old transaction seen any more" : String.join("; ", out);
                }
            });
        } catch (RuntimeException e) {
            return "transactions unknown (" + e.getMessage() + ")";
        }
    }

    /** Whether the session still answers (a set's failure may have broken it). */
    boolean valid() {
        try {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Closing the session releases its advisory locks. */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the session is gone either way, and its locks with it
        }
    }
}
