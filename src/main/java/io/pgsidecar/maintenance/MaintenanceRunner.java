package io.pgsidecar.maintenance;

import io.pgsidecar.audit.AuditLog;
import io.pgsidecar.config.InstanceInfo;
import io.pgsidecar.db.ActionExceptions;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.DatabaseFailures;
import io.pgsidecar.db.ActingSession;
import io.pgsidecar.db.ActingSessions;
import io.pgsidecar.db.AdvisoryLockKeys;
import io.pgsidecar.db.Need;
import io.pgsidecar.db.NoPermissionException;
import io.pgsidecar.db.Rights;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs maintenance tasks: a dry run plans on a pooled connection and changes nothing; a real run
 * opens its own session, takes the task's lock and a maintenance slot (so no task runs twice at
 * once, whichever agent starts it), records the run, and works through its items in the background,
 * one at a time, stopping at its time budget or when cancelled.
 */
@ApplicationScoped
public class MaintenanceRunner {

    private static final Logger LOG = Logger.getLogger(MaintenanceRunner.class);
    /**
     * The run's own acting session, outside the pool, so pollers and the admin API never wait behind
     * a long VACUUM; it holds the task's advisory lock (a task never runs twice at once, whichever
     * agent starts it) and one of the maintenance slots (at most {@code max-concurrent-runs} runs per
     * database). MaintenanceQueries finds it by this name.
     */
    static final String APPLICATION_NAME = "pgsidecar-maintenance";

    /** A run in progress on this agent. */
    static final class Handle {
        final long runId;
        final Task task;
        final int pid;
        /** Server time at which the run's session was alive, for the cancel's re-check. */
        final java.time.OffsetDateTime aliveAt;
        final Instant started;
        final boolean scheduled;
        volatile String cancelReason;
        volatile String currentItem;

        Handle(long runId, Task task, int pid, java.time.OffsetDateTime aliveAt, boolean scheduled, Instant started) {
            this.aliveAt = aliveAt;
            this.started = started;
            this.runId = runId;
            this.task = task;
            this.pid = pid;
            this.scheduled = scheduled;
        }
    }

    private final java.time.Clock clock;
    private final MaintenanceConfig config;
    private final Database database;
    private final ActingSessions acting;
    private final Rights rights;
    private final Planner planner;
    private final RunStore runs;
    private final MaintenanceMetrics metrics;
    private final ItemExecutor executor;
    private final String instance;
    private final Map<Long, Handle> running = new ConcurrentHashMap<>();
    private final ExecutorService workers;

    public MaintenanceRunner(MaintenanceConfig config, Database database, ActingSessions acting, Rights rights,
                             Planner planner, RunStore runs, MaintenanceMetrics metrics, AuditLog audit,
                             InstanceInfo instance, java.time.Clock clock) {
        this.acting = acting;
        this.rights = rights;
        this.clock = clock;
        this.config = config;
        this.database = database;
        this.planner = planner;
        this.runs = runs;
        this.metrics = metrics;
        this.instance = instance.name();
        this.executor = new ItemExecutor(config, database, audit, instance, metrics);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pgsidecar-maintenance-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * What a run would do now, with the exact SQL, and the right each item lacks; changes nothing.
     * Refuses as a real run would: {@link NoPermissionException} when the run could do nothing.
     */
    List<Planned> dryRun(Task task, Planner.Scope scope) {
        return database.withConnection(c -> {
            refuse(task, c);
            List<Planner.Step> steps = planner.plan(task, c, scope);
            Map<Planner.Step, Rights.Lack> lacking = permitted(c, task, steps, scope);
            List<Planned> out = new ArrayList<>();
            for (Planner.Step step : steps) {
                Long rows = null;
                if (step.run() instanceof Action.Batches b && !lacking.containsKey(step)) {
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(b.countSql())) {
                        rs.next();
                        rows = rs.getLong(1);
                    }
                }
                out.add(step.view(rows, lacking.get(step)));
            }
            return out;
        });
    }

