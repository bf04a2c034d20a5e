package io.pgsidecar.indexes;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET .../indexes/analysis}: recommendations proved on the workload's own
 * plans, usage, unused, duplicate, invalid and bloated indexes, and a maintenance plan in order.
 *
 * @param computedAt when the analysis ran; {@code ageSeconds} is how old it is now
 * @param hypopg {@code installed} (candidates were validated), {@code not_installed} (the extension is
 *               available but CREATE EXTENSION hypopg was not run in this database) or {@code not_available}
 * @param statsSince since when the server's counters (scans, writes) count
 * @param replicasUnreachable configured replicas that did not answer: unused indexes are then not listed
 * @param skipped top statements that gave no candidates because they could not be planned, and why
 * @param planned the top statements that were planned, each with the role it was planned as and how
 *                that role was chosen ({@code statement_user}, {@code planner_role}, {@code agent_login},
 *                {@code screened}), as the plan endpoint's {@code planning} says
 */
@RegisterForReflection
public record IndexAnalysis(Instant computedAt, double ageSeconds, boolean fromCache, String note, long durationMs,
                            Instant statsSince, String hypopg, List<String> replicasAsked,
                            List<String> replicasUnreachable, List<Recommendation> recommendations,
                            UsageStats usageStats, List<Unused> unusedIndexes, List<Duplicate> duplicateIndexes,
                            List<Invalid> invalidIndexes, List<Bloated> bloatedIndexes,
                            List<PlanStep> maintenancePlan, List<Build> recentBuilds, List<String> skipped,
                            List<String> planned) {

    /** The same analysis as read at {@code now}. */
    IndexAnalysis at(Instant now, boolean cached, String note) {
        return new IndexAnalysis(computedAt, Math.max(0, (now.toEpochMilli() - computedAt.toEpochMilli()) / 1000.0),
                cached, note, durationMs, statsSince, hypopg, replicasAsked, replicasUnreachable, recommendations,
                usageStats, unusedIndexes, duplicateIndexes, invalidIndexes, bloatedIndexes, maintenancePlan,
                recentBuilds, skipped, planned == null ? List.of() : planned); // stored by an older agent: none
    }

    /**
     * One index worth building.
     *
     * @param id stable for the same table, columns and predicate: what {@code recommendation_id} names
     * @param order {@code asc} or {@code desc} per column
     * @param kind {@code btree}, {@code partial} or {@code descending}
     * @param source {@code foreign_key}, {@code plan} or both
     * @param sql the exact statement a create would run
     * @param msPerHourSaved the DB time per hour it is estimated to save (what the priority comes from)
     * @param costCut the planned cost's fall with the index, by HypoPG; null without it
     * @param writesPerSecond the table's inserts, updates and deletes per second: what each write would
     *                        also pay for this index
     * @param validated HypoPG showed the planner using it and the cost falling by the configured share
     * @param validation why it is or is not validated
     */
    @RegisterForReflection
    public record Recommendation(String id, String table, List<String> columns, List<String> order, String kind,
                                 String where, String source, String foreignKey, String sql,
                                 List<Helped> statements, double msPerHourSaved, Double costCut,
                                 Long estimatedSizeBytes, double writesPerSecond, boolean validated,
                                 String validation, String priority) {
    }

    /** A statement a recommendation helps, with its time per hour and its planned cost without and with it. */
    @RegisterForReflection
    public record Helped(String queryid, String query, double msPerHour, double callsPerHour, Double costBefore,
                         Double costAfter) {
    }

    /**
     * Every index's scans and size: the largest ones in {@code largest}.
     *
     * @param statsSince when the server's counters began (the last reset, else the server's start)
     * @param unusedCheck {@code ok}, {@code insufficient_data} (the counters are younger than
     *                    {@code unused-min-statistics-age}) or {@code replica_unreachable}
     */
    @RegisterForReflection
    public record UsageStats(int indexes, long totalBytes, long unusedBytes, Instant statsSince,
                             double statsAgeSeconds, String unusedCheck, List<Usage> largest) {
    }

    @RegisterForReflection
    public record Usage(String index, String table, long sizeBytes, long scans, Map<String, Long> scansOnReplicas,
                        long tuplesRead, boolean unique, boolean primary, boolean valid) {
    }

    @RegisterForReflection
    public record Unused(String index, String table, long sizeBytes, Map<String, Long> scansOnReplicas, String sql) {
    }

    /** @param kind {@code identical} (the same definition) or {@code redundant_prefix} (a prefix of another) */
    @RegisterForReflection
    public record Duplicate(String index, String table, String duplicateOf, String kind, long sizeBytes, String sql) {
    }

    @RegisterForReflection
    public record Invalid(String index, String table, long sizeBytes, String reason, String sql) {
    }

    /** @param estimatedBloatRatio the statistics estimate of wasted space (see the README for its accuracy) */
    @RegisterForReflection
    public record Bloated(String index, String table, long sizeBytes, double estimatedBloatRatio, String sql) {
    }

    /** One step of the plan; drops are for people to review, never run by the analysis. */
    @RegisterForReflection
    public record PlanStep(int step, String action, String target, String sql, String reason) {
    }

    /**
     * A build the agent ran, and its effect so far.
     *
     * @param state {@code queued}, {@code running}, {@code valid}, {@code failed}, {@code exists} (an
     *              equal index was there: nothing built) or {@code interrupted} (the agent stopped during it)
     */
    @RegisterForReflection
    public record Build(long id, String table, String index, String sql, String state, String message,
                        String caller, String recommendationId, Instant requestedAt, Instant startedAt,
                        Instant endedAt, Progress progress, Effect effect) {
    }

    /** What pg_stat_progress_create_index says of a running build. */
    @RegisterForReflection
    public record Progress(String phase, long blocksDone, long blocksTotal, long tuplesDone, long tuplesTotal,
                           long partitionsDone, long partitionsTotal) {
    }

    /** The index's scans since it was built, and the helped statements' mean time before and after. */
    @RegisterForReflection
    public record Effect(Long indexScans, List<MeanChange> statements) {
    }

    @RegisterForReflection
    public record MeanChange(String queryid, Double meanMsBefore, Double meanMsAfter) {
    }
}
