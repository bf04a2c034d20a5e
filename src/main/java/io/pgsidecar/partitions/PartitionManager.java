package io.pgsidecar.partitions;

import io.pgsidecar.config.InstanceInfo;
import io.pgsidecar.db.ActionExceptions;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.ActingSession;
import io.pgsidecar.db.ActingSessions;
import io.pgsidecar.db.AdvisoryLockKeys;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.LockRetry;
import io.pgsidecar.db.Need;
import io.pgsidecar.db.NoPermissionException;
import io.pgsidecar.db.Rights;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Plans and carries out the work on one partition set, for the job and for manual calls: premake,
 * finalizing interrupted detaches, retention, a range on request. Plans are made and carried out on
 * the partition session holding the set's lock, so a dry run lists exactly what a real run does.
 */
@ApplicationScoped
public class PartitionManager {

    private static final Logger LOG = Logger.getLogger(PartitionManager.class);
    /** The application_name of the partition sessions. */
    static final String APPLICATION_NAME = "pgsidecar-partitions";

    /** A plan for one set: the table as it is, the steps, and notes (conflicts, what was kept). */
    record Plan(PartitionedTable table, ColumnType type, List<Step> steps, List<String> notes) {
    }

    /** What a manual create or cleanup answers. */
    @RegisterForReflection
    public record Result(String table, boolean dryRun, List<Step.Outcome> steps, List<String> notes, String cutoff) {
    }

    private final PartitionsConfig config;
    private final PartitionCatalog catalog;
    private final PartitionDdl ddl;
    private final JobStore jobs;
    private final ActingSessions acting;
    private final Rights rights;
    private final Database database;
    private final String instance;

    public PartitionManager(PartitionsConfig config, PartitionCatalog catalog, PartitionDdl ddl, JobStore jobs,
                            ActingSessions acting, Rights rights, Database database, InstanceInfo instance) {
        this.rights = rights;
        this.database = database;
        this.config = config;
        this.catalog = catalog;
        this.ddl = ddl;
        this.jobs = jobs;
        this.acting = acting;
        this.instance = instance.name();
    }

    /**
     * The table as the catalog has it, read from the pool: the observing login reads (the agent's
     * own schema among it), the acting session only acts. Read after the set's lock is taken, so no
     * other agent changes it meanwhile.
     */
    private Optional<PartitionedTable> read(String schema, String table) {
        return database.withConnection(c -> catalog.read(c, schema, table));
    }

    /**
     * An acting session for partition DDL ({@link ActingSessions}), in autocommit (a concurrent
     * detach cannot run inside a transaction), with the job's statement and lock timeouts. It also
     * holds the per-set advisory lock, so two agents (or the job and a manual call) never work on one
     * set at once.
     */
    ActingSession open() throws SQLException {
        return acting.session(APPLICATION_NAME, config.statementTimeout(), config.lockTimeout());
    }

    /**
     * The rights working on this table with these steps needs: owning the parent (its partitions are
     * given to its owner), and CREATE on each schema a partition is made in or moved to.
     */
    static List<Need> needs(PartitionedTable table, List<Step> steps, Optional<String> archiveSchema) {
        List<Need> out = new ArrayList<>();
        out.add(Need.on(Need.Kind.OWN, table.schema(), table.name()));
        if (steps.stream().anyMatch(st -> "create_partition".equals(st.action()))) {
            out.add(Need.on(Need.Kind.CREATE_IN_SCHEMA, table.schema(), null));
        }
        if (steps.stream().anyMatch(st -> "archive".equals(st.action())) && archiveSchema.isPresent()) {
            out.add(Need.on(Need.Kind.CREATE_IN_SCHEMA, archiveSchema.get(), null));
        }
        return out;
    }

    private List<Rights.Lack> lacking(ActingSession s, PartitionedTable table, List<Step> steps,
                                      Optional<String> archiveSchema) throws SQLException {
        return rights.lacking(s.connection(), needs(table, steps, archiveSchema));
    }

