package io.pgsidecar.plans;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the agent can see that may have changed a plan, read from the catalog when the change is
 * recorded: an index of the plan's relations dropped, invalid or new; statistics refreshed since the
 * old plan was last seen, or stale; a planner setting changed since the previous run. Each cause
 * that has an action names it, with its dry run.
 */
final class PlanCauses {

    /** The settings that change plans. */
    static final List<String> SETTINGS = List.of("enable_bitmapscan", "enable_hashjoin", "enable_indexscan",
            "enable_indexonlyscan", "enable_mergejoin", "enable_nestloop", "enable_seqscan", "enable_sort",
            "random_page_cost", "seq_page_cost", "effective_cache_size", "work_mem", "cpu_tuple_cost",
            "cpu_index_tuple_cost", "cpu_operator_cost", "default_statistics_target", "plan_cache_mode", "jit");

    /** A stale table: this share of its rows changed since its last analyze. */
    static final double STALE = 0.2;

    /**
     * One likely cause.
     *
     * @param action what to do about it through the agent, with its dry run; null when nothing is to be done
     */
    record Cause(String kind, String relation, String detail, String action) {
    }

    static final String INDEX = """
            /* pgsidecar */
            SELECT c.oid IS NOT NULL AS present, coalesce(i.indisvalid, true) AS valid
              FROM (SELECT pg_catalog.to_regclass(?) AS oid) r
              LEFT JOIN pg_catalog.pg_class c ON c.oid = r.oid
              LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
            """;

    static final String TABLE = """
            /* pgsidecar */
            SELECT greatest(s.last_analyze, s.last_autoanalyze) AS analyzed, s.n_mod_since_analyze,
                   greatest(c.reltuples, 0)::float8 AS tuples
              FROM pg_catalog.pg_stat_user_tables s
              JOIN pg_catalog.pg_class c ON c.oid = s.relid
             WHERE s.relid = pg_catalog.to_regclass(?)
            """;

    /** The estimated rows of each relation named. $1: the names. */
    static final String SIZES = """
            /* pgsidecar */
            SELECT r.name, greatest(c.reltuples, 0)::float8
              FROM pg_catalog.unnest(?::text[]) AS r(name)
              JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(r.name)
            """;

    /** The agent's latest build of an index of this name ({@code %1$s}: the agent's schema). $1: the name. */
    static final String BUILD = """
            /* pgsidecar */
            SELECT id, state, ended_at, statement FROM %1$s.index_builds
             WHERE index_name = ? ORDER BY requested_at DESC LIMIT 1
            """;

    /** A table grew past this: twice its rows, and at least this many more. */
    static final double GROWTH = 2.0;
    static final long GROWTH_MIN_ROWS = 10_000;

    static final String SETTING_VALUES = """
            /* pgsidecar */
            SELECT name, setting FROM pg_catalog.pg_settings WHERE name = ANY (?)
            """;

    private PlanCauses() {
    }

