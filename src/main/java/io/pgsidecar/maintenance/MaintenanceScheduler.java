package io.pgsidecar.maintenance;

import io.pgsidecar.config.InstanceInfo;
import io.pgsidecar.db.ActionExceptions;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.SchemaMigrator;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The maintenance clock. Every instance keeps its own runs' heartbeats; the leader starts tasks when
 * their cron fires (heavy ones only inside the window), records a fire it missed once as
 * {@code missed} instead of replaying it, declares runs of vanished agents {@code interrupted},
 * cancels heavy runs the window outlived, and reads what holds the xmin horizon back.
 */
@Startup
@ApplicationScoped
public class MaintenanceScheduler {

    static final String COLLECTOR = "maintenance";
    /**
     * The longest tick: a due task starts, and a heavy run past the window is cancelled, at most one
     * tick late. (That live runs beat three times before they count as orphaned is checked against
     * {@link MaintenanceConfig#orphanedAfter()} on its own.)
     */
    static final Duration MAX_TICK = Duration.ofSeconds(15);
    /** A fire is started if the leader sees it within this; later it counts as missed. */
    static final Duration DUE_WITHIN = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(MaintenanceScheduler.class);

    private final MaintenanceConfig config;
    private final MaintenanceRunner runner;
    private final RunStore runs;
    private final LeaderService leader;
    private final SchemaMigrator migrator;
    private final CollectorMetrics collectors;
    private final MaintenanceMetrics metrics;
    private final Database database;
    private final String instance;
    private final Map<Task, Schedule> schedules = new EnumMap<>(Task.class);
    private final Optional<Window> window;
    /** Fires before this (the agent's start) are not this agent's to run or to call missed, without history. */
    private final Instant startedAt;
    /** The scheduler's time: fires, the window, orphans (one bean, so tests can move it). */
    private final Clock clock;
    /** Per task, the last fire the leader has dealt with (started, skipped or recorded missed). */
    private final Map<Task, Instant> considered = new EnumMap<>(Task.class);
    private volatile MaintenanceState state = MaintenanceState.EMPTY;
    /** The leader's transition count when {@link #considered} was filled: a new term starts afresh. */
    private long term = -1;

    public MaintenanceScheduler(MaintenanceConfig config, MaintenanceRunner runner, RunStore runs, LeaderService leader,
                                SchemaMigrator migrator, CollectorMetrics collectors, MaintenanceMetrics metrics,
                                Database database, InstanceInfo instance, Clock clock) {
        this.clock = clock;
        this.startedAt = clock.instant();
        this.config = config;
        this.instance = instance.name();
        this.runner = runner;
        this.runs = runs;
        this.leader = leader;
        this.migrator = migrator;
        this.collectors = collectors;
        this.metrics = metrics;
        this.database = database;
        for (Task t : Task.values()) {
            try {
                schedules.put(t, Schedule.of(t, config));
            } catch (IllegalArgumentException e) {
                // reported by MaintenanceConfigCheck, which stops start-up
            }
        }
        Optional<Window> w;
        try {
            w = config.window().filter(s -> !s.isBlank()).map(s -> Window.parse(s, config.windowTimeZone()));
        } catch (IllegalArgumentException e) {
            w = Optional.empty();
        }
        this.window = w;
        collectors.register(COLLECTOR, config.tick());
    }

    /** Whether the task is scheduled: maintenance on (housekeeping always) and the task enabled. */
    boolean scheduled(Task t) {
        return t.scheduled(config);
    }

    Optional<Schedule> schedule(Task t) {
        return Optional.ofNullable(schedules.get(t));
    }

    Optional<Window> window() {
        return window;
    }

    /** What the leader last learned: last runs and successes, for the status and the alert rules. */
    MaintenanceState state() {
        return state;
    }

