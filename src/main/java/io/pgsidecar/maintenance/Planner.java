package io.pgsidecar.maintenance;

import io.pgsidecar.db.Database;
import io.pgsidecar.db.PoolMetrics;
import io.pgsidecar.db.PoolStats;

import io.pgsidecar.alerts.AlertStore;
import io.pgsidecar.alerts.AlertsConfig;
import io.pgsidecar.audit.AuditConfig;
import io.pgsidecar.audit.AuditLog;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.Need;
import io.pgsidecar.db.QualifiedName;
import io.pgsidecar.db.Rights;
import io.pgsidecar.statements.StatementHistory;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what a run does: the candidates of each task, read from the catalog in a few cheap
 * queries, turned into steps with the exact SQL. Planning changes nothing; a dry run is a plan.
 */
@ApplicationScoped
public class Planner {

    /**
     * One step of a plan: what it acts on, what it does, why it was picked, how it runs, and the right
     * it needs on the acting session (null: none, it reads or works on the agent's own tables).
     */
    record Step(String target, String action, String why, Action run, Need need) {
        Step(String target, String action, String why, Action run) {
            this(target, action, why, run, null);
        }

        Planned view(Long rows, Rights.Lack lack) {
            return new Planned(target, action, run.sql(), why, rows, lack == null ? null : lack.message());
        }
    }

    /** What a run may act on: every candidate, or only the named tables (each with its schema). */
    record Scope(Optional<Set<QualifiedName>> tables) {
        static final Scope ALL = new Scope(Optional.empty());

        boolean covers(String schema, String table) {
            return tables.isEmpty() || tables.get().contains(new QualifiedName(schema, table));
        }
    }

    private final MaintenanceConfig config;
    private final AuditLog audit;
    private final AuditConfig auditConfig;
    private final StatementHistory history;
    private final AlertStore alerts;
    private final AlertsConfig alertsConfig;
    private final RunStore runs;
    private final Database database;
    private final PoolMetrics pool;
    private final String agentSchema;

    public Planner(MaintenanceConfig config, AuditLog audit, AuditConfig auditConfig, StatementHistory history,
                   AlertStore alerts, AlertsConfig alertsConfig, RunStore runs, Database database, PoolMetrics pool,
                   io.pgsidecar.db.DbConfig db) {
        this.agentSchema = db.schema();
        this.database = database;
        this.pool = pool;
        this.config = config;
        this.audit = audit;
        this.auditConfig = auditConfig;
        this.history = history;
        this.alerts = alerts;
        this.alertsConfig = alertsConfig;
        this.runs = runs;
    }

    List<Step> plan(Task task, Connection c, Scope scope) throws SQLException {
        return switch (task) {
            case UPDATE_STATISTICS -> statistics(c, scope);
            case VACUUM -> vacuum(c, scope);
            case MAINTAIN_INDEXES -> indexes(c, scope);
            case CLEANUP_OLD_DATA -> cleanup(c, scope);
            case CONNECTION_HEALTH -> sessions(c);
            case HOUSEKEEPING -> housekeeping();
        };
    }

    /**
     * Whether a candidate is in the agent's own schema, which is no maintenance candidate of its own
     * accord (its housekeeping task keeps it); naming its tables in {@code tables} still reaches them.
     */
    private boolean agents(Scope scope, String schema) {
        return scope.tables().isEmpty() && agentSchema.equals(schema);
    }

    static String qualified(String schema, String name) {
        return Identifiers.quote(schema) + "." + Identifiers.quote(name);
    }

