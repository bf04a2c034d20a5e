package io.pgsidecar.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.capacity.CapacitySnapshot.Estimate;
import io.pgsidecar.capacity.CapacitySnapshot.SequenceUse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Rates over readings, the time to the id limit, and a sequence against the column it feeds. */
class CapacityArithmeticTest {

    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void aRateIsTheChangeOverTheReadingsKeptAndAFallStartsOver() {
        Readings r = new Readings(Duration.ofMinutes(10));
        assertThat(r.perSecond()).isNull();
        r.add(T0, 1000);
        assertThat(r.perSecond()).isNull();
        r.add(T0.plusSeconds(10), 1500);
        assertThat(r.perSecond()).isEqualTo(50.0);
        r.add(T0.plusSeconds(20), 2500);
        assertThat(r.perSecond()).isEqualTo(75.0);
        assertThat(r.change()).isEqualTo(1500);
        // older than the window: forgotten (two readings are always kept)
        r.add(T0.plusSeconds(20 + 600), 2600);
        assertThat(r.span()).isEqualTo(Duration.ofSeconds(600));
        // a reset
        r.add(T0.plusSeconds(700), 10);
        assertThat(r.perSecond()).isNull();
    }

    @Test
    void theTimeToTheLimitFollowsTheRateAndIsUnknownWithoutGrowth() {
        Readings r = new Readings(Duration.ofHours(1));
        r.add(T0, 0);
        r.add(T0.plusSeconds(100), 10_000);
        Estimate e = CapacityPoller.estimate("xid", "app", 1_000_000_000L, 200_000_000L, r, T0.plusSeconds(100));
        assertThat(e.perSecond()).isEqualTo(100.0);
        assertThat(e.remaining()).isEqualTo(CapacityPoller.ID_LIMIT - 1_000_000_000L);
        assertThat(e.secondsToLimit()).isEqualTo((CapacityPoller.ID_LIMIT - 1_000_000_000L) / 100.0);
        assertThat(e.secondsToFreezeMaxAge()).isZero();
        assertThat(e.reachesLimitAt()).isAfter(T0.plus(Duration.ofDays(100)));
        Readings idle = new Readings(Duration.ofHours(1));
        idle.add(T0, 5);
        idle.add(T0.plusSeconds(60), 5);
        Estimate none = CapacityPoller.estimate("multixact", "app", 10, 400_000_000L, idle, T0);
        assertThat(none.secondsToLimit()).isNull();
        assertThat(none.reachesLimitAt()).isNull();
        assertThat(CapacityPoller.estimate("multixact", "app", 10, 400_000_000L, null, T0).perSecond()).isNull();
    }

    @Test
    void aBigintSequenceFeedingAnIntegerColumnIsLimitedByTheColumn() {
        SequenceUse u = SequenceLimits.use(new SequenceLimits.Row("public.s", "bigint", 2_040_109_465L, 1,
                Long.MAX_VALUE, 1, false, "public.t", "id", "integer"), 1000.0, T0);
        assertThat(u.limit()).isEqualTo(Integer.MAX_VALUE);
        assertThat(u.limitedBy()).isEqualTo("column");
        assertThat(u.usedRatio()).isBetween(0.95, 0.951);
        assertThat(u.exhaustedAt()).isEqualTo(T0.plusMillis((long) ((Integer.MAX_VALUE - 2_040_109_465L) / 1000.0 * 1000)));
        SequenceUse own = SequenceLimits.use(new SequenceLimits.Row("public.s2", "integer", 10L, 1, 1000, 1, false,
                "public.t", "id", "bigint"), null, T0);
        assertThat(own.limit()).isEqualTo(1000);
        assertThat(own.limitedBy()).isEqualTo("sequence");
        assertThat(own.exhaustedAt()).isNull();
        SequenceUse down = SequenceLimits.use(new SequenceLimits.Row("public.d", "integer", -100L, Integer.MIN_VALUE,
                -1, -1, false, null, null, null), -10.0, T0);
        assertThat(down.limit()).isEqualTo(Integer.MIN_VALUE);
        assertThat(down.exhaustedAt()).isNotNull();
        SequenceUse unread = SequenceLimits.use(new SequenceLimits.Row("public.u", "bigint", null, 1, Long.MAX_VALUE,
                1, false, null, null, null), null, T0);
        assertThat(unread.usedRatio()).isNull();
        SequenceUse cycling = SequenceLimits.use(new SequenceLimits.Row("public.c", "smallint", 30000L, 1, 32767, 1,
                true, null, null, null), 1.0, T0);
        assertThat(cycling.exhaustedAt()).as("a cycling sequence starts over").isNull();
    }
}
