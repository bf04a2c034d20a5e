package io.pgsidecar.maintenance;

import java.time.Instant;
import java.util.Map;

/**
 * What the leader's maintenance clock last learned: the latest run and the last good and bad ending of each task,
 * and what holds the xmin horizon back. Immutable; the status, the metrics and the alert rules read it.
 *
 * @param at null before the leader's first tick
 */
record MaintenanceState(Instant at, Map<Task, MaintenanceRun> latest, RunStore.Endings endings, Horizon horizon) {

    static final MaintenanceState EMPTY = new MaintenanceState(null, Map.of(), RunStore.Endings.NONE,
            new Horizon(0, null));

    Map<Task, Instant> lastSuccess() {
        return endings.success();
    }

    /** Tasks whose last failed or interrupted run ended after their last good one (or with none). */
    boolean failing(Task task) {
        Instant bad = endings.failure().get(task);
        Instant ok = endings.success().get(task);
        return bad != null && (ok == null || bad.isAfter(ok));
    }

    /** How long the oldest holder of the xmin horizon has held it (0: none), and who it is. */
    record Horizon(double seconds, String holder) {
    }
}
