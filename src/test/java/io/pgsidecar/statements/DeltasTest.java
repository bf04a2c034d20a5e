package io.pgsidecar.statements;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeltasTest {

    static final StatementKey A = new StatementKey(10, 1, true);
    static final StatementKey B = new StatementKey(10, 2, true);

    static Counters c(long calls, double total, long rows) {
        return c(calls, total, rows, null);
    }

    static Counters c(long calls, double total, long rows, Instant since) {
        return new Counters(calls, total, 0, 0, calls == 0 ? 0 : total / calls, 0, rows, calls * 10, calls, 0, 0, since);
    }

    @Test
    void firstPollIsABaselineOnly() {
        assertThat(Deltas.between(null, Map.of(A, c(5, 50, 5))).deltas()).isEmpty();
    }

    @Test
    void differenceOfCounters() {
        Deltas.Result r = Deltas.between(Map.of(A, c(5, 50, 5)), Map.of(A, c(8, 80, 9)));
        assertThat(r.deltas()).singleElement().satisfies(d -> {
            assertThat(d.calls()).isEqualTo(3);
            assertThat(d.totalMs()).isEqualTo(30);
            assertThat(d.rows()).isEqualTo(4);
            assertThat(d.meanMs()).isEqualTo(10);
            assertThat(d.rebaselined()).isFalse();
        });
        assertThat(r.rebaselined()).isZero();
    }

    @Test
    void idleStatementsAreLeftOut() {
        assertThat(Deltas.between(Map.of(A, c(5, 50, 5)), Map.of(A, c(5, 50, 5))).deltas()).isEmpty();
    }

    @Test
    void newOrReturningEntryCountsWhatItDidSinceItAppeared() {
        Deltas.Result r = Deltas.between(Map.of(A, c(5, 50, 5)), Map.of(A, c(6, 60, 6), B, c(4, 8, 4)));
        assertThat(r.deltas()).hasSize(2);
        StatementDelta b = r.deltas().stream().filter(d -> d.key().equals(B)).findFirst().orElseThrow();
        assertThat(b.calls()).isEqualTo(4);
        assertThat(b.rebaselined()).isTrue();
        assertThat(r.rebaselined()).isEqualTo(1);
    }

    @Test
    void aResetNeverGivesNegativeOrDoubledFigures() {
        // evicted and re-created between polls: fewer calls than before
        Deltas.Result r = Deltas.between(Map.of(A, c(100, 1000, 100)), Map.of(A, c(3, 30, 3)));
        StatementDelta d = r.deltas().get(0);
        assertThat(d.calls()).isEqualTo(3);
        assertThat(d.totalMs()).isEqualTo(30);
        assertThat(d.rebaselined()).isTrue();
    }

    @Test
    void aMovedStatsSinceIsAResetEvenWithMoreCalls() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Instant t1 = t0.plusSeconds(60);
        Deltas.Result r = Deltas.between(Map.of(A, c(5, 50, 5, t0)), Map.of(A, c(9, 90, 9, t1)));
        assertThat(r.deltas().get(0).calls()).isEqualTo(9);
        assertThat(r.rebaselined()).isEqualTo(1);
    }

    @Test
    void deltasAreNeverNegative() {
        Map<StatementKey, Counters> prev = new HashMap<>();
        Map<StatementKey, Counters> cur = new HashMap<>();
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 1000; i++) {
            StatementKey k = new StatementKey(1, i, true);
            prev.put(k, c(rnd.nextInt(100), rnd.nextInt(1000), rnd.nextInt(100)));
            cur.put(k, c(rnd.nextInt(100), rnd.nextInt(1000), rnd.nextInt(100)));
        }
        for (StatementDelta d : Deltas.between(prev, cur).deltas()) {
            assertThat(d.calls()).isPositive();
            assertThat(d.totalMs()).isGreaterThanOrEqualTo(0);
            assertThat(d.rows()).isGreaterThanOrEqualTo(0);
            assertThat(d.calls()).isLessThanOrEqualTo(cur.get(d.key()).calls());
        }
    }
}