    /**
     * The scheduled work for one set, on the job's session: finalize pending detaches, make the
     * missing premake partitions (when {@code create}), apply retention (when the set has one).
     * Recorded in the job history.
     *
     * @return the record, or empty when the table does not exist (yet) or another session holds the set
     */
    Optional<JobRecord> maintain(ActingSession s, PartitionSet set, boolean create, String trigger) {
        Instant started = Instant.now();
        boolean locked = false;
        try {
            refuseStandby(s);
            locked = s.tryLock(AdvisoryLockKeys.PARTITIONS, set.qualified());
            if (!locked) {
                LOG.debugf("partition set %s is being changed by another session; skipped this time", set.qualified());
                return Optional.empty();
            }
            Optional<PartitionedTable> table = read(set.schema(), set.table());
            if (table.isEmpty()) {
                return Optional.empty();
            }
            Plan plan = plan(s, set, table.get(), create, set.retention() != PartitionSet.Retention.NONE, started);
            List<Rights.Lack> lacks = plan.steps().isEmpty() ? List.of()
                    : lacking(s, table.get(), plan.steps(), set.archiveSchema());
            if (!lacks.isEmpty()) {
                return Optional.of(failed(set.qualified(), trigger, started, new NoPermissionException(
                        "the partition job of " + set.qualified(), lacks).getMessage()));
            }
            List<Step.Outcome> done = new ArrayList<>();
            for (Step step : plan.steps()) {
                done.add(ddl.run(s, step));
            }
            return Optional.of(record(s, set, plan, done, trigger, started));
        } catch (PartitionExceptions.NotManageable | PartitionExceptions.ManagedByPartman
                 | ActionExceptions.Refused e) {
            return Optional.of(failed(set.qualified(), trigger, started, e.getMessage()));
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("partition job for %s failed: %s", set.qualified(), e.getMessage());
            return Optional.of(failed(set.qualified(), trigger, started, String.valueOf(e.getMessage())));
        } finally {
            if (locked) {
                try {
                    s.unlock(AdvisoryLockKeys.PARTITIONS, set.qualified());
                } catch (SQLException e) {
                    LOG.debugf("set lock of %s not released (%s); it goes with the session", set.qualified(),
                            e.getMessage());
                }
            }
        }
    }

    private JobRecord failed(String parent, String trigger, Instant started, String message) {
        JobRecord r = new JobRecord(parent, trigger, instance, started, Instant.now(), "failed", 0, 0, 0, null, null, null,
                message);
        jobs.record(r);
        return r;
    }

    /** The steps for one set, in order: pending detaches finalized, premake, retention. */
    Plan plan(ActingSession s, PartitionSet set, PartitionedTable table, boolean create, boolean retention, Instant now)
            throws SQLException {
        ColumnType type = checkManageable(table, set.column());
        List<Step> steps = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (PartitionedTable.Partition p : table.partitions()) {
            if (p.detachPending()) {
                steps.add(PartitionPlanner.remove(table, p, retention ? set.retention() : PartitionSet.Retention.DETACH,
                        set.archiveSchema(), s.version(), "a detach of it was interrupted earlier: finalized"));
            }
        }
        if (create) {
            Layout.Premake premake = Layout.premake(table, set, type, now);
            String owner = otherOwner(s, table);
            for (Layout.Range r : premake.missing()) {
                steps.add(PartitionPlanner.create(table, r, owner));
            }
            for (Layout.Conflict c : premake.conflicts()) {
                notes.add("[" + c.range().start() + ", " + c.range().end() + ") is not made: partition " + c.partition()
                        + " (" + c.bound() + ") overlaps it with other bounds");
            }
        }
        if (retention && set.retention() != PartitionSet.Retention.NONE && set.retentionMonths().isPresent()) {
            Layout.Retention r = Layout.retention(table, type, set.zone(), set.retentionMonths().get(), now);
            for (PartitionedTable.Partition p : r.due()) {
                if (!p.detachPending()) {
                    steps.add(PartitionPlanner.remove(table, p, set.retention(), set.archiveSchema(), s.version(),
                            "upper bound at or before the cutoff " + r.cutoff() + " (" + set.retentionMonths().get()
                                    + " months)"));
                }
            }
            notes.addAll(r.kept());
        }
        return new Plan(table, type, List.copyOf(steps), List.copyOf(notes));
    }

    private JobRecord record(ActingSession s, PartitionSet set, Plan plan, List<Step.Outcome> done, String trigger,
                             Instant started) throws SQLException {
        int created = 0;
        int detached = 0;
        int dropped = 0;
        List<String> messages = new ArrayList<>(plan.notes());
        boolean failed = false;
        boolean blocked = !plan.notes().stream().filter(n -> n.contains("overlaps")).toList().isEmpty();
        for (Step.Outcome o : done) {
            if ("ok".equals(o.outcome())) {
                switch (o.action()) {
                    case "create_partition" -> created++;
                    case "drop" -> dropped++;
                    default -> detached++;
                }
            } else {
                failed |= "failed".equals(o.outcome());
                blocked |= "blocked".equals(o.outcome());
                messages.add(o.action() + " " + o.target() + ": " + o.reason());
            }
        }
        PartitionedTable after = read(set.schema(), set.table()).orElse(plan.table());
        Instant now = Instant.now();
        int runway = Layout.runway(after, set, plan.type(), now);
        Long defaultRows = null;
        String newest = null;
        try {
            defaultRows = defaultRows(s, after);
            newest = beyondCurrent(s, after, set, plan.type(), now);
        } catch (SQLException e) {
            // a table someone holds locked: the counts wait for the next run
            messages.add("rows in the default partition and after the current interval not read now (" + e.getMessage()
                    + ")");
            blocked |= LockRetry.lockNotAvailable(e);
        }
        if (newest != null) {
            messages.add("rows dated after the current " + set.interval().label() + " exist already (up to " + newest
                    + "); the runway is counted from now, not from them");
        }
        String outcome = failed ? "failed" : blocked ? "blocked" : "ok";
        JobRecord r = new JobRecord(set.qualified(), trigger, instance, started, now, outcome, created, detached, dropped,
                runway, defaultRows, newest, messages.isEmpty() ? null : String.join("; ", messages));
        jobs.record(r);
        if (!"ok".equals(outcome)) {
            LOG.warnf("partition job for %s ended %s: %s", set.qualified(), outcome, r.message());
        } else if (created + detached + dropped > 0) {
            LOG.infof("partition job for %s: %d created, %d detached, %d dropped", set.qualified(), created, detached,
                    dropped);
        }
        return r;
    }

