package io.pgsidecar.statements;

import io.pgsidecar.statements.StatementsReader.DbCounters;
import io.pgsidecar.statements.StatementsSnapshot.Availability;
import io.pgsidecar.statements.StatementsSnapshot.DatabaseRates;
import io.pgsidecar.statements.StatementsSnapshot.NPlusOneCandidate;
import io.pgsidecar.statements.StatementsSnapshot.Regression;
import io.pgsidecar.statements.StatementsSnapshot.SlowQuery;
import io.pgsidecar.statements.StatementsSnapshot.StatementStat;
import io.pgsidecar.statements.StatementsSnapshot.Totals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * Turns one interval's deltas into a {@link StatementsSnapshot}. Pure: no database, no clock, so
 * it is tested with made-up deltas.
 */
final class SnapshotAssembler {

    /** Statements listed in a snapshot (the API's largest page); totals always cover all of them. */
    static final int MAX_LISTED = 1000;

    /** What makes a statement slow or an N+1 candidate, from the configuration. */
    record Rules(long slowMinCalls, double slowMs, long nPlusOneMinCalls, double nPlusOneMaxRowsPerCall,
                 double nPlusOneMaxMeanMs) {

        static Rules of(StatementsConfig c) {
            return new Rules(c.slowQueryMinCalls(), c.slowQueryThreshold().toNanos() / 1e6, c.nPlusOneMinCalls(),
                    c.nPlusOneMaxRowsPerCall(), c.nPlusOneMaxMean().toNanos() / 1e6);
        }

        boolean isSlow(StatementDelta d) {
            return d.calls() >= slowMinCalls && d.meanMs() >= slowMs;
        }
    }

    /** Totals over every statement of the interval, and by statement type. */
    record Aggregates(Totals totals, Map<String, Totals> byType) {
    }

    /** What is known about the interval besides the deltas. */
    record Interval(Instant capturedAt, double seconds, String extensionVersion, int entries, int rebaselined,
                    long dealloc, boolean serverRestarted, DatabaseRates rates, Instant textsFetchedAt,
                    int textsPending) {
    }

    /** The {@code by_type} bucket of statements whose text (so whose type) has not been read. */
    static final String UNCLASSIFIED = "unclassified";

    private SnapshotAssembler() {
    }

    static Aggregates aggregate(List<StatementDelta> deltas, LongFunction<StatementType> types) {
        Map<String, Totals> byType = new LinkedHashMap<>();
        for (StatementType t : StatementType.values()) {
            byType.put(t.label(), Totals.NONE);
        }
        byType.put(UNCLASSIFIED, Totals.NONE);
        Totals all = Totals.NONE;
        for (StatementDelta d : deltas) {
            Totals one = new Totals(1, d.calls(), d.totalMs(), d.rows());
            StatementType type = types.apply(d.key().queryid());
            byType.merge(type == null ? UNCLASSIFIED : type.label(), one, Totals::plus);
            all = all.plus(one);
        }
        return new Aggregates(all, byType);
    }

    /**
     * @param byTime every delta of the interval, highest total time first
     * @param regressions from the stored history, this interval included
     */
    static StatementsSnapshot assemble(Interval interval, List<StatementDelta> byTime, Aggregates aggregates,
                                       List<Regression> regressions, LongFunction<String> texts,
                                       LongFunction<StatementType> types, Rules rules) {
        double seconds = interval.seconds();
        List<StatementStat> stats = new ArrayList<>(Math.min(byTime.size(), MAX_LISTED));
        List<SlowQuery> slow = new ArrayList<>();
        List<NPlusOneCandidate> nPlusOne = new ArrayList<>();
        for (StatementDelta d : byTime) {
            long id = d.key().queryid();
            String text = texts.apply(id);
            if (stats.size() < MAX_LISTED) {
                StatementType type = types.apply(id);
                Counters cum = d.cumulative();
                stats.add(new StatementStat(Long.toString(id), d.key().userid(), d.key().toplevel(), text,
                        type == null ? UNCLASSIFIED : type.label(), d.calls(), d.totalMs(), d.meanMs(),
                        cum.minMs(), cum.maxMs(), cum.stddevMs(), d.rows(), seconds > 0 ? d.calls() / seconds : 0,
                        seconds > 0 ? d.rows() / seconds : 0, d.sharedBlksHit(), d.sharedBlksRead(),
                        d.tempBlksWritten(), d.cacheHitRatio(), d.rebaselined()));
            }
            if (rules.isSlow(d) && slow.size() < MAX_LISTED) {
                slow.add(new SlowQuery(Long.toString(id), text, d.calls(), d.meanMs(), d.totalMs()));
            }
            if (nPlusOne.size() < MAX_LISTED && NPlusOne.isCandidate(d, text, rules)) {
                nPlusOne.add(new NPlusOneCandidate(Long.toString(id), text, d.calls(), d.rows() / (double) d.calls(),
                        d.meanMs(), seconds > 0 ? d.calls() / seconds : 0));
            }
        }
        slow.sort(Comparator.comparingDouble(SlowQuery::meanMs).reversed());
        nPlusOne.sort(Comparator.comparingLong(NPlusOneCandidate::calls).reversed());
        return new StatementsSnapshot(interval.capturedAt(), seconds, Availability.AVAILABLE,
                interval.extensionVersion(), interval.entries(), List.copyOf(stats), aggregates.totals(),
                aggregates.byType(), List.copyOf(slow), List.copyOf(nPlusOne), List.copyOf(regressions),
                interval.rates(), interval.rebaselined(), interval.dealloc(), interval.serverRestarted(),
                interval.textsFetchedAt(), interval.textsPending());
    }

    /**
     * This database's counters over the interval; null on the first poll and whenever they cannot be
     * compared (a stats reset, a restart, counters that went back).
     */
    static DatabaseRates rates(DbCounters prev, DbCounters cur) {
        if (prev == null || !Objects.equals(prev.statsReset(), cur.statsReset()) || !Objects.equals(prev.started(),
                cur.started()) || cur.commit() < prev.commit() || cur.rollback() < prev.rollback()) {
            return null;
        }
        long commit = cur.commit() - prev.commit();
        long rollback = cur.rollback() - prev.rollback();
        long hit = Math.max(0, cur.blksHit() - prev.blksHit());
        long read = Math.max(0, cur.blksRead() - prev.blksRead());
        return new DatabaseRates(commit, rollback, Math.max(0, cur.deadlocks() - prev.deadlocks()),
                Math.max(0, cur.conflicts() - prev.conflicts()), Math.max(0, cur.tempFiles() - prev.tempFiles()),
                Math.max(0, cur.tempBytes() - prev.tempBytes()),
                commit + rollback == 0 ? 0 : rollback / (double) (commit + rollback),
                hit + read == 0 ? null : hit / (double) (hit + read));
    }
}
