package io.pgsidecar.maintenance;

import io.pgsidecar.db.BatchedPrune;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.Rows;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The maintenance history in the agent's schema: runs and their items. */
@ApplicationScoped
public class RunStore {

    private final Database database;
    private final String schema;

    public RunStore(Database database, DbConfig db) {
        this.database = database;
        this.schema = Identifiers.quote(db.schema());
    }

    private String sql(String template) {
        return template.formatted(schema, RunQueries.COLUMNS);
    }

    /** A new running run; empty when the task already has one (the one-running index said no). */
    Optional<Long> start(Task task, String trigger, String instance, String requestedBy, String reason, int backendPid) {
        try {
            return Optional.of(database.forJob(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.START))) {
                    ps.setString(1, task.label());
                    ps.setString(2, trigger);
                    ps.setString(3, instance);
                    ps.setString(4, requestedBy);
                    ps.setString(5, reason);
                    ps.setInt(6, backendPid);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            }));
        } catch (RuntimeException e) {
            if (e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A run that ended without running anything: missed, or skipped before it began. */
    long record(Task task, String trigger, String instance, Instant at, String outcome, String error) {
        return database.forJob(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.RECORD))) {
                ps.setString(1, task.label());
                ps.setString(2, trigger);
                ps.setString(3, instance);
                ps.setString(4, null);
                ps.setString(5, null);
                ps.setTimestamp(6, Timestamp.from(at));
                ps.setString(7, outcome);
                ps.setString(8, error);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    void item(long runId, MaintenanceRun.Item i) {
        database.forJob(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.ITEM))) {
                ps.setLong(1, runId);
                ps.setInt(2, i.seq());
                ps.setString(3, i.target());
                ps.setString(4, i.action());
                ps.setString(5, i.sql());
                ps.setTimestamp(6, i.startedAt() == null ? null : Timestamp.from(i.startedAt()));
                setLong(ps, 7, i.durationMs());
                setLong(ps, 8, i.rowsAffected());
                ps.setString(9, i.outcome());
                ps.setString(10, i.reason());
                return ps.executeUpdate();
            }
        });
    }

    void finish(long runId, String outcome, String error, int done, int skipped, int failed) {
        database.forJob(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.FINISH))) {
                ps.setString(1, outcome);
                ps.setString(2, error);
                ps.setInt(3, done);
                ps.setInt(4, skipped);
                ps.setInt(5, failed);
                ps.setLong(6, runId);
                return ps.executeUpdate();
            }
        });
    }

    void heartbeat(List<Long> runIds) {
        if (runIds.isEmpty()) {
            return;
        }
        database.forJob(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.HEARTBEAT))) {
                ps.setArray(1, c.createArrayOf("bigint", runIds.toArray(Long[]::new)));
                return ps.executeUpdate();
            }
        });
    }

    Optional<MaintenanceRun> running(Task task) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.RUNNING))) {
                ps.setString(1, task.label());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(run(rs)) : Optional.<MaintenanceRun>empty();
                }
            }
        });
    }

    /** Running runs whose heartbeat is older than {@code silence} by the server's clock. */
    List<MaintenanceRun> orphaned(Duration silence) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.ORPHANED))) {
                ps.setDouble(1, silence.toMillis() / 1000.0);
                return runs(ps);
            }
        });
    }

    List<MaintenanceRun> allRunning() {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.ALL_RUNNING))) {
                return runs(ps);
            }
        });
    }

    public Optional<MaintenanceRun.Detail> get(long id) {
        return database.withConnection(c -> {
            MaintenanceRun run;
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.GET))) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<MaintenanceRun.Detail>empty();
                    }
                    run = run(rs);
                }
            }
            List<MaintenanceRun.Item> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.ITEMS))) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Timestamp started = rs.getTimestamp(5);
                        items.add(new MaintenanceRun.Item(rs.getInt(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), started == null ? null : started.toInstant(), Rows.longOrNull(rs, 6),
                                Rows.longOrNull(rs, 7), rs.getString(8), rs.getString(9)));
                    }
                }
            }
            return Optional.of(new MaintenanceRun.Detail(run, List.copyOf(items)));
        });
    }

    public List<MaintenanceRun> list(Optional<Task> task, Optional<String> outcome, int limit) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.LIST))) {
                String t = task.map(Task::label).orElse(null);
                ps.setString(1, t);
                ps.setString(2, t);
                ps.setString(3, outcome.orElse(null));
                ps.setString(4, outcome.orElse(null));
                ps.setInt(5, limit);
                return runs(ps);
            }
        });
    }

    /** The latest run of each task that has one. */
    Map<Task, MaintenanceRun> latest() {
        return database.withConnection(c -> {
            Map<Task, MaintenanceRun> out = new EnumMap<>(Task.class);
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.LATEST))) {
                for (MaintenanceRun r : runs(ps)) {
                    Task.parse(r.task()).ifPresent(t -> out.put(t, r));
                }
            }
            return out;
        });
    }

    /** When each task last ended well (ok or partial). */
    /** When each task last ended well, and when it last ended badly, whichever agent ran it. */
    Endings endings() {
        return database.withConnection(c -> {
            Map<Task, Instant> success = new EnumMap<>(Task.class);
            Map<Task, Instant> failure = new EnumMap<>(Task.class);
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.LAST_ENDINGS));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Optional<Task> task = Task.parse(rs.getString(1));
                    Timestamp ok = rs.getTimestamp(2);
                    Timestamp bad = rs.getTimestamp(3);
                    if (task.isPresent() && ok != null) {
                        success.put(task.get(), ok.toInstant());
                    }
                    if (task.isPresent() && bad != null) {
                        failure.put(task.get(), bad.toInstant());
                    }
                }
            }
            return new Endings(success, failure);
        });
    }

    /** Per task, the end of its last good run and of its last failed or interrupted one. */
    record Endings(Map<Task, Instant> success, Map<Task, Instant> failure) {
        static final Endings NONE = new Endings(Map.of(), Map.of());
    }

    /** Marks a run as asked to stop; returns its session's pid when it is still running. */
    /** A running run's session: its pid, and a server time at which it was alive (the run's start). */
    record SessionOf(int pid, java.time.OffsetDateTime startedAt) {
    }

    Optional<SessionOf> requestCancel(long id) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.REQUEST_CANCEL))) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    Integer pid = rs.next() ? Rows.intOrNull(rs, 1) : null;
                    return pid == null ? Optional.<SessionOf>empty()
                            : Optional.of(new SessionOf(pid, rs.getObject(2, java.time.OffsetDateTime.class)));
                }
            }
        });
    }

    boolean cancelRequested(long id) {
        return get(id).map(d -> d.run().cancelRequested()).orElse(false);
    }

    /**
     * Marks a running run interrupted if its heartbeat is still older than {@code silence} by the
     * server's clock (it may have beaten since it was read); false when it was not.
     */
    boolean interrupted(long id, String why, Duration silence) {
        return database.forJob(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql(RunQueries.INTERRUPTED))) {
                ps.setString(1, why);
                ps.setLong(2, id);
                ps.setDouble(3, silence.toMillis() / 1000.0);
                return ps.executeUpdate();
            }
        }) > 0;
    }

    /** Deletes ended runs older than {@code retention}, in batches; returns how many went. */
    int prune(Duration retention) {
        return BatchedPrune.run(database, sql(RunQueries.PRUNE), (double) retention.toSeconds());
    }

    private static List<MaintenanceRun> runs(PreparedStatement ps) throws SQLException {
        List<MaintenanceRun> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(run(rs));
            }
        }
        return out;
    }

    private static MaintenanceRun run(ResultSet rs) throws SQLException {
        Instant started = instant(rs, "started_at");
        Instant finished = instant(rs, "finished_at");
        return new MaintenanceRun(rs.getLong("id"), rs.getString("task"), rs.getString("trigger"),
                rs.getString("instance"), rs.getString("requested_by"), rs.getString("reason"), started, finished,
                rs.getString("outcome"), rs.getString("error"), rs.getInt("items_done"), rs.getInt("items_skipped"),
                rs.getInt("items_failed"), Rows.intOrNull(rs, rs.findColumn("backend_pid")),
                instant(rs, "heartbeat_at"), rs.getBoolean("cancel_requested"),
                finished == null || started == null ? null : (finished.toEpochMilli() - started.toEpochMilli()) / 1000.0);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }
}
