package io.pgsidecar.db;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The bounded retry of a statement that gave up at its {@code lock_timeout} (SQLSTATE 55P03), as
 * every acting feature runs its DDL: a few attempts with a doubling pause between them, never
 * past a deadline when there is one, then {@link Blocked} naming who held the lock. A lock is
 * never waited for longer than that: a busy table is the application's, and the job comes back.
 */
public final class LockRetry {

    /** SQLSTATE lock_not_available: a statement reached its {@code lock_timeout}. */
    public static final String LOCK_NOT_AVAILABLE = "55P03";

    private final int attempts;
    private final Duration lockTimeout;
    private final Duration backoff;
    private final Instant deadline;
    private final Clock clock;

    /**
     * @param attempts how many times the statement is tried at most (at least once)
     * @param lockTimeout the session's {@code lock_timeout}, for the message
     * @param backoff the pause after the first busy attempt, doubled after each further one
     */
    public LockRetry(int attempts, Duration lockTimeout, Duration backoff) {
        this(attempts, lockTimeout, backoff, null, Clock.systemUTC());
    }

    private LockRetry(int attempts, Duration lockTimeout, Duration backoff, Instant deadline, Clock clock) {
        this.attempts = Math.max(1, attempts);
        this.lockTimeout = lockTimeout;
        this.backoff = backoff;
        this.deadline = deadline;
        this.clock = clock;
    }

    /** The same retry, which gives up rather than pause past {@code deadline} (a run's time budget). */
    public LockRetry until(Instant deadline) {
        return new LockRetry(attempts, lockTimeout, backoff, deadline, clock);
    }

    /** One try of the statement. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws SQLException;
    }

    /** Every attempt reached {@code lock_timeout}; the message names who held the lock. */
    public static final class Blocked extends Exception {
        private final int attempts;

        Blocked(String message, int attempts) {
            super(message);
            this.attempts = attempts;
        }

        /** How many attempts ran. */
        public int attempts() {
            return attempts;
        }
    }

    /** Whether the statement gave up at its {@code lock_timeout}. */
    public static boolean lockNotAvailable(SQLException e) {
        return LOCK_NOT_AVAILABLE.equals(e.getSQLState());
    }

    /**
     * Runs {@code attempt} until it does not reach {@code lock_timeout}; any other failure is thrown
     * at once.
     *
     * @param on what the message says the lock was on (" on {@code on}"), or null to say nothing
     * @param blockers who holds the lock, in words, asked once when the retry gives up
     *     ({@link LockHolders#describe(Database, String, int)})
     * @throws Blocked after the last attempt, or when the next pause would end past the deadline
     * @throws InterruptedException when the thread is interrupted during a pause (the agent stops):
     *     the caller stops too
     */
    public <T> T run(Attempt<T> attempt, String on, Supplier<String> blockers)
            throws SQLException, Blocked, InterruptedException {
        Duration pause = backoff;
        for (int i = 1; ; i++) {
            try {
                return attempt.run();
            } catch (SQLException e) {
                if (!lockNotAvailable(e)) {
                    throw e;
                }
                if (i >= attempts || deadline != null && clock.instant().plus(pause).isAfter(deadline)) {
                    throw new Blocked("lock not available after " + i + " attempts of " + lockTimeout.toMillis() + " ms"
                            + (on == null ? "" : " on " + on) + ": " + blockers.get(), i);
                }
                Thread.sleep(Math.max(0, pause.toMillis()));
                pause = pause.multipliedBy(2);
            }
        }
    }
}
