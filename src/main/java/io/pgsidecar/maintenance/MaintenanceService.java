package io.pgsidecar.maintenance;

import io.pgsidecar.db.ActionExceptions;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.QualifiedName;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the admin API asks of maintenance: status, runs (dry or real), history, cancel. */
@ApplicationScoped
public class MaintenanceService implements io.pgsidecar.db.ActionRights {

    static final int STATUS_CANDIDATES = 20;

    /** What {@code POST .../tasks/{task}/run} answers. */
    @RegisterForReflection
    public record RunAnswer(String task, boolean dryRun, Long runId, List<Planned> items, String message) {
    }

    private final MaintenanceConfig config;
    private final MaintenanceRunner runner;
    private final MaintenanceScheduler scheduler;
    private final RunStore runs;
    private final Database database;
    private final io.pgsidecar.db.Rights rights;

    public MaintenanceService(MaintenanceConfig config, MaintenanceRunner runner, MaintenanceScheduler scheduler,
                              RunStore runs, Database database, io.pgsidecar.db.Rights rights,
                              io.pgsidecar.db.DbConfig db) {
        this.agentSchemaPrefix = db.schema() + ".";
        this.rights = rights;
        this.config = config;
        this.runner = runner;
        this.scheduler = scheduler;
        this.runs = runs;
        this.database = database;
    }

    /** Targets in the agent's own schema, which the tasks leave alone unless its tables are named. */
    private final String agentSchemaPrefix;

    public static Task task(String name) {
        return Task.parse(name).orElseThrow(() -> new MaintenanceExceptions.UnknownTask(name));
    }

    /**
     * Runs a task now: a dry run returns the plan with the exact SQL and changes nothing; a real run
     * starts in the background and its id comes back.
     */
    public RunAnswer run(Task task, boolean dryRun, Optional<List<String>> tables, String caller, String reason, String trigger) {
        Planner.Scope scope = scope(task, tables);
        if (dryRun) {
            List<Planned> items = runner.dryRun(task, scope);
            return new RunAnswer(task.label(), true, null, items, items.isEmpty() ? "nothing to do now"
                    : items.size() + " item(s) would run");
        }
        long id = runner.start(task, scope, trigger, caller, reason);
        return new RunAnswer(task.label(), false, id, null, "run " + id + " started; follow it at "
                + "/api/v1/admin/database/maintenance/runs/" + id);
    }

