package io.pgsidecar.leader;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One candidate in the election of a leader per database, decided by a session-level advisory lock
 * held on a connection of its own.
 *
 * <p>Why it is safe: PostgreSQL releases a session lock the moment the session ends, whether the
 * leader exits, crashes, is terminated or is cut off (keepalives make the server notice a vanished
 * client). A leader that cannot confirm its session steps down at once, so two leaders could only
 * overlap for the time between a lost connection and the next {@link #tick()}.
 *
 * <p>{@link #tick()} is meant to run three times per lease: a follower then takes over within one
 * lease of the leader's session ending. Leadership also expires by itself: {@link #isLeader()} is
 * true only while the lock was last confirmed less than {@code validity} ago, so a leader whose
 * check hangs on a dead network stops leading before the server can have released its lock.
 */
public final class LeaderElector {

    /** Opens the dedicated session. */
    @FunctionalInterface
    public interface SessionFactory {
        Connection open() throws SQLException;
    }

    /** State after a tick. */
    public record State(boolean leader, Optional<Instant> since, Optional<String> lastError, long transitions) {
    }

    private final SessionFactory sessions;
    private final int lockClass;
    private final int lockObject;
    private final Clock clock;
    private final Consumer<Boolean> onChange;
    private final Duration validity;
    private volatile Instant confirmedAt = Instant.MIN;
    private Connection session;
    private Instant holdOffUntil = Instant.MIN;
    private volatile State state = new State(false, Optional.empty(), Optional.empty(), 0);

    /**
     * @param validity how long a confirmation of the lock counts: shorter than the time the server
     *                 needs to end a vanished session (its keepalives) plus a follower's tick
     */
    public LeaderElector(SessionFactory sessions, long lockKey, Clock clock, Duration validity,
                         Consumer<Boolean> onChange) {
        this.sessions = sessions;
        this.validity = validity;
        this.lockClass = (int) (lockKey >>> 32);
        this.lockObject = (int) lockKey;
        this.clock = clock;
        this.onChange = onChange;
    }

    /** Tries to become or stay leader; never throws. */
    public synchronized State tick() {
        if (clock.instant().isBefore(holdOffUntil)) {
            return state;
        }
        try {
            if (session == null || session.isClosed()) {
                session = sessions.open();
            }
            boolean leader;
            try (Statement s = session.createStatement()) {
                if (state.leader()) {
                    // confirm we still hold it: the session may have been replaced by a reconnect
                    leader = holdsLock(s);
                } else {
                    try (ResultSet rs = s.executeQuery("/* pgsidecar */ SELECT pg_catalog.pg_try_advisory_lock("
                            + lockClass + ", " + lockObject + ")")) {
                        rs.next();
                        leader = rs.getBoolean(1);
                    }
                }
            }
            if (leader) {
                confirmedAt = clock.instant();
            }
            update(leader, Optional.empty());
        } catch (SQLException | RuntimeException e) {
            closeSession();
            update(false, Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return state;
    }

    private boolean holdsLock(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("""
                /* pgsidecar */
                SELECT count(*) FROM pg_catalog.pg_locks
                 WHERE locktype = 'advisory' AND pid = pg_catalog.pg_backend_pid() AND granted
                   AND classid::bigint = ((%d::bigint + 4294967296) %% 4294967296)
                   AND objid::bigint = ((%d::bigint + 4294967296) %% 4294967296) AND objsubid = 2
                """.formatted(lockClass, lockObject))) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /**
     * Gives up leadership (and the lock) now and stays out of the election for {@code holdOff}, so
     * another candidate takes over at its next tick.
     */
    public synchronized void resign(Duration holdOff) {
        if (state.leader() && session != null) {
            // unlock explicitly: the server ends a closed session asynchronously, and a successor
            // should not have to wait for that
            try (Statement s = session.createStatement()) {
                s.execute("/* pgsidecar */ SELECT pg_catalog.pg_advisory_unlock(" + lockClass + ", " + lockObject + ")");
            } catch (SQLException ignored) {
                // closing the session below releases it too
            }
        }
        closeSession();
        holdOffUntil = clock.instant().plus(holdOff);
        update(false, Optional.empty());
    }

    public State state() {
        return state;
    }

    /** Leader now: the last tick held the lock and confirmed it less than the validity ago. */
    public boolean isLeader() {
        return state.leader() && clock.instant().isBefore(confirmedAt.plus(validity));
    }

    private void update(boolean leader, Optional<String> error) {
        State old = state;
        boolean changed = old.leader() != leader;
        state = new State(leader, leader ? (changed ? Optional.of(clock.instant()) : old.since()) : Optional.empty(),
                error, old.transitions() + (changed ? 1 : 0));
        if (changed) {
            onChange.accept(leader);
        }
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // the session is gone either way, and with it the lock
            }
            session = null;
        }
    }
}
