package io.pgsidecar.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * One dedicated session that acts, outside the agent's pool: what a maintenance run, a partition
 * job and an index build work on, each under its own {@code application_name}. It is opened by
 * {@link ActingSessions#session} (the acting login, or {@code SET ROLE} to the acting role; the
 * keepalives and the agent's session limits of {@link DirectConnections}), in autocommit, with the
 * caller's {@code statement_timeout} and {@code lock_timeout}. It holds the advisory locks it takes
 * (keys from {@link AdvisoryLockKeys}) until it is closed, which is what makes a statement left
 * behind by a stopped agent still count. What a feature plans and runs on it stays the feature's.
 */
public final class ActingSession implements AutoCloseable {

    /** A read on the session gives up this long after the longest statement it may run. */
    static final Duration SOCKET_MARGIN = Duration.ofSeconds(30);

    private final Connection connection;
    private final int pid;
    private final OffsetDateTime aliveAt;
    private final int version;
    private final boolean standby;

    private ActingSession(Connection connection, int pid, OffsetDateTime aliveAt, int version, boolean standby) {
        this.connection = connection;
        this.pid = pid;
        this.aliveAt = aliveAt;
        this.version = version;
        this.standby = standby;
    }

    /** Sets the session's limits on a new acting connection and reads what it is; closes it on failure. */
    static ActingSession start(Connection c, Duration statementTimeout, Duration lockTimeout) throws SQLException {
        try (Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute(ActingQueries.LIMITS.formatted(statementTimeout.toMillis(), lockTimeout.toMillis()));
            try (ResultSet rs = s.executeQuery(ActingQueries.OPENED)) {
                rs.next();
                return new ActingSession(c, rs.getInt(1), rs.getObject(2, OffsetDateTime.class), rs.getInt(3),
                        rs.getBoolean(4));
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public Connection connection() {
        return connection;
    }

    /** The session's backend pid (what a lock holder, a cancel or an audit row names). */
    public int pid() {
        return pid;
    }

    /** A server time at which this session was alive: a backend with its pid that began later is another one. */
    public OffsetDateTime aliveAt() {
        return aliveAt;
    }

    /** {@code server_version_num} of the server. */
    public int version() {
        return version;
    }

    /** Whether the server was a standby (in recovery) when the session was opened. */
    public boolean standby() {
        return standby;
    }

    /**
     * Takes the advisory lock ({@code lockClass} one of {@link AdvisoryLockKeys}, and an object)
     * without waiting; false when another session (any agent) holds it.
     */
    public boolean tryLock(int lockClass, int object) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(ActingQueries.TRY_LOCK)) {
            ps.setInt(1, lockClass);
            ps.setInt(2, object);
            return bool(ps);
        }
    }

    /** The same, the object being {@code hashtext} of a name (a table's qualified name). */
    public boolean tryLock(int lockClass, String name) throws SQLException {
        return byName(ActingQueries.TRY_LOCK_NAMED, lockClass, name);
    }

    /** Releases a lock {@link #tryLock(int, String)} took (closing the session releases every lock). */
    public void unlock(int lockClass, String name) throws SQLException {
        byName(ActingQueries.UNLOCK_NAMED, lockClass, name);
    }

    private boolean byName(String sql, int lockClass, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setInt(1, lockClass);
            ps.setString(2, name);
            return bool(ps);
        }
    }

    /** The backend holding the advisory lock, if any (this session or another). */
    public Optional<Integer> lockHolder(int lockClass, int object) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(ActingQueries.HOLDER)) {
            ps.setInt(1, lockClass);
            ps.setInt(2, object);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    /** Sets a setting for this session; the value is one the agent formed (a number of ms, say), never user text. */
    public void set(String name, String value) throws SQLException {
        execute("/* pgsidecar */ SET " + name + " = " + value);
    }

    /** Sets the session's {@code statement_timeout} (a build's is longer than its checks'). */
    public void statementTimeout(Duration timeout) throws SQLException {
        set("statement_timeout", Long.toString(timeout.toMillis()));
    }

    public void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of the first row as a number. */
    public long count(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of the first row as text, or null without a row. */
    public String text(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Whether the session still answers (a failure may have broken it). */
    public boolean valid() {
        try {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static boolean bool(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Closing the session releases its advisory locks, explicitly first: the server ends a closed
     * session asynchronously, and until it has, another agent (or the next run here) would find the
     * lock still held. The unlock waits at most {@link #UNLOCK_WAIT} for an answer, so closing a
     * session on a dead network is not held up by it.
     */
    @Override
    public void close() {
        try {
            if (!connection.isClosed()) {
                connection.setNetworkTimeout(Runnable::run, (int) UNLOCK_WAIT.toMillis());
                try (Statement s = connection.createStatement()) {
                    s.execute(ActingQueries.UNLOCK_ALL);
                }
            }
        } catch (SQLException ignored) {
            // the locks go with the session when the server ends it
        } finally {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the session is gone either way, and its locks with it
            }
        }
    }

    /** How long closing waits for the server to release the session's advisory locks. */
    static final Duration UNLOCK_WAIT = Duration.ofSeconds(2);
}
