package io.pgsidecar.maintenance;

import io.pgsidecar.db.ActingSessions;
import io.pgsidecar.db.AdvisoryLockKeys;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The dedicated session a run works on, outside the agent's pool ({@code application_name
 * pgsidecar-maintenance}), so pollers and the admin API never wait behind a long VACUUM; it is an
 * acting session ({@link ActingSessions}), the only kind that holds the rights to VACUUM, delete or
 * end sessions. It holds the
 * run's advisory locks: one per task (a task never runs twice at once, whichever agent starts it) and
 * one of the maintenance slots (at most {@code max-concurrent-runs} runs per database).
 */
final class MaintenanceSession implements AutoCloseable {

    static final String APPLICATION_NAME = "pgsidecar-maintenance";
    /** Advisory lock class of maintenance ('pgmt'); the object is the task's {@link Task#lockKey()} or a slot. */
    static final int LOCK_CLASS = AdvisoryLockKeys.MAINTENANCE;
    private static final int SLOT_BASE = AdvisoryLockKeys.MAINTENANCE_SLOT_BASE;
    /** A read on the session gives up this long after its statement timeout. */
    private static final Duration SOCKET_MARGIN = Duration.ofSeconds(30);

    private final Connection connection;
    private final int pid;
    private final java.time.OffsetDateTime aliveAt;

    private MaintenanceSession(Connection connection, int pid, java.time.OffsetDateTime aliveAt) {
        this.connection = connection;
        this.pid = pid;
        this.aliveAt = aliveAt;
    }

    static MaintenanceSession open(ActingSessions acting, Duration statementTimeout, Duration lockTimeout)
            throws SQLException {
        Connection c = acting.open(APPLICATION_NAME, statementTimeout.plus(SOCKET_MARGIN));
        try (Statement s = c.createStatement()) {
            s.execute("/* pgsidecar */ SET statement_timeout = " + statementTimeout.toMillis() + "; SET lock_timeout = "
                    + lockTimeout.toMillis());
            try (ResultSet rs = s.executeQuery("/* pgsidecar */ SELECT pg_catalog.pg_backend_pid(), pg_catalog.now()")) {
                rs.next();
                return new MaintenanceSession(c, rs.getInt(1), rs.getObject(2, java.time.OffsetDateTime.class));
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

    /** A server time at which this session was alive: a backend with its pid that began later is another one. */
    java.time.OffsetDateTime aliveAt() {
        return aliveAt;
    }

    /** Takes the task's lock; false when another session (any agent) holds it. */
    boolean lockTask(Task task) throws SQLException {
        return tryLock(task.lockKey());
    }

    /** The backend holding the task's lock, if any (an advisory lock on two int4 keys has objsubid 2). */
    java.util.Optional<Integer> taskHolder(Task task) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("/* pgsidecar */ SELECT pid FROM pg_catalog.pg_locks WHERE locktype = "
                     + "'advisory' AND granted AND classid = " + LOCK_CLASS + " AND objid = " + task.lockKey()
                     + " AND objsubid = 2 AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
                     + "pg_catalog.current_database()) LIMIT 1")) {
            return rs.next() ? java.util.Optional.of(rs.getInt(1)) : java.util.Optional.empty();
        }
    }

    /** Takes one of the first {@code slots} maintenance slots; false when all are taken. */
    boolean lockSlot(int slots) throws SQLException {
        for (int i = 0; i < slots; i++) {
            if (tryLock(SLOT_BASE + i)) {
                return true;
            }
        }
        return false;
    }

    private boolean tryLock(int object) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("/* pgsidecar */ SELECT pg_catalog.pg_try_advisory_lock(" + LOCK_CLASS + ", "
                     + object + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Sets a setting for this session; the value is one the agent formed (a number of ms, say). */
    void set(String name, String value) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("/* pgsidecar */ SET " + name + " = " + value);
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
