package io.pgsidecar.maintenance;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/**
 * The answer of {@code GET .../maintenance/status}: each task's schedule, last run, run in progress
 * and what it would pick now.
 *
 * @param enabled whether tasks are scheduled (DB_MAINTENANCE_ENABLED); housekeeping always is
 * @param windowOpen whether the heavy tasks may start now
 * @param rights the acting role, and which tasks its rights allow
 */
@RegisterForReflection
public record MaintenanceStatus(boolean enabled, String window, boolean windowOpen, Instant checkedAt,
                                List<TaskStatus> tasks, Horizon xminHorizon, io.pgsidecar.db.Rights.View rights) {

    @RegisterForReflection
    public record TaskStatus(String task, boolean scheduled, boolean heavy, String schedule, Instant nextRun,
                             MaintenanceRun lastRun, Instant lastSuccess, InProgress inProgress,
                             List<Candidate> candidates) {
    }

    /** A run going on now, anywhere, with the progress PostgreSQL reports for its statement. */
    @RegisterForReflection
    public record InProgress(long runId, String instance, Instant startedAt, String currentItem, String phase,
                             Double done, Double total) {
    }

    /**
     * Something the task would act on now, and the figure that makes it a candidate.
     *
     * @param metric the figure, in {@code unit}
     * @param metricName what the figure is: {@code rows_changed_since_analyze}, {@code dead_rows},
     *     {@code xid_age}, {@code index_size}, {@code estimated_bloat_ratio}, {@code transaction_age} or
     *     {@code retention}
     * @param unit {@code rows}, {@code transactions}, {@code bytes}, {@code ratio} (0 to 1) or {@code seconds}
     */
    @RegisterForReflection
    public record Candidate(String target, String detail, double metric, String metricName, String unit) {
    }

    /** What holds the xmin horizon back and for how long (seconds 0: nothing). */
    @RegisterForReflection
    public record Horizon(double seconds, String holder) {
    }
}