    /**
     * The rights the steps need that the acting role lacks, by step; or {@link NoPermissionException}
     * before anything runs when the run could do nothing: a named table it may not act on, no step
     * it may take, or (nothing planned now) no table of the application it could ever act on.
     */
    Map<Planner.Step, Rights.Lack> permitted(java.sql.Connection c, Task task, List<Planner.Step> steps,
                                             Planner.Scope scope) throws SQLException {
        List<Need> needs = new ArrayList<>();
        for (Planner.Step s : steps) {
            if (s.need() != null) {
                needs.add(s.need());
            }
        }
        String action = "maintenance task " + task.label();
        if (needs.isEmpty()) {
            List<Need> standing = standingNeeds(task);
            List<Rights.Lack> lacks = rights.lacking(c, standing);
            if (!lacks.isEmpty()) {
                throw new NoPermissionException(action, lacks);
            }
            return Map.of();
        }
        Map<Need, Rights.Lack> byNeed = rights.lackingByNeed(c, needs);
        if (byNeed.isEmpty()) {
            return Map.of();
        }
        if (scope.tables().isPresent() || byNeed.keySet().containsAll(needs)) {
            throw new NoPermissionException(action, List.copyOf(byNeed.values()));
        }
        Map<Planner.Step, Rights.Lack> out = new HashMap<>();
        for (Planner.Step s : steps) {
            if (s.need() != null && byNeed.containsKey(s.need())) {
                out.put(s, byNeed.get(s.need()));
            }
        }
        return out;
    }

    /** What a task needs to be able to act at all, whatever it finds to do now. */
    List<Need> standingNeeds(Task task) {
        return switch (task) {
            case UPDATE_STATISTICS, VACUUM -> List.of(Need.anywhere(Need.Kind.VACUUM_ANALYZE));
            // a rebuild's leftovers and invalid indexes are dropped, which needs the owner, MAINTAIN or not
            case MAINTAIN_INDEXES -> List.of(Need.anywhere(Need.Kind.REINDEX), Need.anywhere(Need.Kind.OWN));
            case CLEANUP_OLD_DATA -> CleanupRules.parse(config).stream()
                    .map(r -> Need.on(Need.Kind.DELETE, r.schema(), r.table())).toList();
            case CONNECTION_HEALTH -> config.connectionHealth().terminateApplications().orElse(List.of()).isEmpty()
                    ? List.of() : List.of(Need.of(Need.Kind.SIGNAL));
            case HOUSEKEEPING -> List.of();
        };
    }