    /** The tables a request names, each checked against the catalog; 400 for one that is not there. */
    private Planner.Scope scope(Task task, Optional<List<String>> tables) {
        if (tables.isEmpty()) {
            return Planner.Scope.ALL;
        }
        if (task == Task.CONNECTION_HEALTH || task == Task.HOUSEKEEPING) {
            throw new ActionExceptions.UnknownTable(String.join(", ", tables.get()),
                    "cannot be named: " + task.label() + " does not act on tables");
        }
        Set<QualifiedName> out = new LinkedHashSet<>();
        for (String raw : tables.get()) {
            QualifiedName table;
            try {
                table = QualifiedName.parse(raw).orIn("public");
            } catch (IllegalArgumentException e) {
                throw new ActionExceptions.UnknownTable(shown(raw), "is not a table name (schema.table)");
            }
            boolean exists = database.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.TABLE_EXISTS)) {
                    ps.setString(1, table.schema());
                    ps.setString(2, table.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() && rs.getBoolean(1);
                    }
                }
            });
            if (!exists) {
                throw new ActionExceptions.UnknownTable(table.toString(), "does not exist");
            }
            if (task == Task.CLEANUP_OLD_DATA && CleanupRules.parse(config).stream()
                    .noneMatch(r -> r.name().equals(table))) {
                throw new ActionExceptions.UnknownTable(table.toString(), "has no retention rule "
                        + "(pgsidecar.maintenance.cleanup.rules); nothing is deleted from it");
            }
            out.add(table);
        }
        return new Planner.Scope(Optional.of(Set.copyOf(out)));
    }

    private static String shown(String raw) {
        String s = String.valueOf(raw);
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    public List<MaintenanceRun> runs(Optional<Task> task, Optional<String> outcome, int limit) {
        return runs.list(task, outcome, limit);
    }

    public MaintenanceRun.Detail run(long id) {
        return runs.get(id).orElseThrow(() -> new MaintenanceExceptions.UnknownRun(id));
    }

    /** Cancels a running run, on this agent or another: its statement is cancelled, no further item starts. */
    public MaintenanceRun cancel(long id, String caller) {
        MaintenanceRun.Detail d = run(id);
        if (!"running".equals(d.run().outcome())) {
            throw new MaintenanceExceptions.NotRunning("run " + id + " is not running (it ended " + d.run().outcome()
                    + ")");
        }
        if (!runner.cancel(id, "by " + caller)) {
            runs.requestCancel(id).ifPresent(t -> runner.cancelBackend(t.pid(), t.startedAt()));
        }
        return run(id).run();
    }

    public MaintenanceStatus status() {
        Instant now = Instant.now();
        MaintenanceState state = scheduler.state();
        Map<Task, MaintenanceRun> latest = state.at() != null ? state.latest() : runs.latest();
        Map<Task, Instant> success = state.at() != null ? state.lastSuccess() : runs.endings().success();
        Map<Task, MaintenanceStatus.InProgress> inProgress = new EnumMap<>(Task.class);
        for (MaintenanceRun r : runs.allRunning()) {
            Task.parse(r.task()).ifPresent(t -> inProgress.put(t, progress(r)));
        }
        Map<Task, List<MaintenanceStatus.Candidate>> candidates = candidates();
        List<MaintenanceStatus.TaskStatus> tasks = new ArrayList<>();
        for (Task t : Task.values()) {
            Optional<Schedule> s = scheduler.schedule(t);
            tasks.add(new MaintenanceStatus.TaskStatus(t.label(), scheduler.scheduled(t), t.heavy(),
                    t.settings(config).cron(), scheduler.scheduled(t) ? s.flatMap(x -> x.next(now)).orElse(null) : null,
                    latest.get(t), success.get(t), inProgress.get(t), candidates.getOrDefault(t, cleanupRules(t))));
        }
        Optional<Window> w = scheduler.window();
        return new MaintenanceStatus(config.enabled(), w.map(Window::toString).orElse(null),
                w.isEmpty() || w.get().openUntil(now).isPresent(), now, List.copyOf(tasks),
                new MaintenanceStatus.Horizon(state.horizon().seconds(), state.horizon().holder()), rights());
    }

    /** Which tasks the acting role may run (what each needs whatever it finds to do). */
    private io.pgsidecar.db.Rights.View rights() {
        Map<String, List<io.pgsidecar.db.Need>> actions = new java.util.LinkedHashMap<>();
        for (Task t : Task.values()) {
            actions.put(t.label(), runner.standingNeeds(t));
        }
        return database.withConnection(c -> rights.view(c, actions));
    }

    @Override
    public String feature() {
        return "maintenance";
    }

    @Override
    public boolean enabled() {
        return config.enabled();
    }

    /** The scheduled tasks (manual runs of the others need the same rights). */
    @Override
    public Map<String, List<io.pgsidecar.db.Need>> actions(java.sql.Connection c) {
        Map<String, List<io.pgsidecar.db.Need>> out = new java.util.LinkedHashMap<>();
        for (Task t : Task.values()) {
            if (t.settings(config).enabled() && !runner.standingNeeds(t).isEmpty()) {
                out.put(t.label(), runner.standingNeeds(t));
            }
        }
        return out;
    }

    private List<MaintenanceStatus.Candidate> cleanupRules(Task t) {
        if (t != Task.CLEANUP_OLD_DATA) {
            return List.of();
        }
        List<MaintenanceStatus.Candidate> out = new ArrayList<>();
        for (CleanupRules.Rule r : CleanupRules.parse(config)) {
            out.add(new MaintenanceStatus.Candidate(r.qualified(), "rows with " + r.column() + " older than "
                    + r.olderThan(), r.olderThan().toSeconds(), "retention", "seconds"));
        }
        return out;
    }

    private MaintenanceStatus.InProgress progress(MaintenanceRun r) {
        String current = runner.running(r.id()).map(h -> h.currentItem).orElse(null);
        if (r.backendPid() == null) {
            return new MaintenanceStatus.InProgress(r.id(), r.instance(), r.startedAt(), current, null, null, null);
        }
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.PROGRESS)) {
                for (int i = 1; i <= 3; i++) {
                    ps.setInt(i, r.backendPid());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return new MaintenanceStatus.InProgress(r.id(), r.instance(), r.startedAt(), current,
                                rs.getString(1) + ": " + rs.getString(2), rs.getDouble(3), rs.getDouble(4));
                    }
                }
            }
            return new MaintenanceStatus.InProgress(r.id(), r.instance(), r.startedAt(), current, null, null, null);
        });
    }

    /** What each task would pick now: one catalog query. */
    private Map<Task, List<MaintenanceStatus.Candidate>> candidates() {
        MaintenanceConfig.UpdateStatistics u = config.updateStatistics();
        MaintenanceConfig.Vacuum v = config.vacuum();
        MaintenanceConfig.MaintainIndexes m = config.maintainIndexes();
        MaintenanceConfig.ConnectionHealth h = config.connectionHealth();
        return database.withConnection(c -> {
            Map<Task, List<MaintenanceStatus.Candidate>> out = new EnumMap<>(Task.class);
            try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.CANDIDATES)) {
                int i = 1;
                ps.setDouble(i++, u.thresholdFactor());
                ps.setDouble(i++, u.thresholdFactor());
                ps.setInt(i++, STATUS_CANDIDATES);
                ps.setLong(i++, v.minDeadTuples());
                ps.setDouble(i++, v.minDeadRatio());
                ps.setInt(i++, STATUS_CANDIDATES);
                ps.setDouble(i++, v.freezeAgeShare());
                ps.setInt(i++, STATUS_CANDIDATES);
                ps.setDouble(i++, m.minSize().asLongValue());
                ps.setDouble(i++, m.minBloatRatio());
                ps.setInt(i++, STATUS_CANDIDATES);
                ps.setDouble(i++, h.idleInTransactionThreshold().toSeconds());
                ps.setDouble(i, h.longTransactionThreshold().toSeconds());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Task t = Task.parse(rs.getString(1)).orElseThrow();
                        if (t != Task.CONNECTION_HEALTH && rs.getString(2).startsWith(agentSchemaPrefix)) {
                            continue; // as the planner: the agent's own schema is no candidate
                        }
                        out.computeIfAbsent(t, k -> new ArrayList<>()).add(new MaintenanceStatus.Candidate(
                                rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getString(5), rs.getString(6)));
                    }
                }
            }
            return out;
        });
    }
}