    /** Rows in the default partition, counted up to the cap; null without a default partition. */
    static Long defaultRows(ActingSession s, PartitionedTable t) throws SQLException {
        Optional<PartitionedTable.Partition> d = t.defaultPartition();
        if (d.isEmpty()) {
            return null;
        }
        return s.count("/* pgsidecar */ SELECT count(*) FROM (SELECT 1 FROM " + PartitionPlanner.q(d.get().schema(),
                d.get().name()) + " LIMIT " + PartitionPlanner.DEFAULT_COUNT_CAP + ") x");
    }

    /** The newest key value after the current interval (future partitions and the default one only): usually none. */
    private static String beyondCurrent(ActingSession s, PartitionedTable t, PartitionSet set, ColumnType type, Instant now)
            throws SQLException {
        LocalDate next = set.interval().next(set.interval().floor(type.day(type.now(now, set.zone()), set.zone())));
        return s.text("/* pgsidecar */ SELECT max(" + Identifiers.quote(t.keyColumn()) + ")::text FROM "
                + PartitionPlanner.q(t.schema(), t.name()) + " WHERE " + Identifiers.quote(t.keyColumn()) + " >= "
                + type.literal(next, set.zone()));
    }

    /** The key type, when the table is range-partitioned on this date or timestamp column and not pg_partman's. */
    static ColumnType checkManageable(PartitionedTable table, String column) {
        if (table.partman()) {
            throw new PartitionExceptions.ManagedByPartman(table.qualified());
        }
        if (!"range".equals(table.strategy())) {
            throw new PartitionExceptions.NotManageable("table " + table.qualified() + " is " + table.strategy()
                    + "-partitioned; only range partitions by a date or timestamp column are managed");
        }
        if (table.keyColumn() == null || !table.keyColumn().equals(column)) {
            throw new PartitionExceptions.NotManageable("table " + table.qualified() + " is range-partitioned by "
                    + (table.keyColumn() == null ? "an expression or several columns" : "column " + table.keyColumn())
                    + ", not by " + column);
        }
        return table.type().orElseThrow(() -> new PartitionExceptions.NotManageable("table " + table.qualified()
                + " is range-partitioned by " + column + " of type " + table.keyType()
                + "; only date, timestamp and timestamptz keys are managed"));
    }

