package io.pgsidecar.statements;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the leader learnt from one poll of pg_stat_statements and pg_stat_database. Immutable;
 * metrics, alert rules and the admin API read the latest one. Query ids are strings because they
 * are 64-bit and JSON clients lose precision above 2^53.
 *
 * @param availability whether pg_stat_statements could be read, and if not why
 * @param statements every statement with calls in the interval, by total time, highest first
 * @param rebaselined entries that were new, evicted and back, or reset since the previous poll
 * @param dealloc entries pg_stat_statements evicted during the interval (1.9+)
 * @param textsFetchedAt when texts were last read (they are read at most every text-fetch-interval)
 * @param textsPending statements shown or alerted on whose text has not been read yet
 */
@RegisterForReflection
public record StatementsSnapshot(Instant capturedAt, double intervalSeconds, Availability availability,
                                 String extensionVersion, int entries, List<StatementStat> statements,
                                 Totals totals, Map<String, Totals> byType, List<SlowQuery> slowQueries,
                                 List<NPlusOneCandidate> nPlusOne, List<Regression> regressions,
                                 DatabaseRates databaseRates, int rebaselined, long dealloc,
                                 boolean serverRestarted, Instant textsFetchedAt, int textsPending) {

    /**
     * @param state {@code available}, {@code not_loaded} (not in shared_preload_libraries),
     *              {@code not_installed} (no CREATE EXTENSION here), {@code no_permission}, {@code error},
     *              or {@code pending} before the first poll
     */
    @RegisterForReflection
    public record Availability(String state, String message) {

        static final Availability AVAILABLE = new Availability("available", null);

        public boolean available() {
            return "available".equals(state);
        }
    }

    /**
     * One statement's interval. min/max/stddev are pg_stat_statements' own, over the entry's
     * lifetime (the extension keeps no per-interval extremes); the rest is the interval's.
     */
    @RegisterForReflection
    public record StatementStat(String queryid, long userid, boolean toplevel, String query, String type,
                                long calls, double totalMs, double meanMs, double minMs, double maxMs,
                                double stddevMs, long rows, double callsPerSecond, double rowsPerSecond,
                                long sharedBlksHit, long sharedBlksRead, long tempBlksWritten, Double cacheHitRatio,
                                boolean rebaselined) {
    }

    @RegisterForReflection
    public record Totals(int statements, long calls, double totalMs, long rows) {

        static final Totals NONE = new Totals(0, 0, 0, 0);

        Totals plus(Totals o) {
            return new Totals(statements + o.statements, calls + o.calls, totalMs + o.totalMs, rows + o.rows);
        }
    }

    @RegisterForReflection
    public record SlowQuery(String queryid, String query, long calls, double meanMs, double totalMs) {
    }

    @RegisterForReflection
    public record NPlusOneCandidate(String queryid, String query, long calls, double rowsPerCall, double meanMs,
                                    double callsPerSecond) {
    }

    @RegisterForReflection
    public record Regression(String queryid, String query, double recentMeanMs, double baselineMeanMs, double factor,
                             long recentCalls, long baselineCalls) {
    }

    /** This database's counters over the interval; null on the first poll or after a stats reset. */
    @RegisterForReflection
    public record DatabaseRates(long xactCommit, long xactRollback, long deadlocks, long conflicts, long tempFiles,
                                long tempBytes, double rollbackRatio, Double cacheHitRatio) {
    }

    static StatementsSnapshot pending() {
        return unavailable(null, "pending", "no poll has completed yet", null);
    }

    /** A poll that could not read pg_stat_statements, and why. */
    static StatementsSnapshot unavailable(Instant at, String state, String message, String version) {
        return new StatementsSnapshot(at, 0, new Availability(state, message), version, 0, List.of(), Totals.NONE,
                Map.of(), List.of(), List.of(), List.of(), null, 0, 0, false, null, 0);
    }
}
