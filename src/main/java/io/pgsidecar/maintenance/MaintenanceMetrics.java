package io.pgsidecar.maintenance;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maintenance as metrics: runs and items by task and outcome, the last success and duration, what is
 * running, rows deleted per configured table, and how old the xmin horizon's holder is. Labels are
 * bounded: six tasks, eight outcomes, the configured retention tables.
 */
@Startup
@ApplicationScoped
public class MaintenanceMetrics {

    static final List<String> RUN_OUTCOMES = List.of("ok", "partial", "failed", "skipped", "cancelled", "missed",
            "interrupted");
    static final List<String> ITEM_OUTCOMES = List.of("ok", "skipped", "failed", "cancelled");

    private final OwnedMeters meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Task, AtomicLong> lastSuccessMillis = new EnumMap<>(Task.class);
    private final Map<Task, AtomicLong> lastFailureMillis = new EnumMap<>(Task.class);
    private final Map<Task, AtomicLong> lastDurationMillis = new EnumMap<>(Task.class);
    private final Map<Task, AtomicLong> running = new EnumMap<>(Task.class);
    private final Set<String> retentionTables;
    private volatile double horizonAgeSeconds;

    public MaintenanceMetrics(OwnedMeters meters, MaintenanceConfig config) {
        this.meters = meters;
        MeterRegistry r = meters.registry();
        Set<String> tables;
        try {
            tables = Set.copyOf(CleanupRules.parse(config).stream().map(CleanupRules.Rule::qualified)
                    .toList());
        } catch (IllegalArgumentException e) {
            tables = Set.of();
        }
        this.retentionTables = tables;
        for (Task t : Task.values()) {
            AtomicLong ok = new AtomicLong();
            AtomicLong bad = new AtomicLong();
            lastFailureMillis.put(t, bad);
            AtomicLong duration = new AtomicLong(-1);
            AtomicLong now = new AtomicLong();
            lastSuccessMillis.put(t, ok);
            lastDurationMillis.put(t, duration);
            running.put(t, now);
            meters.own(Gauge.builder("pgsidecar.maintenance.last.success.timestamp", ok, v -> v.get() / 1e3)
                    .baseUnit("seconds").tag("task", t.label())
                    .description("When a run of the task last ended ok or partial on any agent, as the leader last read it "
                            + "(Unix time; 0 = not known to this agent); take the max over the sidecars").register(r));
            meters.own(Gauge.builder("pgsidecar.maintenance.last.failure.timestamp", bad, v -> v.get() / 1e3)
                    .baseUnit("seconds").tag("task", t.label())
                    .description("When a run of the task last ended failed or interrupted on any agent, as the leader "
                            + "last read it (Unix time; 0 = none known)").register(r));
            double period = periodSeconds(t, config);
            meters.own(Gauge.builder("pgsidecar.maintenance.schedule.period", () -> period).baseUnit("seconds")
                    .tag("task", t.label())
                    .description("Time between the task's last two scheduled fires; 0 when it is not scheduled")
                    .register(r));
            meters.own(Gauge.builder("pgsidecar.maintenance.last.duration", duration,
                            v -> v.get() < 0 ? Double.NaN : v.get() / 1e3)
                    .baseUnit("seconds").tag("task", t.label()).description("How long the task's last run took")
                    .register(r));
            meters.own(Gauge.builder("pgsidecar.maintenance.running", now, AtomicLong::get).tag("task", t.label())
                    .description("1 while a run of the task is in progress on this agent").register(r));
            for (String o : RUN_OUTCOMES) {
                counter("pgsidecar.maintenance.runs", "Runs of maintenance tasks by outcome", t, o);
            }
            for (String o : ITEM_OUTCOMES) {
                counter("pgsidecar.maintenance.items", "Items of maintenance runs by outcome", t, o);
            }
        }
        for (String table : tables) {
            counters.put("rows|" + table, meters.own(Counter.builder("pgsidecar.maintenance.rows.deleted")
                    .tag("table", table).description("Rows cleanup_old_data deleted from the table").register(r)));
        }
        meters.own(Gauge.builder("pgsidecar.vacuum.horizon.age", this, m -> m.horizonAgeSeconds).baseUnit("seconds")
                .description("How long whatever holds the xmin horizon back has held it (0 when nothing does)")
                .register(r));
    }

    /** The period of the task's schedule when the schedule starts it, else 0 (so the rules skip it). */
    static double periodSeconds(Task t, MaintenanceConfig config) {
        if (!t.scheduled(config)) {
            return 0;
        }
        try {
            return Schedule.of(t, config).period(java.time.Instant.now())
                    .map(d -> d.toMillis() / 1e3).orElse(0.0);
        } catch (IllegalArgumentException e) {
            return 0; // MaintenanceConfigCheck reports the expression and stops start-up
        }
    }

    private Counter counter(String name, String help, Task task, String outcome) {
        return counters.computeIfAbsent(name + "|" + task.label() + "|" + outcome, k -> meters.own(Counter.builder(name)
                .tag("task", task.label()).tag("outcome", outcome).description(help).register(meters.registry())));
    }

    void runEnded(Task task, String outcome, long durationMillis) {
        counter("pgsidecar.maintenance.runs", "Runs of maintenance tasks by outcome", task, outcome).increment();
        if (durationMillis >= 0) {
            lastDurationMillis.get(task).set(durationMillis);
        }
        if ("ok".equals(outcome) || "partial".equals(outcome)) {
            lastSuccessMillis.get(task).accumulateAndGet(System.currentTimeMillis(), Math::max);
        } else if ("failed".equals(outcome) || "interrupted".equals(outcome)) {
            lastFailureMillis.get(task).accumulateAndGet(System.currentTimeMillis(), Math::max);
        }
    }

    /** The database-wide endings the leader read: timestamps only move forward. */
    void endings(RunStore.Endings endings) {
        endings.success().forEach((t, at) -> lastSuccessMillis.get(t).accumulateAndGet(at.toEpochMilli(), Math::max));
        endings.failure().forEach((t, at) -> lastFailureMillis.get(t).accumulateAndGet(at.toEpochMilli(), Math::max));
    }

    void item(Task task, String outcome) {
        counter("pgsidecar.maintenance.items", "Items of maintenance runs by outcome", task, outcome).increment();
    }

    void running(Task task, boolean on) {
        running.get(task).set(on ? 1 : 0);
    }

    /** Rows deleted from a configured table; tables not in the configuration are not labels. */
    void rowsDeleted(String table, long rows) {
        if (rows > 0 && retentionTables.contains(table)) {
            counters.get("rows|" + table).increment(rows);
        }
    }

    void horizonAge(double seconds) {
        this.horizonAgeSeconds = seconds;
    }
}
