package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The retry's rules, with attempts that fail as a statement at its lock_timeout does (SQLSTATE 55P03). */
class LockRetryTest {

    private static final SQLException BUSY = new SQLException("canceling statement due to lock timeout", "55P03");

    @Test
    void aBusyLockIsTriedTheGivenNumberOfTimesThenNamesWhoHeldIt() {
        AtomicInteger tries = new AtomicInteger();
        AtomicInteger asked = new AtomicInteger();
        assertThatThrownBy(() -> new LockRetry(3, Duration.ofMillis(200), Duration.ofMillis(1)).run(() -> {
            tries.incrementAndGet();
            throw BUSY;
        }, "public.t", () -> asked.incrementAndGet() + " holder"))
                .isInstanceOfSatisfying(LockRetry.Blocked.class, b -> assertThat(b.attempts()).isEqualTo(3))
                .hasMessage("lock not available after 3 attempts of 200 ms on public.t: 1 holder");
        assertThat(tries).hasValue(3);
        assertThat(asked).as("the holders are read once, when the retry gives up").hasValue(1);
    }

    @Test
    void withoutARelationTheMessageNamesOnlyTheHolders() {
        assertThatThrownBy(() -> new LockRetry(1, Duration.ofMillis(50), Duration.ofMillis(1)).run(() -> {
            throw BUSY;
        }, null, () -> "pid 7 (application_name 'app') holds AccessExclusiveLock for 3 s"))
                .hasMessage("lock not available after 1 attempts of 50 ms: pid 7 (application_name 'app') holds "
                        + "AccessExclusiveLock for 3 s");
    }

    @Test
    void aLockThatFreesUpBetweenAttemptsIsTaken() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        String done = new LockRetry(5, Duration.ofMillis(10), Duration.ofMillis(1)).run(() -> {
            if (tries.incrementAndGet() < 3) {
                throw BUSY;
            }
            return "done";
        }, null, () -> "nobody");
        assertThat(done).isEqualTo("done");
        assertThat(tries).hasValue(3);
    }

    @Test
    void anyOtherFailureIsThrownAtOnce() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> new LockRetry(5, Duration.ofMillis(10), Duration.ofMillis(1)).run(() -> {
            tries.incrementAndGet();
            throw new SQLException("relation does not exist", "42P01");
        }, null, () -> "nobody")).isInstanceOf(SQLException.class).hasMessage("relation does not exist");
        assertThat(tries).hasValue(1);
    }

    @Test
    void thePauseDoublesAfterEachBusyAttempt() throws Exception {
        long[] at = new long[3];
        AtomicInteger tries = new AtomicInteger();
        new LockRetry(3, Duration.ofMillis(10), Duration.ofMillis(100)).run(() -> {
            int i = tries.getAndIncrement();
            at[i] = System.nanoTime();
            if (i < 2) {
                throw BUSY;
            }
            return null;
        }, null, () -> "nobody");
        assertThat((at[1] - at[0]) / 1_000_000).as("the first pause").isGreaterThanOrEqualTo(100L);
        assertThat((at[2] - at[1]) / 1_000_000).as("the second pause").isGreaterThanOrEqualTo(200L);
    }

    @Test
    void noPauseEndsPastTheDeadline() {
        AtomicInteger tries = new AtomicInteger();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> new LockRetry(10, Duration.ofMillis(10), Duration.ofSeconds(5))
                .until(Instant.now().plusSeconds(1)).run(() -> {
                    tries.incrementAndGet();
                    throw BUSY;
                }, null, () -> "nobody"))
                .isInstanceOf(LockRetry.Blocked.class).hasMessageStartingWith("lock not available after 1 attempts");
        assertThat(tries).hasValue(1);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("no pause").isLessThan(1000L);
    }

    @Test
    void anInterruptedPauseStopsTheRetry() {
        AtomicInteger tries = new AtomicInteger();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> new LockRetry(5, Duration.ofMillis(10), Duration.ofSeconds(5)).run(() -> {
                tries.incrementAndGet();
                throw BUSY;
            }, null, () -> "nobody")).isInstanceOf(InterruptedException.class);
            assertThat(tries).hasValue(1);
        } finally {
            Thread.interrupted();
        }
    }
}
