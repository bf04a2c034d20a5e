package io.pgsidecar.partitions;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/** What {@code GET .../partitions/analyze} answers: tables worth partitioning, and how. */
@RegisterForReflection
public record PartitionAnalysis(Instant checkedAt, Thresholds thresholds, List<Candidate> candidates) {

    @RegisterForReflection
    public record Thresholds(long minBytes, long minRows, double minCorrelation, double maxChangeShare,
                             long targetPartitionBytes) {
    }

    /**
     * One candidate.
     *
     * @param statements query ids (and the start of their text) of recent statements that filter on
     *                   the column: partition pruning would help them
     * @param conversionPlan SQL text for people to review and run; pgsidecar never runs it
     */
    @RegisterForReflection
    public record Candidate(String table, double bytes, double rows, String column, String columnType,
                            double correlation, double changeShare, String oldest, String newest,
                            String suggestedInterval, int partitions, double partitionBytes, List<String> statements,
                            boolean referencedByForeignKeys, List<String> why, String conversionPlan) {
    }
}
