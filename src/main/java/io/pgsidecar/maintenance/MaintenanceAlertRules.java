package io.pgsidecar.maintenance;

import io.pgsidecar.alerts.AlertRule;
import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.alerts.AlertRuleProvider;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Alert rules over the maintenance clock's latest state: failures, missed schedules, a held-back horizon. */
@ApplicationScoped
public class MaintenanceAlertRules implements AlertRuleProvider {

    private final MaintenanceScheduler scheduler;

    public MaintenanceAlertRules(MaintenanceScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public List<AlertRule> rules() {
        return List.of(
                new AlertRule("MaintenanceTaskFailed", "A maintenance task's run failed (or was interrupted) and no run "
                        + "of it has succeeded since",
                        "state", Comparison.AT_LEAST, Duration.ZERO, 1.0, null, (now, t) -> failed()),
                new AlertRule("MaintenanceTaskMissed", "A scheduled maintenance task has not succeeded within twice "
                        + "its period (value: periods since its last success)", "periods", Comparison.AT_LEAST,
                        Duration.ZERO, 2.0, null, this::missed),
                new AlertRule("VacuumHorizonHeldBack", "Something (a long transaction, a session idle in transaction, "
                        + "a prepared transaction) has held the xmin horizon back this long: VACUUM cannot remove "
                        + "dead rows newer than it", "seconds", Comparison.ABOVE, Duration.ZERO, 1800.0, 7200.0,
                        (now, t) -> horizon()));
    }

    private MaintenanceState state() {
        MaintenanceState s = scheduler.state();
        return s.at() == null ? null : s;
    }

    private List<Observation> failed() {
        MaintenanceState s = state();
        if (s == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        s.latest().forEach((task, run) -> {
            if (s.failing(task)) {
                out.add(Observation.graded(Map.of("task", task.label()), 1,
                        "Maintenance task " + task.label() + " failed and has not succeeded since",
                        "Its last failed or interrupted run ended " + s.endings().failure().get(task) + "; latest run "
                                + run.id() + " (" + run.outcome() + ", started " + run.startedAt() + " on "
                                + run.instance() + ")" + (run.error() == null ? "" : ": " + run.error())));
            }
        });
        return out;
    }

    private List<Observation> missed(Instant now, AlertRule.Thresholds t) {
        MaintenanceState s = state();
        if (s == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (Task task : Task.values()) {
            Optional<Schedule> sch = scheduler.schedule(task);
            if (!scheduler.scheduled(task) || sch.isEmpty()) {
                continue;
            }
            Optional<Duration> p = sch.get().period(now);
            if (p.isEmpty()) {
                continue;
            }
            double period = p.get().toMillis();
            Instant since = s.lastSuccess().get(task);
            if (since == null) {
                continue; // never succeeded yet: MaintenanceTaskFailed or the first run will tell
            }
            double periods = Duration.between(since, now).toMillis() / Math.max(1, period);
            if (t.lowest() != null && periods >= t.lowest()) {
                out.add(Observation.graded(Map.of("task", task.label()), Math.floor(periods),
                        "Maintenance task " + task.label() + " has not succeeded for " + (long) Math.floor(periods)
                                + " periods", "Last success " + since + "; schedule " + sch.get() + ". See the task's "
                                + "runs for skipped, missed or failed ones."));
            }
        }
        return out;
    }

    private List<Observation> horizon() {
        MaintenanceState s = state();
        if (s == null) {
            return null;
        }
        if (s.horizon().seconds() <= 0) {
            return List.of();
        }
        return List.of(Observation.graded(Map.of(), s.horizon().seconds(),
                String.format("The xmin horizon has been held back for %.0f s", s.horizon().seconds()),
                "Held back by " + s.horizon().holder() + ". Dead rows newer than it cannot be removed by VACUUM; "
                        + "tables and indexes bloat until it is released."));
    }
}