    @Scheduled(every = "${pgsidecar.maintenance.tick}", identity = "maintenance-tick", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!migrator.status().done()) {
            return;
        }
        collectors.run(COLLECTOR, () -> {
            heartbeat();
            if (!leader.isLeader()) {
                considered.clear();
                // the leader reports the horizon; a follower's old reading would only mislead a max()
                metrics.horizonAge(0);
                return null;
            }
            long transitions = leader.state().transitions();
            if (transitions != term) {
                // leadership changed hands since the last tick, perhaps and back again: what this
                // instance remembers may be stale, the history is not
                considered.clear();
                term = transitions;
            }
            Instant now = clock.instant();
            interruptOrphans();
            closeWindow(now);
            startDue(now);
            MaintenanceState.Horizon horizon = readHorizon();
            state = new MaintenanceState(now, runs.latest(), runs.endings(), horizon);
            metrics.endings(state.endings());
            return null;
        });
    }

    private void heartbeat() {
        List<Long> mine = runner.running().stream().map(h -> h.runId).toList();
        runs.heartbeat(mine);
    }

    /**
     * Runs recorded as running whose agent stopped beating: marked interrupted. Their statement may
     * still run in PostgreSQL; it keeps the task's advisory lock, so the task does not start again
     * until it ends. Heartbeats are the server's now() and are judged in SQL against the server's
     * now(): an agent whose clock is off by minutes neither interrupts live runs nor keeps dead ones.
     */
    private void interruptOrphans() {
        for (MaintenanceRun r : runs.orphaned(config.orphanedAfter())) {
            if (runner.running(r.id()).isPresent()) {
                continue;
            }
            boolean alive = r.backendPid() != null && sessionAlive(r.backendPid());
            String why = "the agent running it (" + r.instance() + ") stopped; its statement "
                    + (alive ? "was still running in PostgreSQL (pid " + r.backendPid() + ") and keeps the task's lock "
                    + "until it ends" : "ended with it");
            if (!runs.interrupted(r.id(), why, config.orphanedAfter())) {
                continue; // it beat again since it was read
            }
            Task.parse(r.task()).ifPresent(t -> metrics.runEnded(t, "interrupted", -1));
            LOG.warnf("maintenance run %d (%s) interrupted: %s", r.id(), r.task(), why);
        }
    }

    private boolean sessionAlive(int pid) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.SESSION_ALIVE)) {
                ps.setInt(1, pid);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    /** Heavy scheduled runs of this agent still going when the window closed, plus the grace. */
    private void closeWindow(Instant now) {
        if (window.isEmpty()) {
            return;
        }
        for (MaintenanceRunner.Handle h : runner.running()) {
            if (h.scheduled && h.task.heavy() && window.get().openUntil(now).isEmpty()) {
                Instant closedAt = window.get().openUntil(h.started).orElse(h.started);
                if (!now.isBefore(closedAt.plus(config.windowGrace()))) {
                    runner.cancel(h.runId, "window closed");
                }
            }
        }
    }

    private void startDue(Instant now) {
        for (Task t : Task.values()) {
            Schedule s = schedules.get(t);
            if (s == null || !scheduled(t)) {
                continue;
            }
            Optional<Instant> fire = s.last(now);
            if (fire.isEmpty()) {
                continue;
            }
            Instant seen = considered.computeIfAbsent(t, k -> lastRecorded(k).orElse(startedAt));
            if (!fire.get().isAfter(seen)) {
                continue;
            }
            considered.put(t, fire.get());
            if (Duration.between(fire.get(), now).compareTo(DUE_WITHIN) > 0) {
                int count = missedBetween(s, seen, fire.get());
                runs.record(t, "scheduled", instance, fire.get(), "missed", count + " scheduled run"
                        + (count == 1 ? "" : "s") + " missed since " + seen + " (no leader, or the agent was down); the "
                        + "next runs at " + s.next(now).map(Instant::toString).orElse("never"));
                metrics.runEnded(t, "missed", -1);
                continue;
            }
            if (t.heavy() && window.isPresent() && window.get().openUntil(now).isEmpty()) {
                runs.record(t, "scheduled", instance, now, "skipped", "outside the maintenance window " + window.get()
                        + "; it opens next at " + window.get().nextOpening(now));
                metrics.runEnded(t, "skipped", -1);
                continue;
            }
            try {
                long id = runner.start(t, Planner.Scope.ALL, "scheduled", "schedule " + s, null);
                LOG.infof("maintenance run %d (%s) started by its schedule", id, t.label());
            } catch (MaintenanceExceptions.AlreadyRunning | ActionExceptions.Refused
                     | io.pgsidecar.db.NoPermissionException e) {
                runs.record(t, "scheduled", instance, now, "skipped", e.getMessage());
                metrics.runEnded(t, "skipped", -1);
            }
        }
    }

    /**
     * The start of the task's latest recorded run, so a new leader neither repeats nor misses a fire.
     * A task with no history at all counts from this agent's start.
     */
    private Optional<Instant> lastRecorded(Task t) {
        return Optional.ofNullable(runs.latest().get(t)).map(MaintenanceRun::startedAt);
    }

    private static int missedBetween(Schedule s, Instant after, Instant upTo) {
        int n = 0;
        Instant at = after;
        while (n < 1000) {
            Optional<Instant> next = s.next(at);
            if (next.isEmpty() || next.get().isAfter(upTo)) {
                break;
            }
            n++;
            at = next.get();
        }
        return Math.max(1, n);
    }

    /** How long the oldest holder of the xmin horizon has held it, and who it is. */
    private MaintenanceState.Horizon readHorizon() {
        try {
            MaintenanceState.Horizon h = database.withConnection(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(MaintenanceQueries.HORIZON_HOLDERS)) {
                    double max = 0;
                    String who = null;
                    while (rs.next()) {
                        double seconds = rs.getDouble(5);
                        if (!rs.wasNull() && seconds > max) {
                            max = seconds;
                            who = ItemExecutor.holder(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                                    seconds);
                        }
                    }
                    return new MaintenanceState.Horizon(max, who);
                }
            });
            metrics.horizonAge(h.seconds());
            return h;
        } catch (RuntimeException e) {
            LOG.debugf("xmin horizon not read: %s", e.getMessage());
            return state.horizon();
        }
    }
}