    private List<Step> statistics(Connection c, Scope scope) throws SQLException {
        List<Step> out = new ArrayList<>();
        if (scope.tables().isPresent()) {
            for (QualifiedName t : scope.tables().get()) {
                out.add(analyze(t.schema(), t.name(), "asked for"));
            }
            return out;
        }
        MaintenanceConfig.UpdateStatistics s = config.updateStatistics();
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.ANALYZE_CANDIDATES)) {
            ps.setDouble(1, s.thresholdFactor());
            ps.setDouble(2, s.thresholdFactor());
            ps.setInt(3, s.maxTables());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (agents(scope, rs.getString(1))) {
                        continue;
                    }
                    String why = rs.getBoolean(4) ? "never analyzed"
                            : String.format(Locale.ROOT, "%.0f rows changed since the last analyze (threshold %.0f)",
                            rs.getDouble(3), rs.getDouble(5));
                    out.add(analyze(rs.getString(1), rs.getString(2), why));
                }
            }
        }
        return out;
    }

    private static Step analyze(String schema, String table, String why) {
        String q = qualified(schema, table);
        return new Step(schema + "." + table, "analyze", why, new Action.Sql("/* pgsidecar */ ANALYZE " + q, q),
                Need.on(Need.Kind.VACUUM_ANALYZE, schema, table));
    }

    private List<Step> vacuum(Connection c, Scope scope) throws SQLException {
        MaintenanceConfig.Vacuum v = config.vacuum();
        List<Step> out = new ArrayList<>();
        Set<QualifiedName> seen = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.FREEZE_CANDIDATES)) {
            ps.setDouble(1, v.freezeAgeShare());
            ps.setInt(2, v.maxTables());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (agents(scope, rs.getString(1))) {
                        continue;
                    }
                    if (scope.covers(rs.getString(1), rs.getString(2))
                            && seen.add(new QualifiedName(rs.getString(1), rs.getString(2)))) {
                        String q = qualified(rs.getString(1), rs.getString(2));
                        out.add(new Step(rs.getString(1) + "." + rs.getString(2), "vacuum_freeze",
                                String.format(Locale.ROOT, "age(relfrozenxid) %.0f is past %.0f %% of autovacuum_freeze_max_age",
                                        rs.getDouble(3), v.freezeAgeShare() * 100),
                                new Action.Vacuum("/* pgsidecar */ VACUUM (FREEZE, VERBOSE) " + q, q),
                                Need.on(Need.Kind.VACUUM_ANALYZE, rs.getString(1), rs.getString(2))));
                    }
                }
            }
        }
        if (scope.tables().isPresent()) {
            for (QualifiedName t : scope.tables().get()) {
                if (seen.add(t)) {
                    String q = t.quoted();
                    out.add(new Step(t.toString(), "vacuum", "asked for",
                            new Action.Vacuum("/* pgsidecar */ VACUUM (ANALYZE, VERBOSE) " + q, q),
                            Need.on(Need.Kind.VACUUM_ANALYZE, t.schema(), t.name())));
                }
            }
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.VACUUM_CANDIDATES)) {
            ps.setLong(1, v.minDeadTuples());
            ps.setDouble(2, v.minDeadRatio());
            ps.setInt(3, v.maxTables());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (agents(scope, rs.getString(1))) {
                        continue;
                    }
                    if (seen.add(new QualifiedName(rs.getString(1), rs.getString(2)))) {
                        String q = qualified(rs.getString(1), rs.getString(2));
                        out.add(new Step(rs.getString(1) + "." + rs.getString(2), "vacuum",
                                String.format(Locale.ROOT, "%.0f dead rows", rs.getDouble(3)),
                                new Action.Vacuum("/* pgsidecar */ VACUUM (ANALYZE, VERBOSE) " + q, q),
                                Need.on(Need.Kind.VACUUM_ANALYZE, rs.getString(1), rs.getString(2))));
                    }
                }
            }
        }
        return out;
    }

    private List<Step> indexes(Connection c, Scope scope) throws SQLException {
        MaintenanceConfig.MaintainIndexes m = config.maintainIndexes();
        List<Step> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(MaintenanceQueries.INVALID_INDEXES)) {
            while (rs.next()) {
                if (agents(scope, rs.getString(1))) {
                    continue;
                }
                String schema = rs.getString(1);
                String index = rs.getString(2);
                if (!scope.covers(schema, rs.getString(3))) {
                    continue;
                }
                String q = qualified(schema, index);
                String table = qualified(schema, rs.getString(3));
                String target = schema + "." + index;
                Need own = Need.on(Need.Kind.OWN, schema, rs.getString(3));
                if (rs.getBoolean(5)) {
                    out.add(new Step(target, "drop_index", "invalid leftover of an interrupted concurrent rebuild",
                            new Action.Sql("/* pgsidecar */ DROP INDEX CONCURRENTLY IF EXISTS " + q, table), own));
                    continue;
                }
                String why = (rs.getBoolean(4) ? "invalid unique index" : "invalid index")
                        + " (a failed or interrupted CREATE INDEX CONCURRENTLY)";
                switch (m.invalidAction().toLowerCase(Locale.ROOT)) {
                    case "drop" -> out.add(new Step(target, "drop_index", why,
                            new Action.Sql("/* pgsidecar */ DROP INDEX CONCURRENTLY IF EXISTS " + q, table), own));
                    case "report" -> out.add(new Step(target, "report", why + "; invalid-action is report",
                            new Action.Report("-- " + q + " is invalid; REINDEX INDEX CONCURRENTLY or DROP INDEX CONCURRENTLY")));
                    default -> out.add(new Step(target, "reindex", why,
                            new Action.Sql("/* pgsidecar */ REINDEX INDEX CONCURRENTLY " + q, table,
                                    new String[] {schema, index}), Need.on(Need.Kind.REINDEX, schema, rs.getString(3))));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.BLOATED_INDEXES)) {
            ps.setDouble(1, m.minSize().asLongValue());
            ps.setDouble(2, m.minBloatRatio());
            ps.setInt(3, m.maxIndexes());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (agents(scope, rs.getString(1))) {
                        continue;
                    }
                    if (!scope.covers(rs.getString(1), rs.getString(3)) || out.size() >= m.maxIndexes()) {
                        continue;
                    }
                    String q = qualified(rs.getString(1), rs.getString(2));
                    out.add(new Step(rs.getString(1) + "." + rs.getString(2), "reindex",
                            String.format(Locale.ROOT, "estimated bloat %.0f %% of %.0f MB (statistics estimate)",
                                    rs.getDouble(5) * 100, rs.getDouble(4) / 1048576),
                            new Action.Sql("/* pgsidecar */ REINDEX INDEX CONCURRENTLY " + q,
                                    qualified(rs.getString(1), rs.getString(3)),
                                    new String[] {rs.getString(1), rs.getString(2)}),
                            Need.on(Need.Kind.REINDEX, rs.getString(1), rs.getString(3))));
                }
            }
        }
        return out;
    }

    private List<Step> cleanup(Connection c, Scope scope) throws SQLException {
        List<Step> out = new ArrayList<>();
        Instant cutoffBase = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (CleanupRules.Rule r : CleanupRules.parse(config)) {
            if (!scope.covers(r.schema(), r.table())) {
                continue;
            }
            String target = r.qualified();
            String q = qualified(r.schema(), r.table());
            String kind;
            String type;
            String pk;
            try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.RULE_TARGET)) {
                ps.setString(1, r.column());
                ps.setString(2, r.schema());
                ps.setString(3, r.table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        out.add(new Step(target, "report", "the table does not exist", new Action.Report("-- " + q)));
                        continue;
                    }
                    kind = rs.getString(1);
                    type = rs.getString(2);
                    pk = rs.getString(3);
                }
            }
            if (type == null || !CleanupChecks.isDateType(type)) {
                out.add(new Step(target, "report", type == null ? "column " + r.column() + " does not exist"
                        : "column " + r.column() + " is " + type + ", not a date or timestamp", new Action.Report("-- " + q)));
                continue;
            }
            String cutoff = DateTimeFormatter.ISO_INSTANT.format(cutoffBase.minus(r.olderThan()));
            String col = Identifiers.quote(r.column());
            String where = col + " < '" + cutoff + "'::timestamptz";
            String batch;
            if (pk != null) {
                String k = Identifiers.quote(pk);
                batch = "/* pgsidecar */ DELETE FROM " + q + " WHERE " + k + " = ANY (ARRAY(SELECT " + k + " FROM " + q
                        + " WHERE " + where + " LIMIT " + r.batchSize() + "))";
            } else if ("p".equals(kind)) {
                batch = "/* pgsidecar */ DELETE FROM " + q + " WHERE (tableoid, ctid) IN (SELECT tableoid, ctid FROM " + q
                        + " WHERE " + where + " LIMIT " + r.batchSize() + ")";
            } else {
                batch = "/* pgsidecar */ DELETE FROM " + q + " WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + q
                        + " WHERE " + where + " LIMIT " + r.batchSize() + "))";
            }
            out.add(new Step(target, "delete_batches", "rows with " + r.column() + " older than " + r.olderThan()
                    + " (before " + cutoff + "), " + r.batchSize() + " per batch",
                    new Action.Batches(batch, q, target, "/* pgsidecar */ SELECT count(*) FROM " + q + " WHERE " + where,
                            r.olderThan().toSeconds(), r.batchSize()), Need.on(Need.Kind.DELETE, r.schema(), r.table())));
        }
        return out;
    }

    private List<Step> sessions(Connection c) throws SQLException {
        MaintenanceConfig.ConnectionHealth h = config.connectionHealth();
        Set<String> terminate = new HashSet<>(h.terminateApplications().orElse(List.of()));
        List<Step> out = new ArrayList<>();
        out.add(new Step("pgsidecar pool", "check_pool", "the agent's own pool answers and is not exhausted",
                new Action.Check("/* pgsidecar */ SELECT 1 -- on a connection of the agent's pool", this::checkPool)));
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.STALE_SESSIONS)) {
            ps.setDouble(1, h.idleInTransactionThreshold().toSeconds());
            ps.setDouble(2, h.longTransactionThreshold().toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int pid = rs.getInt(1);
                    String app = rs.getString(2);
                    String state = rs.getString(5);
                    String why = String.format(Locale.ROOT, "%s for %.0f s (transaction open %.0f s), user %s, client %s",
                            state, rs.getDouble(6), rs.getDouble(7), rs.getString(3), rs.getString(4));
                    String target = "pid " + pid + " (" + (app.isEmpty() ? "no application_name" : app) + ")";
                    if (terminate.contains(app)) {
                        // carried out later: the statement re-checks that the pid is still the session
                        // judged here, in the state judged, so a reused pid or a session that moved on
                        // is left alone
                        String sql = "/* pgsidecar */ SELECT pg_catalog.pg_terminate_backend(a.pid) FROM "
                                + "pg_catalog.pg_stat_activity a WHERE a.pid = " + pid + " AND a.backend_start = "
                                + utc(rs.getString(9)) + " AND a.state = " + literal(state)
                                + " AND a.state_change = " + utc(rs.getString(10));
                        out.add(new Step(target, "terminate_session", why, new Action.Terminate(sql, pid, app, why),
                                Need.of(Need.Kind.SIGNAL)));
                    } else {
                        out.add(new Step(target, "report", why + "; its application is not configured for termination",
                                new Action.Report("-- SELECT pg_terminate_backend(" + pid + ")")));
                    }
                }
            }
        }
        return out;
    }

    /** A UTC time as written by the stale-sessions query, as a timestamptz whatever the session's zone and style. */
    private static String utc(String s) {
        return "(" + literal(s) + "::timestamp AT TIME ZONE 'UTC')";
    }

    /** A text as an SQL literal (standard_conforming_strings, on since 9.1); NULL for null. */
    private static String literal(String s) {
        return s == null ? "NULL" : "'" + s.replace("'", "''") + "'";
    }

    /** Borrows a pooled connection (bounded by the acquisition timeout), runs SELECT 1, reads the pool. */
    private String checkPool() {
        long t0 = System.nanoTime();
        database.withConnection(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("/* pgsidecar */ SELECT 1");
            }
            return null;
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        PoolStats p = pool.stats();
        return String.format(Locale.ROOT, "a pooled connection answered in %d ms; %d of %d in use, %d waiting, %d "
                + "leak(s) since start, longest wait %.0f ms", ms, p.active(), p.max(), p.awaiting(), p.leaks(),
                p.acquireMaxSeconds() * 1000);
    }

    private List<Step> housekeeping() {
        return List.of(
                new Step("pgsidecar.statement_history", "prune", "older than the statements' history retention",
                        new Action.Prune("-- statement history and totals past pgsidecar.statements.history-retention",
                                history::prune)),
                new Step("pgsidecar.alerts", "prune", "resolved alerts and ended silences past their retention",
                        new Action.Prune("-- alerts and silences past pgsidecar.alerts.history-retention",
                                () -> alerts.prune(Instant.now().minus(alertsConfig.historyRetention())))),
                new Step("pgsidecar.audit_log", "prune", "audit rows past their retention",
                        new Action.Prune("-- audit rows past pgsidecar.audit.retention",
                                () -> audit.prune(auditConfig.retention()))),
                new Step("pgsidecar.maintenance_runs", "prune", "maintenance runs past their retention",
                        new Action.Prune("-- maintenance runs past pgsidecar.maintenance.history-retention",
                                () -> runs.prune(config.historyRetention()))));
    }
}