    /**
     * The run recorded as running for the task. The winner of a race records its run a moment after it
     * took the lock, so a loser looks a few times before it concludes the lock was left behind.
     */
    private Long runningRun(Task task) {
        for (int i = 0; i < 5; i++) {
            Optional<MaintenanceRun> r = runs.running(task);
            if (r.isPresent()) {
                return r.get().id();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /**
     * Starts a real run in the background and returns its id.
     *
     * @throws MaintenanceExceptions.AlreadyRunning when the task runs already anywhere, or every slot is taken
     * @throws ActionExceptions.Refused on a standby or a release with a known bug for the task
     */
    long start(Task task, Planner.Scope scope, String trigger, String requestedBy, String reason) {
        MaintenanceConfig.TaskSettings settings = task.settings(config);
        ActingSession session;
        try {
            session = acting.session(APPLICATION_NAME, settings.statementTimeout(), config.lockTimeout());
        } catch (SQLException e) {
            throw database.failure(e);
        }
        boolean handedOver = false;
        try {
            refuse(task, session.connection());
            if (!session.tryLock(AdvisoryLockKeys.MAINTENANCE, task.lockKey())) {
                Long id = runningRun(task);
                if (id != null) {
                    throw new MaintenanceExceptions.AlreadyRunning("task " + task.label() + " is already running (run "
                            + id + ")", id);
                }
                // no run recorded as running: a statement an agent left behind when it stopped
                String who = session.lockHolder(AdvisoryLockKeys.MAINTENANCE, task.lockKey()).map(pid -> "pid " + pid).orElse("a session that just ended");
                throw new MaintenanceExceptions.AlreadyRunning("task " + task.label() + " is still running in PostgreSQL ("
                        + who + "), left by an agent that stopped; it can start again once that statement ends", null);
            }
            if (!lockSlot(session, config.maxConcurrentRuns())) {
                Long other = runs.allRunning().stream().findFirst().map(MaintenanceRun::id).orElse(null);
                throw new MaintenanceExceptions.AlreadyRunning("another maintenance run is in progress"
                        + (other == null ? "" : " (run " + other + ")") + "; at most " + config.maxConcurrentRuns()
                        + " at a time (pgsidecar.maintenance.max-concurrent-runs)", other);
            }
            // planned here, on the run's own session under its locks, so that a run that may do nothing
            // is refused (403) before it is recorded, exactly as its dry run is
            // on the pool: its observing login sees every session (connection_health), the acting one need not
            Checked plan = database.withConnection(c -> {
                List<Planner.Step> planned = planner.plan(task, c, scope);
                return new Checked(planned, permitted(c, task, planned, scope));
            });
            List<Planner.Step> steps = plan.steps();
            Map<Planner.Step, Rights.Lack> lacking = plan.lacking();
            long id = runs.start(task, trigger, instance, requestedBy, reason, session.pid()).orElseThrow(() ->
                    new MaintenanceExceptions.AlreadyRunning("task " + task.label() + " has a run recorded as running "
                            + "whose agent has not been declared gone yet", runs.running(task).map(MaintenanceRun::id)
                            .orElse(null)));
            Handle h = new Handle(id, task, session.pid(), session.aliveAt(), "scheduled".equals(trigger), clock.instant());
            running.put(id, h);
            metrics.running(task, true);
            ActingSession s = session;
            workers.execute(() -> execute(h, s, steps, lacking));
            handedOver = true;
            return id;
        } catch (SQLException e) {
            throw database.failure(e);
        } finally {
            if (!handedOver) {
                session.close();
            }
        }
    }

    /** A run's steps and the right each lacks (none: it may take every step). */
    private record Checked(List<Planner.Step> steps, Map<Planner.Step, Rights.Lack> lacking) {
    }

    /** Takes one of the first {@code slots} maintenance slots; false when all are taken. */
    private static boolean lockSlot(ActingSession session, int slots) throws SQLException {
        for (int i = 0; i < slots; i++) {
            if (session.tryLock(AdvisoryLockKeys.MAINTENANCE, AdvisoryLockKeys.MAINTENANCE_SLOT_BASE + i)) {
                return true;
            }
        }
        return false;
    }

    /** Refuses tasks that cannot be done on this server, before anything runs. */
    private static void refuse(Task task, java.sql.Connection c) throws SQLException {
        if (task == Task.HOUSEKEEPING) {
            return;
        }
        int version;
        boolean standby;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(MaintenanceQueries.SERVER)) {
            rs.next();
            version = rs.getInt(1);
            standby = rs.getBoolean(2);
        }
        if (standby) {
            throw new ActionExceptions.Refused("read-only: the database is a standby (in recovery)");
        }
        if (task == Task.MAINTAIN_INDEXES && version >= 140000 && version < 140004) {
            throw new ActionExceptions.Refused("refused on PostgreSQL 14.0 to 14.3: concurrent index builds there "
                    + "can corrupt indexes (fixed in 14.4); upgrade first");
        }
    }

    private void execute(Handle h, ActingSession session, List<Planner.Step> steps,
                         Map<Planner.Step, Rights.Lack> lacking) {
        int done = 0;
        int skipped = 0;
        int failed = 0;
        String outcome;
        String error = null;
        Instant deadline = h.started.plus(h.task.settings(config).timeBudget());
        try (session) {
            if (h.task == Task.VACUUM) {
                session.set("vacuum_cost_delay", Long.toString(config.vacuum().costDelay().toMillis()));
                session.set("vacuum_cost_limit", Integer.toString(config.vacuum().costLimit()));
            }
            int seq = 0;
            boolean cancelled = false;
            for (Planner.Step step : steps) {
                seq++;
                String stop = stopReason(h, deadline);
                if (stop != null) {
                    record(h, seq, step, Instant.now(), 0, stop.startsWith("cancelled") ? ItemExecutor.Result.cancelled(stop)
                            : ItemExecutor.Result.skipped(stop));
                    skipped++;
                    cancelled |= stop.startsWith("cancelled");
                    continue;
                }
                h.currentItem = step.action() + " " + step.target();
                Instant started = Instant.now();
                Rights.Lack lack = lacking.get(step);
                ItemExecutor.Result r = lack != null ? ItemExecutor.Result.skipped("no_permission: " + lack.message())
                        : executor.run(step, session, () -> cancelReason(h), deadline);
                record(h, seq, step, started, System.currentTimeMillis() - started.toEpochMilli(), r);
                switch (r.outcome()) {
                    case "ok" -> done++;
                    case "skipped" -> skipped++;
                    case "cancelled" -> {
                        skipped++;
                        cancelled = true;
                    }
                    default -> failed++;
                }
            }
            h.currentItem = null;
            outcome = cancelled ? "cancelled" : failed > 0 && done == 0 ? "failed"
                    : failed > 0 || (skipped > 0 && done > 0) ? "partial" : done == 0 && skipped > 0 ? "skipped" : "ok";
            if (cancelled) {
                error = cancelReason(h);
            }
        } catch (SQLException | RuntimeException e) {
            outcome = "failed";
            error = e instanceof SQLException s ? DatabaseFailures.describe(s, database.target())
                    : String.valueOf(e.getMessage());
            LOG.warnf("maintenance run %d (%s) failed: %s", h.runId, h.task.label(), error);
        }
        try {
            runs.finish(h.runId, outcome, error, done, skipped, failed);
        } catch (RuntimeException e) {
            LOG.warnf("maintenance run %d ended %s but could not be recorded: %s", h.runId, outcome, e.getMessage());
        }
        metrics.runEnded(h.task, outcome, System.currentTimeMillis() - h.started.toEpochMilli());
        metrics.running(h.task, false);
        running.remove(h.runId);
        LOG.infof("maintenance run %d (%s) ended %s: %d done, %d skipped, %d failed", h.runId, h.task.label(), outcome,
                done, skipped, failed);
    }

    private void record(Handle h, int seq, Planner.Step step, Instant started, long millis, ItemExecutor.Result r) {
        metrics.item(h.task, r.outcome());
        try {
            runs.item(h.runId, new MaintenanceRun.Item(seq, step.target(), step.action(), step.run().sql(), started,
                    millis, r.rows(), r.outcome(), r.reason()));
        } catch (RuntimeException e) {
            LOG.warnf("item %d of maintenance run %d not recorded: %s", seq, h.runId, e.getMessage());
        }
    }

    /** Why the run must not start its next item: cancelled (here or by another agent), or out of time. */
    private String stopReason(Handle h, Instant deadline) {
        String cancel = cancelReason(h);
        if (cancel != null) {
            return cancel;
        }
        if (Instant.now().isAfter(deadline)) {
            return "time budget of " + h.task.settings(config).timeBudget() + " used up";
        }
        return null;
    }

    private String cancelReason(Handle h) {
        if (h.cancelReason == null) {
            try {
                if (runs.cancelRequested(h.runId)) {
                    h.cancelReason = "cancelled by request";
                }
            } catch (RuntimeException ignored) {
                // the flag is read again at the next item
            }
        }
        return h.cancelReason;
    }

    /**
     * Cancels a run of this agent: its current statement is cancelled in PostgreSQL and no further item
     * starts. Returns false when no such run is in progress here.
     */
    boolean cancel(long runId, String reason) {
        Handle h = running.get(runId);
        if (h == null) {
            return false;
        }
        h.cancelReason = "cancelled: " + reason;
        cancelBackend(h.pid, h.aliveAt);
        return true;
    }

    /**
     * Cancels the statement of a maintenance session (this agent's or another's), from a short
     * session of the login the maintenance sessions log in with: a login may cancel its own sessions,
     * so this needs no right to signal anyone else's (the observing login could not cancel the acting
     * login's, nor a session switched to the acting role its own login's).
     */
    void cancelBackend(int pid, java.time.OffsetDateTime aliveAt) {
        try (java.sql.Connection c = acting.openForSignal("pgsidecar-maintenance-cancel", java.time.Duration.ofSeconds(5));
             PreparedStatement ps = c.prepareStatement(MaintenanceQueries.CANCEL_BACKEND)) {
            ps.setInt(1, pid);
            ps.setObject(2, aliveAt);
            ps.execute();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("could not cancel maintenance session %d: %s", pid, e.getMessage());
        }
    }

    /** Runs in progress on this agent. */
    Collection<Handle> running() {
        return running.values();
    }

    Optional<Handle> running(long id) {
        return Optional.ofNullable(running.get(id));
    }

    void stop(@Observes ShutdownEvent ev) {
        running.values().forEach(h -> {
            h.cancelReason = "cancelled: the agent is shutting down";
            cancelBackend(h.pid, h.aliveAt);
        });
        workers.shutdown();
    }
}
