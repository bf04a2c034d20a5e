package io.pgsidecar.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgsidecar.metrics.CollectorMetrics;
import io.pgsidecar.metrics.OwnedMeters;
import io.pgsidecar.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The leader's tick: nothing before migrations, a follower only forgets, the leader runs when due. */
class LeaderTickTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A job that counts as having run when it last ran (null: never); it can be told to fail. */
    static final class Counting implements LeaderTick.Job {
        Instant last;
        int runs;
        int followerTicks;
        boolean fail;
        final MovableClock clock;

        Counting(MovableClock clock) {
            this.clock = clock;
        }

        @Override
        public Instant lastRun() {
            return last;
        }

        @Override
        public void run() {
            runs++;
            if (fail) {
                throw new IllegalStateException("boom");
            }
            last = clock.instant();
        }

        @Override
        public void follower() {
            followerTicks++;
            last = null;
        }
    }

    final MovableClock clock = new MovableClock(T0);
    final AtomicBoolean migrated = new AtomicBoolean(true);
    final AtomicBoolean leads = new AtomicBoolean(true);
    final CollectorMetrics collectors = new CollectorMetrics(new OwnedMeters(new SimpleMeterRegistry()));
    final LeaderTick tick = new LeaderTick(migrated::get, leads::get, collectors, clock);
    final Counting job = new Counting(clock);

    @Test
    void nothingRunsOrIsForgottenBeforeTheSchemaIsMigrated() {
        migrated.set(false);
        leads.set(false);
        assertThat(tick.tick("t", Duration.ofMinutes(5), job)).isFalse();
        assertThat(job.runs).isZero();
        assertThat(job.followerTicks).isZero();
    }

    @Test
    void theLeaderRunsAtOnceThenOncePerInterval() {
        assertThat(tick.tick("t", Duration.ofMinutes(5), job)).isTrue();
        assertThat(tick.tick("t", Duration.ofMinutes(5), job)).isFalse();
        clock.set(T0.plus(Duration.ofMinutes(4)));
        assertThat(tick.tick("t", Duration.ofMinutes(5), job)).isFalse();
        clock.set(T0.plus(Duration.ofMinutes(5)).plusSeconds(1)); // the run recorded T0 plus the ms it took to get there
        assertThat(tick.tick("t", Duration.ofMinutes(5), job)).isTrue();
        assertThat(job.runs).isEqualTo(2);
        assertThat(collectors.statuses().get("t").lastSuccess()).isPresent();
    }

    @Test
    void aFollowerForgetsSoANewLeaderRunsAtOnce() {
        tick.tick("t", Duration.ofMinutes(5), job);
        leads.set(false);
        assertThat(tick.tick("t", Duration.ofMinutes(5), job)).isFalse();
        assertThat(job.followerTicks).isEqualTo(1);
        leads.set(true);
        assertThat(tick.tick("t", Duration.ofMinutes(5), job)).isTrue();
        assertThat(job.runs).isEqualTo(2);
    }

    @Test
    void aFailedRunIsTheCollectorsErrorAndTheJobDecidesWhenItIsDueAgain() {
        job.fail = true;
        assertThat(tick.tick("t", Duration.ofMinutes(5), job)).isTrue();
        assertThat(collectors.statuses().get("t").errors()).isEqualTo(1);
        assertThat(collectors.statuses().get("t").lastError()).hasValueSatisfying(e -> assertThat(e).contains("boom"));
        // it never recorded a run: the next tick tries again
        assertThat(tick.tick("t", Duration.ofMinutes(5), job)).isTrue();
        assertThat(job.runs).isEqualTo(2);
    }
}