    /** The parent's owner when it is not the agent's role (new partitions are given to it), else null. */
    static String otherOwner(ActingSession s, PartitionedTable t) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(PartitionsQueries.RELKIND)) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && !rs.getString(2).equals(rs.getString(3)) ? rs.getString(2) : null;
            }
        }
    }

    static void refuseStandby(ActingSession s) throws SQLException {
        try (java.sql.Statement st = s.connection().createStatement();
             ResultSet rs = st.executeQuery(PartitionsQueries.SERVER)) {
            rs.next();
            if (rs.getBoolean(2)) {
                throw new ActionExceptions.Refused("read-only: the database is a standby (in recovery)");
            }
        }
    }

    /**
     * The table of a manual call, read under the set's lock (a dry run takes none: it changes nothing),
     * on a primary.
     */
    private PartitionedTable target(ActingSession s, PartitionSet shape, boolean dryRun) throws SQLException {
        refuseStandby(s);
        if (!dryRun && !s.tryLock(AdvisoryLockKeys.PARTITIONS, shape.qualified())) {
            throw PartitionExceptions.busy(shape.qualified());
        }
        return read(shape.schema(), shape.table()).orElseThrow(() ->
                new ActionExceptions.UnknownTable("table " + shape.qualified() + " is not a partitioned table"));
    }

    /**
     * Makes the partitions covering [start, end) of a table, or plans them. Identical partitions are
     * skipped; one in the way with other bounds refuses the whole request before anything is made.
     */
    Result create(PartitionSet shape, LocalDate start, LocalDate end, boolean dryRun) {
        Instant started = Instant.now();
        try (ActingSession s = open()) {
            PartitionedTable table = target(s, shape, dryRun);
            ColumnType type = checkManageable(table, shape.column());
            List<Layout.Range> ranges = Layout.ranges(shape, type, start, end);
            if (ranges.size() > config.maxCreate()) {
                throw new ActionExceptions.BadRequest("the range needs " + ranges.size() + " " + shape.interval().label()
                        + " partitions; at most " + config.maxCreate() + " per call (pgsidecar.partitions.max-create)");
            }
            Layout.Premake p = Layout.classify(table, ranges);
            if (!p.conflicts().isEmpty()) {
                Layout.Conflict c = p.conflicts().get(0);
                throw new PartitionExceptions.Overlap("partition " + c.partition() + " (" + c.bound() + ") overlaps ["
                        + c.range().start() + ", " + c.range().end() + ") with other bounds; nothing was created");
            }
            String owner = otherOwner(s, table);
            List<Step> steps = p.missing().stream().map(r -> PartitionPlanner.create(table, r, owner)).toList();
            List<String> notes = p.present().stream().map(r -> table.schema() + "." + r.name() + " [" + r.start() + ", "
                    + r.end() + ") exists already: skipped").toList();
            refuseWithout(s, table, steps, Optional.empty(), "creating partitions of " + shape.qualified());
            return execute(s, shape.qualified(), steps, notes, null, dryRun, started);
        } catch (SQLException e) {
            throw database.failure(e);
        }
    }

    /** Retention now for one table, or its plan. */
    Result cleanup(PartitionSet shape, int months, boolean dryRun) {
        Instant started = Instant.now();
        try (ActingSession s = open()) {
            PartitionedTable table = target(s, shape, dryRun);
            ColumnType type = checkManageable(table, shape.column());
            Layout.Retention r = Layout.retention(table, type, shape.zone(), months, started);
            List<Step> steps = new ArrayList<>();
            for (PartitionedTable.Partition p : table.partitions()) {
                if (p.detachPending()) {
                    steps.add(PartitionPlanner.remove(table, p, shape.retention(), shape.archiveSchema(), s.version(),
                            "a detach of it was interrupted earlier: finalized"));
                }
            }
            for (PartitionedTable.Partition p : r.due()) {
                if (!p.detachPending()) {
                    steps.add(PartitionPlanner.remove(table, p, shape.retention(), shape.archiveSchema(), s.version(),
                            "upper bound at or before the cutoff " + r.cutoff() + " (" + months + " months)"));
                }
            }
            refuseWithout(s, table, steps, shape.archiveSchema(), "retention of " + shape.qualified());
            return execute(s, shape.qualified(), steps, r.kept(), r.cutoff().toString(), dryRun, started);
        } catch (SQLException e) {
            throw database.failure(e);
        }
    }

    /** 403 before anything runs (and in the dry run) when the acting role lacks a right the steps need. */
    private void refuseWithout(ActingSession s, PartitionedTable table, List<Step> steps, Optional<String> archive,
                               String action) throws SQLException {
        List<Rights.Lack> lacks = lacking(s, table, steps, archive);
        if (!lacks.isEmpty()) {
            throw new NoPermissionException(action, lacks);
        }
    }

    private Result execute(ActingSession s, String table, List<Step> steps, List<String> notes, String cutoff, boolean dryRun,
                           Instant started) {
        if (dryRun) {
            return new Result(table, true, steps.stream().map(Step::planned).toList(), notes, cutoff);
        }
        List<Step.Outcome> done = new ArrayList<>();
        for (Step step : steps) {
            done.add(ddl.run(s, step));
        }
        int created = (int) done.stream().filter(o -> "ok".equals(o.outcome()) && "create_partition".equals(o.action()))
                .count();
        int dropped = (int) done.stream().filter(o -> "ok".equals(o.outcome()) && "drop".equals(o.action())).count();
        int detached = (int) done.stream().filter(o -> "ok".equals(o.outcome())
                && !"create_partition".equals(o.action()) && !"drop".equals(o.action())).count();
        boolean failed = done.stream().anyMatch(o -> "failed".equals(o.outcome()));
        boolean blocked = done.stream().anyMatch(o -> "blocked".equals(o.outcome()));
        List<String> problems = done.stream().filter(o -> !"ok".equals(o.outcome()))
                .map(o -> o.action() + " " + o.target() + ": " + o.reason()).toList();
        jobs.record(new JobRecord(table, "manual", instance, started, Instant.now(), failed ? "failed" : blocked ? "blocked"
                : "ok", created, detached, dropped, null, null, null, problems.isEmpty() ? null : String.join("; ", problems)));
        return new Result(table, false, done, notes, cutoff);
    }
}