    /** The planner settings now. */
    static Map<String, String> settings(Connection c) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(SETTING_VALUES)) {
            ps.setArray(1, c.createArrayOf("text", SETTINGS.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /**
     * The causes of a change from {@code before} to {@code after}, the old shape last seen at
     * {@code since}, the settings then and now.
     */
    static List<Cause> find(Connection c, String agentSchema, List<String> before, List<String> after, Instant since,
                            Map<String, String> settingsThen, Map<String, String> settingsNow,
                            Map<String, Double> sizesThen, Map<String, Double> sizesNow) throws SQLException {
        List<Cause> out = new ArrayList<>();
        Map<String, String> indexesBefore = indexes(before);
        Map<String, String> indexesAfter = indexes(after);
        for (Map.Entry<String, String> e : indexesBefore.entrySet()) {
            String index = e.getKey();
            String table = e.getValue();
            String qualified = schemaOf(table) == null ? index : schemaOf(table) + "." + index;
            boolean[] state = index(c, qualified);
            if (!state[0]) {
                String[] build = build(c, agentSchema, index);
                out.add(new Cause("index_dropped", table, "index " + qualified + " on " + table + ", which the "
                        + "old plan used, was dropped", build == null ? "create it again: POST /api/v1/admin/database/"
                        + "indexes/create (dry_run first), or read the index analysis' recommendations"
                        : "create it again as the agent built it (build " + build[0] + "): POST /api/v1/admin/database/"
                        + "indexes/create {\"sql_statement\": \"" + build[3].replace("\"", "\\\"") + "\", \"dry_run\": true}"));
            } else if (!state[1]) {
                out.add(new Cause("index_invalid", table, "index " + qualified + " on " + table + " is invalid (a "
                        + "failed concurrent build or reindex)", "rebuild it: POST /api/v1/admin/database/maintenance/"
                        + "tasks/maintain_indexes/run {\"dry_run\": true}"));
            }
        }
        for (Map.Entry<String, String> e : indexesAfter.entrySet()) {
            if (!indexesBefore.containsKey(e.getKey())) {
                String[] build = build(c, agentSchema, e.getKey());
                out.add(new Cause("index_new", e.getValue(), "index " + e.getKey() + " on " + e.getValue()
                        + " is used by the new plan and not by the old one" + (build == null || build[2] == null ? ""
                        : " (built by pgsidecar at " + build[2] + ", build " + build[0] + ")"), null));
            }
        }
        Set<String> relations = new LinkedHashSet<>();
        PlanShape.accesses(before).forEach(a -> relations.add(a.relation()));
        PlanShape.accesses(after).forEach(a -> relations.add(a.relation()));
        for (String rel : relations) {
            try (PreparedStatement ps = c.prepareStatement(TABLE)) {
                ps.setString(1, rel);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        continue;
                    }
                    java.sql.Timestamp analyzed = rs.getTimestamp(1);
                    long modified = rs.getLong(2);
                    double tuples = rs.getDouble(3);
                    String analyze = "ANALYZE it: POST /api/v1/admin/database/maintenance/tasks/update_statistics/run "
                            + "{\"tables\": [\"" + rel + "\"], \"dry_run\": true}";
                    if (analyzed != null && since != null && !analyzed.toInstant().isBefore(since)) {
                        out.add(new Cause("statistics_refreshed", rel, "the statistics of " + rel + " were refreshed at "
                                + analyzed.toInstant() + ", after the old plan was last seen", null));
                    }
                    if (tuples > 0 && modified > STALE * tuples) {
                        out.add(new Cause("statistics_stale", rel, "the statistics of " + rel + " are stale: " + modified
                                + " rows changed since its last analyze, of about " + (long) tuples, analyze));
                    }
                }
            }
        }
        for (Map.Entry<String, Double> e : sizesNow.entrySet()) {
            Double then = sizesThen.get(e.getKey());
            double now = e.getValue();
            if (then != null && now >= GROWTH * then && now - then >= GROWTH_MIN_ROWS) {
                out.add(new Cause("table_grew", e.getKey(), e.getKey() + " grew from about " + then.longValue() + " to "
                        + (long) now + " rows since the old plan was recorded", "ANALYZE it if its statistics lag: POST "
                        + "/api/v1/admin/database/maintenance/tasks/update_statistics/run {\"tables\": [\"" + e.getKey()
                        + "\"], \"dry_run\": true}"));
            }
        }
        if (settingsThen != null) {
            for (String name : SETTINGS) {
                String then = settingsThen.get(name);
                String now = settingsNow.get(name);
                if (then != null && now != null && !then.equals(now)) {
                    out.add(new Cause("setting_changed", null, "the setting " + name + " changed from " + then + " to "
                            + now, null));
                }
            }
        }
        return out;
    }

    /** The estimated rows of the relations a shape reads, now. */
    static Map<String, Double> sizes(Connection c, List<String> lines) throws SQLException {
        Map<String, Double> out = new java.util.TreeMap<>();
        List<String> names = PlanShape.accesses(lines).stream().map(PlanShape.Access::relation).distinct().toList();
        if (names.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(SIZES)) {
            ps.setArray(1, c.createArrayOf("text", names.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getDouble(2));
                }
            }
        }
        return out;
    }

    /** The agent's latest build of an index of this name: id, state, ended at, statement; or null. */
    private static String[] build(Connection c, String agentSchema, String index) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BUILD.formatted(agentSchema))) {
            ps.setString(1, index);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                java.sql.Timestamp ended = rs.getTimestamp(3);
                return new String[] {rs.getString(1), rs.getString(2), ended == null ? null : ended.toInstant().toString(),
                        rs.getString(4)};
            }
        }
    }

    private static boolean[] index(Connection c, String qualified) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INDEX)) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new boolean[] {rs.getBoolean(1), rs.getBoolean(2)};
            }
        }
    }

    /** The indexes a shape uses, with the relation each is on. */
    static Map<String, String> indexes(List<String> lines) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (PlanShape.Access a : PlanShape.accesses(lines)) {
            int using = a.path().indexOf(" using ");
            if (using >= 0) {
                out.put(a.path().substring(using + 7), a.relation());
            }
        }
        return out;
    }

    private static String schemaOf(String relation) {
        int dot = relation.indexOf('.');
        return dot < 0 ? null : relation.substring(0, dot);
    }
}
