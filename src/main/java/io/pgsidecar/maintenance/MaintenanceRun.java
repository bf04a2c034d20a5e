package io.pgsidecar.maintenance;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/**
 * One run of one maintenance task, as the history holds it.
 *
 * @param trigger {@code scheduled}, {@code manual} or {@code cli}
 * @param outcome {@code running}, {@code ok}, {@code partial}, {@code failed}, {@code skipped},
 *                {@code cancelled}, {@code missed} or {@code interrupted}
 * @param backendPid the maintenance session's server process while it runs
 * @param durationSeconds from start to end, null while it runs
 */
@RegisterForReflection
public record MaintenanceRun(long id, String task, String trigger, String instance, String requestedBy,
                             String reason, Instant startedAt, Instant finishedAt, String outcome, String error,
                             int itemsDone, int itemsSkipped, int itemsFailed, Integer backendPid,
                             Instant heartbeatAt, boolean cancelRequested, Double durationSeconds) {

    /** One statement a run ran (or a dry run would run), and how it ended. */
    @RegisterForReflection
    public record Item(int seq, String target, String action, String sql, Instant startedAt, Long durationMs,
                      Long rowsAffected, String outcome, String reason) {
    }

    /** A run with its items. */
    @RegisterForReflection
    public record Detail(MaintenanceRun run, List<Item> items) {
    }
}
