package io.pgsidecar.statements;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.statements.StatementsReader.DbCounters;
import io.pgsidecar.statements.StatementsSnapshot.Regression;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Building the snapshot from one interval's deltas, without a database. */
class SnapshotAssemblerTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:30Z");
    static final SnapshotAssembler.Rules RULES = new SnapshotAssembler.Rules(1, 1000, 100, 1.5, 20);
    static final Map<Long, String> TEXTS = Map.of(
            1L, "SELECT pg_sleep($1)",
            2L, "SELECT * FROM items WHERE id = $1",
            3L, "INSERT INTO items (id) VALUES ($1)");

    static StatementDelta delta(long queryid, long calls, double totalMs, long rows) {
        Counters cum = new Counters(calls, totalMs, 0, 0, totalMs / calls, 0, rows, 0, 0, 0, 0, null);
        return new StatementDelta(new StatementKey(10, queryid, true), calls, totalMs, rows, 90, 10, 0, 0, cum, false);
    }

    static StatementsSnapshot assemble(List<StatementDelta> byTime, List<Regression> regressions) {
        SnapshotAssembler.Aggregates agg = SnapshotAssembler.aggregate(byTime, id -> StatementType.of(TEXTS.get(id)));
        return SnapshotAssembler.assemble(new SnapshotAssembler.Interval(NOW, 30, "1.10", 3, 1, 0, false, null, NOW, 0),
                byTime, agg, regressions, TEXTS::get, id -> StatementType.of(TEXTS.get(id)), RULES);
    }

    @Test
    void totalsByTypeSlowAndNPlusOneFromOneInterval() {
        List<StatementDelta> byTime = List.of(delta(1, 3, 4500, 3), delta(2, 600, 300, 600), delta(3, 10, 5, 10));
        StatementsSnapshot s = assemble(byTime, List.of());
        assertThat(s.availability().available()).isTrue();
        assertThat(s.totals()).isEqualTo(new StatementsSnapshot.Totals(3, 613, 4805, 613));
        assertThat(s.byType().get("select")).isEqualTo(new StatementsSnapshot.Totals(2, 603, 4800, 603));
        assertThat(s.byType().get("insert")).isEqualTo(new StatementsSnapshot.Totals(1, 10, 5, 10));
        assertThat(s.byType().get("delete")).isEqualTo(StatementsSnapshot.Totals.NONE);
        assertThat(s.slowQueries()).singleElement().satisfies(q -> {
            assertThat(q.queryid()).isEqualTo("1");
            assertThat(q.meanMs()).isEqualTo(1500);
        });
        assertThat(s.nPlusOne()).singleElement().satisfies(n -> {
            assertThat(n.queryid()).isEqualTo("2");
            assertThat(n.callsPerSecond()).isEqualTo(20);
        });
        assertThat(s.statements()).extracting(StatementsSnapshot.StatementStat::queryid).containsExactly("1", "2", "3");
        assertThat(s.statements().get(0).type()).isEqualTo("select");
        assertThat(s.statements().get(0).cacheHitRatio()).isEqualTo(0.9);
    }

    @Test
    void theListIsCappedButTotalsCoverEveryStatement() {
        List<StatementDelta> many = new ArrayList<>();
        for (int i = 0; i < SnapshotAssembler.MAX_LISTED + 500; i++) {
            many.add(delta(1000 + i, 1, 1, 1));
        }
        StatementsSnapshot s = assemble(many, List.of());
        assertThat(s.statements()).hasSize(SnapshotAssembler.MAX_LISTED);
        assertThat(s.totals().statements()).isEqualTo(SnapshotAssembler.MAX_LISTED + 500);
        assertThat(s.byType().get("other").statements()).as("no text: type other").isEqualTo(1500);
    }

    @Test
    void aStatementWhoseTextWasNotReadIsUnclassifiedNotOther() {
        List<StatementDelta> byTime = List.of(delta(1, 3, 4500, 3), delta(77, 5, 5, 5));
        SnapshotAssembler.Aggregates agg = SnapshotAssembler.aggregate(byTime, id -> id == 1 ? StatementType.SELECT : null);
        StatementsSnapshot s = SnapshotAssembler.assemble(new SnapshotAssembler.Interval(NOW, 30, "1.10", 2, 0, 0, false,
                null, NOW, 1), byTime, agg, List.of(), id -> id == 1 ? TEXTS.get(1L) : null,
                id -> id == 1 ? StatementType.SELECT : null, RULES);
        assertThat(s.byType().get(SnapshotAssembler.UNCLASSIFIED)).isEqualTo(new StatementsSnapshot.Totals(1, 5, 5, 5));
        assertThat(s.byType().get("other")).isEqualTo(StatementsSnapshot.Totals.NONE);
        assertThat(s.statements().get(1).type()).isEqualTo("unclassified");
        assertThat(s.statements().get(1).query()).isNull();
        assertThat(s.textsPending()).isEqualTo(1);
    }

    @Test
    void regressionsComeFromTheHistoryAndAreKeptAsGiven() {
        Regression r = new Regression("1", "SELECT pg_sleep($1)", 300, 100, 3, 10, 50);
        assertThat(assemble(List.of(delta(1, 1, 1, 1)), List.of(r)).regressions()).containsExactly(r);
    }

    @Test
    void databaseRatesNeedComparableCounters() {
        DbCounters before = new DbCounters(100, 10, 1, 0, 0, 0, 900, 100, null, NOW.minusSeconds(3600));
        DbCounters after = new DbCounters(150, 20, 3, 0, 1, 4096, 1800, 200, null, NOW.minusSeconds(3600));
        StatementsSnapshot.DatabaseRates r = SnapshotAssembler.rates(before, after);
        assertThat(r.xactCommit()).isEqualTo(50);
        assertThat(r.xactRollback()).isEqualTo(10);
        assertThat(r.deadlocks()).isEqualTo(2);
        assertThat(r.rollbackRatio()).isEqualTo(10 / 60.0);
        assertThat(r.cacheHitRatio()).isEqualTo(0.9);
        assertThat(SnapshotAssembler.rates(null, after)).as("first poll").isNull();
        DbCounters restarted = new DbCounters(5, 0, 0, 0, 0, 0, 10, 1, null, NOW);
        assertThat(SnapshotAssembler.rates(before, restarted)).as("after a restart").isNull();
    }
}
