package io.pgsidecar.partitions;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/** What {@code GET .../partitions/status} answers. */
@RegisterForReflection
public record PartitionsStatus(boolean enabled, boolean autoCreate, Instant checkedAt, List<TableStatus> tables,
                               List<SetProblem> sets, io.pgsidecar.db.Rights.View rights) {

    /**
     * One partitioned table.
     *
     * @param managedBy {@code pgsidecar} (a configured set), {@code pg_partman} (never touched), or null
     * @param runwayIntervals whole intervals ahead of now that partitions cover (configured sets)
     * @param futurePartitions partitions starting after now (every table)
     * @param newestSource where {@code newest_value} comes from: {@code job} (rows after the current
     *                     interval, counted by the last job) or {@code statistics} (the newest
     *                     partition's histogram, as of its last ANALYZE)
     */
    @RegisterForReflection
    public record TableStatus(String table, String strategy, String keyColumn, String keyType, String managedBy,
                              SetView set, int partitionCount, List<PartitionView> partitions,
                              PartitionView defaultPartition, Long defaultRows, Integer runwayIntervals,
                              int futurePartitions, List<GapView> gaps, String newestValue, String newestSource,
                              RetentionView retention, JobRecord lastJob, List<String> problems) {
    }

    @RegisterForReflection
    public record SetView(String interval, int premake, String retention, Integer retentionMonths, String archiveSchema,
                          String timeZone, String naming) {
    }

    @RegisterForReflection
    public record PartitionView(String name, String bound, String lower, String upper, double estimatedRows, long bytes,
                                boolean detachPending) {
    }

    @RegisterForReflection
    public record GapView(String after, String before, String from, String to) {
    }

    /** The cutoff now and the partitions retention would take out now (oldest first). */
    @RegisterForReflection
    public record RetentionView(String cutoff, List<String> due) {
    }

    /** A configured set the agent cannot work on now: its table missing, or not what the set says. */
    @RegisterForReflection
    public record SetProblem(String table, String problem) {
    }
}
