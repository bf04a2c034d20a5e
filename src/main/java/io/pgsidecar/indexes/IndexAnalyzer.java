package io.pgsidecar.indexes;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.maintenance.MaintenanceQueries;
import io.pgsidecar.replicas.IndexScans;
import io.pgsidecar.replicas.ReplicaMonitor;
import io.pgsidecar.statements.NotExplainableException;
import io.pgsidecar.statements.PlanService;
import io.pgsidecar.statements.PlannerSessions;
import io.pgsidecar.statements.PlanningSession;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * One index analysis: reads the catalog once, the top statements' generic plans, the replicas'
 * scans, and (with HypoPG installed) proves each candidate with a hypothetical index on the
 * statements it should help. Runs on one pooled session; every hypothetical index and prepared
 * statement it made is gone from that session when it returns.
 */
@ApplicationScoped
public class IndexAnalyzer {

    private static final Logger LOG = Logger.getLogger(IndexAnalyzer.class);
    /** A rough in-cache sequential scan: ms per 8 KiB page and per row (the estimate of an FK check's cost). */
    static final double SEQ_MS_PER_PAGE = 0.01;
    static final double SEQ_MS_PER_ROW = 0.0002;
    private static final int LARGEST = 50;
    private static final int QUERY_TEXT = 200;

    /** A table's figures from the catalog and the cumulative statistics. */
    record TableStat(String schema, String name, String kind, double rows, long bytes, long writes,
                     long updatesDeletes, long pages) {
    }

    /** A candidate being assembled from plans and foreign keys. */
    static final class Candidate {
        final String schema;
        final String table;
        final List<String> columns;
        final List<Boolean> descending;
        final List<String> nulls;
        final IndexDefinition.Predicate where;
        final Map<String, Helped> statements = new LinkedHashMap<>();
        String foreignKey;
        boolean fromPlan;
        double fkMsPerHour;
        String fkProbe;

        Candidate(String schema, String table, List<String> columns, List<Boolean> descending,
                  IndexDefinition.Predicate where) {
            this(schema, table, columns, descending, java.util.Collections.nCopies(columns.size(), null), where);
        }

        Candidate(String schema, String table, List<String> columns, List<Boolean> descending, List<String> nulls,
                  IndexDefinition.Predicate where) {
            this.schema = schema;
            this.table = table;
            this.columns = columns;
            this.descending = descending;
            this.nulls = nulls;
            this.where = where;
        }

        String key() {
            return schema + "." + table + "|" + columns + "|" + descending + "|" + nulls + "|"
                    + (where == null ? "" : where.toSql());
        }

        IndexDefinition definition() {
            List<IndexDefinition.Key> keys = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                keys.add(new IndexDefinition.Key(columns.get(i), null, descending.get(i), nulls.get(i), null));
            }
            return new IndexDefinition(schema, table, null, false, "btree", keys, List.of(), where);
        }
    }

    /** A top statement that was planned: the text planned and its cost without any new index. */
    record Planned(long queryid, String body, double cost) {
    }

    /** A statement the candidate helps: its time and, for the planner's view, its plan text and share. */
    record Helped(long queryid, String query, String body, double msPerHour, double callsPerHour, double share) {
    }

    private final IndexesConfig config;
    private final Database database;
    private final PlanService plans;
    private final PlannerSessions planners;
    private final ReplicaMonitor replicas;
    private final BuildStore builds;
    private final Clock clock;
    private final String schema;
    private final String schemaLiteral;
    private final Duration poolStatementTimeout;

    public IndexAnalyzer(IndexesConfig config, Database database, PlanService plans, PlannerSessions planners,
                         ReplicaMonitor replicas, BuildStore builds, Clock clock, DbConfig db) {
        this.planners = planners;
        this.config = config;
        this.database = database;
        this.plans = plans;
        this.replicas = replicas;
        this.builds = builds;
        this.clock = clock;
        this.schema = Identifiers.quote(db.schema());
        this.schemaLiteral = db.schema().replace("'", "''");
        this.poolStatementTimeout = db.statementTimeout();
    }

    /** The catalog reads' statement_timeout: the configured one, never above the pool's (its sockets time out after that). */
    Duration catalogTimeout() {
        return config.statementTimeout().compareTo(poolStatementTimeout) < 0 ? config.statementTimeout()
                : poolStatementTimeout;
    }

    /** Runs the analysis now. */
    IndexAnalysis analyze() {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Map<String, Optional<IndexScans>> asked = replicas.config().list().isEmpty() ? Map.of()
                : replicas.indexScans(config.statementTimeout());
        Map<String, Map<String, Long>> replicaScans = new LinkedHashMap<>();
        List<String> unreachable = new ArrayList<>();
        double[] youngestReplica = {Double.MAX_VALUE};
        asked.forEach((name, scans) -> {
            if (scans.isPresent()) {
                replicaScans.put(name, scans.get().scans());
                youngestReplica[0] = Math.min(youngestReplica[0], scans.get().statsAgeSeconds());
            } else {
                unreachable.add(name);
            }
        });
        // a job's connection: the analysis may take longer than a request's bound (forJob waits for a
        // connection like a request, then is bounded by each statement's timeout)
        // a planning session of its own (PlannerSessions): the analysis plans the top statements' texts
        IndexAnalysis a = planners.run(s -> analyze(s, replicaScans, unreachable, youngestReplica[0], started));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new IndexAnalysis(a.computedAt(), 0, false, a.note(), ms, a.statsSince(), a.hypopg(),
                List.copyOf(asked.keySet()), List.copyOf(unreachable), a.recommendations(), a.usageStats(),
                a.unusedIndexes(), a.duplicateIndexes(), a.invalidIndexes(), a.bloatedIndexes(), a.maintenancePlan(),
                a.recentBuilds(), a.skipped());
    }

    private IndexAnalysis analyze(PlanningSession session, Map<String, Map<String, Long>> replicaScans,
                                  List<String> unreachable, double replicaStatsSeconds, Instant started)
            throws SQLException {
        Connection c = session.connection();
        Instant statsSince;
        String hypopg;
        List<CatalogIndex> indexes;
        Map<String, TableStat> tables;
        List<String[]> fks;
        List<IndexAnalysis.Bloated> bloated;
        List<long[]> top = new ArrayList<>();
        double coveredSeconds;
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("/* pgsidecar */ SET TRANSACTION READ ONLY");
            s.execute("/* pgsidecar */ SET LOCAL statement_timeout = " + catalogTimeout().toMillis());
            try (ResultSet rs = s.executeQuery(IndexesQueries.STATS_SINCE)) {
                rs.next();
                statsSince = rs.getTimestamp(1).toInstant();
                hypopg = rs.getString(5) != null ? "installed" : rs.getBoolean(6) ? "not_installed" : "not_available";
            }
            indexes = indexes(s);
            tables = tables(s);
            fks = foreignKeys(s);
            bloated = bloated(c);
            try (PreparedStatement ps = c.prepareStatement(IndexesQueries.TOP_STATEMENTS.formatted(schema))) {
                ps.setDouble(1, config.historyWindow().toSeconds());
                ps.setInt(2, config.topStatements());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        top.add(new long[] {rs.getLong(1), Double.doubleToLongBits(rs.getDouble(2)),
                                Double.doubleToLongBits(rs.getDouble(3))});
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(IndexesQueries.COVERED_SECONDS.formatted(schema))) {
                ps.setDouble(1, config.historyWindow().toSeconds());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    coveredSeconds = rs.getDouble(1);
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        if ("not_installed".equals(hypopg) && config.hypopg().createExtension()) {
            try (Statement s = c.createStatement()) {
                s.execute(IndexesQueries.HYPO_EXTENSION);
                hypopg = "installed";
                LOG.infof("created extension hypopg (pgsidecar.indexes.hypopg.create-extension)");
            } catch (SQLException e) {
                LOG.warnf("CREATE EXTENSION hypopg failed: %s", e.getMessage());
            }
        }
        Map<String, List<CatalogIndex>> byTable = new HashMap<>();
        for (CatalogIndex i : indexes) {
            byTable.computeIfAbsent(i.qualifiedTable(), k -> new ArrayList<>()).add(i);
        }
        double statsSeconds = Math.max(1, Duration.between(statsSince, started).toSeconds());
        double rateSeconds = Math.max(60, statsSeconds); // rates over at least a minute

        List<String> skipped = new ArrayList<>();
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        Map<Long, Planned> planned = new LinkedHashMap<>();
        double perHour = coveredSeconds > 0 ? 3600 / coveredSeconds : 0;
        Map<Long, String> texts = plans.texts(c, top.stream().map(t -> t[0]).toList());
        plans.prepare(session, texts.keySet());
        for (long[] t : top) {
            fromPlan(session, t[0], texts.get(t[0]), Double.longBitsToDouble(t[1]) * perHour,
                    Double.longBitsToDouble(t[2]) * perHour, tables, byTable, candidates, skipped, planned);
        }
        Map<String, List<List<String>>> fkColumns = new HashMap<>();
        for (String[] fk : fks) {
            fkColumns.computeIfAbsent(fk[1] + "." + fk[2], k -> new ArrayList<>()).add(List.of(fk[3].split("\u0000")));
            fromForeignKey(fk, tables, byTable, candidates, rateSeconds);
        }
        consolidate(candidates);

        List<IndexAnalysis.Recommendation> recommendations = new ArrayList<>();
        boolean validate = "installed".equals(hypopg);
        try {
            for (Candidate cand : candidates.values()) {
                IndexAnalysis.Recommendation r = recommend(session, cand, tables, validate, rateSeconds, hypopg, planned);
                if (!validate || r.validated() || cand.foreignKey != null) {
                    recommendations.add(r); // with HypoPG, a plan candidate it did not prove is dropped
                }
            }
        } finally {
            if (validate) {
                reset(c);
            }
        }
        recommendations.sort(Comparator.comparingDouble(IndexAnalysis.Recommendation::msPerHourSaved).reversed());

        String note = null;
        List<IndexAnalysis.Unused> unused = List.of();
        String unusedCheck = "ok";
        if (!unreachable.isEmpty()) {
            unusedCheck = "replica_unreachable";
            note = "unused indexes are not listed: replica(s) " + String.join(", ", unreachable) + " did not answer, "
                    + "and an index scanned only there is not unused";
        } else if (Math.min(statsSeconds, replicaStatsSeconds) < config.unusedMinStatisticsAge().toSeconds()) {
            unusedCheck = "insufficient_data";
            note = "unused indexes are not listed: the statistics " + (statsSeconds < replicaStatsSeconds
                    ? "count since " + statsSince : "of a replica count for " + Math.round(replicaStatsSeconds) + " s")
                    + " (less than " + config.unusedMinStatisticsAge() + ", pgsidecar.indexes.unused-min-statistics-age)";
        } else {
            unused = IndexChecks.unused(indexes, replicaScans, config.unusedMinSize().asLongValue(), fkColumns);
        }
        List<IndexAnalysis.Duplicate> duplicates = IndexChecks.duplicates(indexes);
        List<IndexAnalysis.Invalid> invalid = IndexChecks.invalid(indexes);
        IndexAnalysis.UsageStats usage = usage(indexes, replicaScans, unused, statsSince, statsSeconds, unusedCheck);
        List<IndexAnalysis.PlanStep> plan = plan(recommendations, unused, duplicates, invalid, bloated);
        List<IndexAnalysis.Build> recent = builds(c, indexes);
        return new IndexAnalysis(started, 0, false, note, 0, statsSince, hypopg, List.of(), unreachable,
                recommendations, usage, unused, duplicates, invalid, bloated, plan, recent, skipped);
    }

    // ----------------------------------------------------------------------------- the catalog

    private List<CatalogIndex> indexes(Statement s) throws SQLException {
        List<CatalogIndex> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(IndexesQueries.INDEXES.formatted(schemaLiteral))) {
            while (rs.next()) {
                Array cols = rs.getArray(13);
                List<String> columns = Arrays.asList((String[]) cols.getArray());
                out.add(new CatalogIndex(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getString(6), rs.getBoolean(7), rs.getBoolean(8), rs.getBoolean(9),
                        rs.getBoolean(10), rs.getInt(11), columns, CatalogIndex.words(rs.getString(14)),
                        CatalogIndex.words(rs.getString(15)), CatalogIndex.words(rs.getString(16)), rs.getString(17),
                        rs.getString(18), rs.getLong(19), rs.getLong(20), rs.getLong(21), rs.getBoolean(22),
                        rs.getString(23), rs.getBoolean(24)));
            }
        }
        return out;
    }

    private Map<String, TableStat> tables(Statement s) throws SQLException {
        Map<String, TableStat> out = new HashMap<>();
        try (ResultSet rs = s.executeQuery(IndexesQueries.TABLES.formatted(schemaLiteral))) {
            while (rs.next()) {
                TableStat t = new TableStat(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(9));
                out.put(t.schema() + "." + t.name(), t);
            }
        }
        return out;
    }

    private List<String[]> foreignKeys(Statement s) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(IndexesQueries.FOREIGN_KEYS.formatted(schemaLiteral))) {
            while (rs.next()) {
                String[] cols = (String[]) rs.getArray(4).getArray();
                out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), String.join("\u0000", cols),
                        rs.getString(5), rs.getString(6)});
            }
        }
        return out;
    }

    private List<IndexAnalysis.Bloated> bloated(Connection c) throws SQLException {
        List<IndexAnalysis.Bloated> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.BLOATED_INDEXES)) {
            ps.setDouble(1, config.bloatMinSize().asLongValue());
            ps.setDouble(2, config.bloatMinRatio());
            ps.setInt(3, LARGEST);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String index = rs.getString(1) + "." + rs.getString(2);
                    out.add(new IndexAnalysis.Bloated(index, rs.getString(1) + "." + rs.getString(3),
                            (long) rs.getDouble(4), Math.round(rs.getDouble(5) * 1000) / 1000.0,
                            "REINDEX INDEX CONCURRENTLY " + IndexDefinition.quote(rs.getString(1)) + "."
                                    + IndexDefinition.quote(rs.getString(2))));
                }
            }
        }
        return out;
    }

    // ----------------------------------------------------------------------------- candidates

    private void fromPlan(PlanningSession session, long queryid, String query, double msPerHour, double callsPerHour,
                          Map<String, TableStat> tables, Map<String, List<CatalogIndex>> byTable,
                          Map<String, Candidate> candidates, List<String> skipped, Map<Long, Planned> planned) {
        String body;
        JsonNode explain;
        if (query == null) {
            skipped.add(queryid + ": its text is no longer in pg_stat_statements");
            return;
        }
        try {
            if (query.startsWith("/* pgsidecar */")) {
                return; // the agent's own statements: catalog reads, nothing of the application's
            }
            body = plans.body(queryid, query);
            explain = plans.generic(session, queryid, body).explain();
        } catch (NotExplainableException | SQLException e) {
            skipped.add(queryid + ": " + e.getMessage());
            return;
        }
        double root = explain.path(0).path("Plan").path("Total Cost").asDouble();
        planned.put(queryid, new Planned(queryid, body, root));

        for (PlanReader.Access a : PlanReader.read(explain)) {
            TableStat t = tables.get(a.schema() + "." + a.table());
            if (t == null || t.rows() < config.minTableRows()) {
                continue; // small, or not the application's table
            }
            boolean seq = "Seq Scan".equals(a.nodeType()) || "Join".equals(a.nodeType());
            if (!seq && a.sort().isEmpty()) {
                continue; // an index serves it already
            }
            List<String> columns = new ArrayList<>(a.equality());
            List<Boolean> desc = new ArrayList<>();
            List<String> nulls = new ArrayList<>();
            a.equality().forEach(x -> {
                desc.add(false);
                nulls.add(null);
            });
            List<PlanReader.SortKey> tail = new ArrayList<>();
            if (!a.sort().isEmpty()) {
                for (PlanReader.SortKey k : a.sort()) {
                    if (!columns.contains(k.column())) {
                        tail.add(k);
                    }
                }
            } else if (!a.range().isEmpty()) {
                String r = a.range().get(0);
                if (!columns.contains(r)) {
                    tail.add(new PlanReader.SortKey(r, false));
                }
            }
            for (PlanReader.SortKey k : tail) {
                columns.add(k.column());
                desc.add(k.descending());
                nulls.add(k.nulls());
            }
            List<IndexDefinition.Predicate> constant = a.constant().stream()
                    .filter(p -> p.columns().stream().noneMatch(columns::contains)).toList();
            if (columns.isEmpty()) {
                continue;
            }
            IndexDefinition.Predicate where = constant.isEmpty() ? null
                    : constant.size() == 1 ? constant.get(0) : new IndexDefinition.And(constant);
            Set<String> eq = new LinkedHashSet<>(a.equality());
            if (IndexChecks.covered(byTable.getOrDefault(t.schema() + "." + t.name(), List.of()), eq, tail,
                    where == null ? null : "(" + where.toSql() + ")")) { // as pg_get_expr prints a predicate
                continue;
            }
            Candidate made = new Candidate(t.schema(), t.name(), List.copyOf(columns), List.copyOf(desc),
                    java.util.Collections.unmodifiableList(new ArrayList<>(nulls)), where);
            Candidate cand = candidates.computeIfAbsent(made.key(), k -> made);
            cand.fromPlan = true;
            double share = root > 0 ? Math.min(1, a.nodeCost() / root) : 0;
            cand.statements.putIfAbsent(Long.toString(queryid), new Helped(queryid, cut(query), body, msPerHour,
                    callsPerHour, share));
        }
    }

    private void fromForeignKey(String[] fk, Map<String, TableStat> tables, Map<String, List<CatalogIndex>> byTable,
                                Map<String, Candidate> candidates, double statsSeconds) {
        String qualified = fk[1] + "." + fk[2];
        List<String> columns = List.of(fk[3].split("\u0000"));
        if (IndexChecks.startingWith(byTable.getOrDefault(qualified, List.of()), columns).isPresent()) {
            return;
        }
        TableStat child = tables.get(qualified);
        TableStat parent = tables.get(fk[4] + "." + fk[5]);
        if (child == null || "p".equals(child.kind())) {
            return; // a partitioned table's key: each partition's index is what counts
        }
        Candidate found = null;
        for (Candidate c : candidates.values()) {
            if (c.schema.equals(fk[1]) && c.table.equals(fk[2]) && c.where == null
                    && c.columns.size() >= columns.size()
                    && Set.copyOf(c.columns.subList(0, columns.size())).equals(Set.copyOf(columns))) {
                found = c;
                break;
            }
        }
        if (found == null) {
            found = new Candidate(fk[1], fk[2], columns, columns.stream().map(x -> false).toList(), null);
            candidates.put(found.key(), found);
        }
        found.foreignKey = fk[0];
        double parentChangesPerHour = parent == null ? 0 : parent.updatesDeletes() * 3600.0 / statsSeconds;
        double scanMs = child.pages() * SEQ_MS_PER_PAGE + child.rows() * SEQ_MS_PER_ROW;
        found.fkMsPerHour = parentChangesPerHour * scanMs;
        StringBuilder probe = new StringBuilder("SELECT 1 FROM ONLY " + IndexDefinition.quote(fk[1]) + "."
                + IndexDefinition.quote(fk[2]) + " x WHERE ");
        for (int i = 0; i < columns.size(); i++) {
            probe.append(i == 0 ? "" : " AND ").append("x.").append(IndexDefinition.quote(columns.get(i)))
                    .append(" = $").append(i + 1);
        }
        found.fkProbe = probe.toString(); // what the foreign key's check runs on the child for each parent change
    }

    /**
     * Drops a candidate that another serves: same table and predicate, its columns a leading prefix
     * of the other's with the same directions. Its statements and its foreign key go to the other.
     */
    static void consolidate(Map<String, Candidate> candidates) {
        List<Candidate> all = new ArrayList<>(candidates.values());
        for (Candidate small : all) {
            for (Candidate big : all) {
                if (small == big || !candidates.containsKey(big.key()) || !small.schema.equals(big.schema)
                        || !small.table.equals(big.table) || big.columns.size() <= small.columns.size()
                        || !java.util.Objects.equals(small.where == null ? null : small.where.toSql(),
                        big.where == null ? null : big.where.toSql())) {
                    continue;
                }
                int n = small.columns.size();
                if (big.columns.subList(0, n).equals(small.columns) && big.descending.subList(0, n).equals(small.descending)
                        && big.nulls.subList(0, n).equals(small.nulls)) {
                    small.statements.forEach(big.statements::putIfAbsent);
                    big.fromPlan |= small.fromPlan;
                    if (big.foreignKey == null && small.foreignKey != null) {
                        big.foreignKey = small.foreignKey;
                        big.fkMsPerHour = small.fkMsPerHour;
                        big.fkProbe = small.fkProbe;
                    }
                    candidates.remove(small.key());
                    break;
                }
            }
        }
    }

    private IndexAnalysis.Recommendation recommend(PlanningSession session, Candidate cand, Map<String, TableStat> tables,
                                                   boolean validate, double statsSeconds, String hypopg,
                                                   Map<Long, Planned> planned) throws SQLException {
        Connection c = session.connection();
        IndexDefinition def = cand.definition();
        String name = IndexDefinition.defaultName(cand.table, cand.columns);
        String sql = def.toSql(cand.schema, cand.table, name, true);
        TableStat t = tables.get(cand.schema + "." + cand.table);
        double writes = t == null ? 0 : t.writes() / statsSeconds;
        List<IndexAnalysis.Helped> helped = new ArrayList<>();
        double saved = 0;
        Double costCut = null;
        Long size = null;
        boolean validated = false;
        String validation;
        if (validate) {
            // the planned cost of every top statement without (already known) and with a hypothetical index
            double fkBefore = cand.fkProbe == null ? 0 : cost(session, 0, cand.fkProbe, null);
            String hypoName = null;
            try (PreparedStatement ps = c.prepareStatement(IndexesQueries.HYPO_CREATE)) {
                ps.setString(1, def.toSql(cand.schema, cand.table, name, false));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        long oid = rs.getLong(1);
                        hypoName = rs.getString(2);
                        size = hypoSize(c, oid);
                    }
                }
            } catch (SQLException e) {
                LOG.debugf("hypothetical index on %s.%s refused: %s", cand.schema, cand.table, e.getMessage());
            }
            boolean used = false;
            double bestCut = 0;
            String costlier = null;
            Map<Long, double[]> after = new HashMap<>();
            if (hypoName != null) {
                for (Planned p : planned.values()) {
                    String[] usedName = {null};
                    double a = cost(session, p.queryid(), p.body(), hypoName, usedName);
                    after.put(p.queryid(), new double[] {a, usedName[0] != null ? 1 : 0});
                    if (a > p.cost() * 1.0001 + 0.01 && costlier == null) {
                        costlier = Long.toString(p.queryid());
                    }
                }
            }
            for (Helped h : cand.statements.values()) {
                Planned p = planned.get(h.queryid());
                double b = p == null ? 0 : p.cost();
                double[] a = after.getOrDefault(h.queryid(), new double[] {b, 0});
                boolean uses = a[1] > 0;
                double cut = b > 0 && uses ? Math.max(0, 1 - a[0] / b) : 0;
                used |= uses;
                saved += h.msPerHour() * cut;
                bestCut = Math.max(bestCut, cut);
                helped.add(new IndexAnalysis.Helped(Long.toString(h.queryid()), h.query(), round(h.msPerHour()),
                        round(h.callsPerHour()), round(b), round(a[0])));
            }
            if (cand.fkProbe != null) {
                String[] usedName = {null};
                double a = hypoName == null ? fkBefore : cost(session, 0, cand.fkProbe, hypoName, usedName);
                double cut = fkBefore > 0 && usedName[0] != null ? Math.max(0, 1 - a / fkBefore) : 0;
                used |= usedName[0] != null;
                saved += cand.fkMsPerHour * cut;
                bestCut = Math.max(bestCut, cut);
            }
            reset(c);
            costCut = round(bestCut);
            validated = used && bestCut >= config.minCostCut() && costlier == null;
            validation = hypoName == null ? "HypoPG could not make this index hypothetically"
                    : !used ? "the planner did not use the hypothetical index"
                    : costlier != null ? "the hypothetical index makes top statement " + costlier + " costlier"
                    : validated ? "the planner used the hypothetical index; planned cost down " + pct(bestCut)
                    : "the planner used the hypothetical index but no statement's cost fell by "
                            + pct(config.minCostCut()) + " (best " + pct(bestCut) + ")";
        } else {
            for (Helped h : cand.statements.values()) {
                saved += h.msPerHour() * h.share();
                helped.add(new IndexAnalysis.Helped(Long.toString(h.queryid()), h.query(), round(h.msPerHour()),
                        round(h.callsPerHour()), null, null));
            }
            saved += cand.fkMsPerHour;
            validation = "not validated: HypoPG is " + hypopg.replace('_', ' ')
                    + "; the gain is the scan's share of the plan's cost";
        }
        if (size == null) {
            size = estimateSize(c, cand, t);
        }
        helped.sort(Comparator.comparingDouble(IndexAnalysis.Helped::msPerHour).reversed());
        String kind = cand.where != null ? "partial" : cand.descending.contains(true) ? "descending" : "btree";
        String source = cand.foreignKey != null && cand.fromPlan ? "foreign_key,plan"
                : cand.foreignKey != null ? "foreign_key" : "plan";
        return new IndexAnalysis.Recommendation(id(cand), cand.schema + "." + cand.table, cand.columns,
                cand.descending.stream().map(d -> d ? "desc" : "asc").toList(), kind,
                cand.where == null ? null : cand.where.toSql(), source, cand.foreignKey, sql, helped, round(saved),
                costCut, size, round(writes), validated, validation, priority(saved));
    }

    private double cost(PlanningSession session, long queryid, String body, String hypoName) throws SQLException {
        return cost(session, queryid, body, hypoName, new String[1]);
    }

    /** The plan's total cost; {@code used[0]} is set when the plan reads the hypothetical index {@code hypoName}. */
    private double cost(PlanningSession session, long queryid, String body, String hypoName, String[] used)
            throws SQLException {
        try {
            JsonNode explain = plans.generic(session, queryid, body).explain();
            if (hypoName != null && explain.toString().contains(hypoName)) {
                used[0] = hypoName;
            }
            return explain.path(0).path("Plan").path("Total Cost").asDouble();
        } catch (NotExplainableException e) {
            return 0;
        }
    }

    private static Long hypoSize(Connection c, long oid) {
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.HYPO_SIZE)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        } catch (SQLException e) {
            return null;
        }
    }

    private static void reset(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute(IndexesQueries.HYPO_RESET);
        } catch (SQLException e) {
            LOG.warnf("hypopg_reset() failed: %s", e.getMessage());
        }
    }

    /**
     * The size a btree would have: rows × (key widths rounded to 8 bytes + 8-byte tuple header +
     * 4-byte line pointer) at fillfactor 90, plus one per cent for inner pages (as the bloat estimate).
     */
    private static Long estimateSize(Connection c, Candidate cand, TableStat t) throws SQLException {
        if (t == null) {
            return null;
        }
        Map<String, Integer> widths = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.WIDTHS)) {
            ps.setString(1, cand.schema);
            ps.setString(2, cand.table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    widths.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        double width = 12;
        for (String col : cand.columns) {
            width += Math.ceil(widths.getOrDefault(col, 8) / 8.0) * 8;
        }
        double pages = Math.ceil(t.rows() * width / ((8192 - 40) * 0.9) * 1.01) + 1;
        return (long) (pages * 8192);
    }

    private String priority(double msPerHour) {
        if (msPerHour >= config.highPriorityPerHour().toMillis()) {
            return "high";
        }
        return msPerHour >= config.mediumPriorityPerHour().toMillis() ? "medium" : "low";
    }

    static String id(Candidate c) {
        return UUID.nameUUIDFromBytes(c.key().getBytes(StandardCharsets.UTF_8)).toString().substring(0, 13)
                .replace("-", "");
    }

    // ----------------------------------------------------------------------------- the rest

    private static IndexAnalysis.UsageStats usage(List<CatalogIndex> indexes, Map<String, Map<String, Long>> replicaScans,
                                                  List<IndexAnalysis.Unused> unused, Instant statsSince,
                                                  double statsSeconds, String unusedCheck) {
        long total = indexes.stream().mapToLong(CatalogIndex::bytes).sum();
        long unusedBytes = unused.stream().mapToLong(IndexAnalysis.Unused::sizeBytes).sum();
        List<IndexAnalysis.Usage> largest = indexes.stream()
                .sorted(Comparator.comparingLong(CatalogIndex::bytes).reversed()).limit(LARGEST)
                .map(i -> new IndexAnalysis.Usage(i.qualified(), i.qualifiedTable(), i.bytes(), i.scans(),
                        IndexChecks.onReplicas(i, replicaScans), i.tuplesRead(), i.unique(), i.primary(), i.valid()))
                .toList();
        return new IndexAnalysis.UsageStats(indexes.size(), total, unusedBytes, statsSince, statsSeconds, unusedCheck,
                largest);
    }

    /** Repairs first, then what to build, then rebuilds, then drops for people to review. */
    static List<IndexAnalysis.PlanStep> plan(List<IndexAnalysis.Recommendation> recommendations,
                                             List<IndexAnalysis.Unused> unused, List<IndexAnalysis.Duplicate> duplicates,
                                             List<IndexAnalysis.Invalid> invalid, List<IndexAnalysis.Bloated> bloated) {
        List<IndexAnalysis.PlanStep> out = new ArrayList<>();
        for (IndexAnalysis.Invalid i : invalid) {
            out.add(new IndexAnalysis.PlanStep(out.size() + 1, i.sql().startsWith("DROP") ? "drop" : "rebuild",
                    i.index(), i.sql(), "invalid: " + i.reason()));
        }
        for (IndexAnalysis.Recommendation r : recommendations) {
            if (!"low".equals(r.priority())) {
                out.add(new IndexAnalysis.PlanStep(out.size() + 1, "create", r.table(), r.sql(),
                        r.priority() + " priority: saves about " + Math.round(r.msPerHourSaved()) + " ms of DB time per hour"
                                + (r.validated() ? " (validated with HypoPG)" : "")));
            }
        }
        for (IndexAnalysis.Bloated b : bloated) {
            out.add(new IndexAnalysis.PlanStep(out.size() + 1, "rebuild", b.index(), b.sql(),
                    "estimated bloat " + pct(b.estimatedBloatRatio())));
        }
        for (IndexAnalysis.Duplicate d : duplicates) {
            out.add(new IndexAnalysis.PlanStep(out.size() + 1, "drop", d.index(), d.sql(),
                    ("identical".equals(d.kind()) ? "the same index as " : "a prefix of ") + d.duplicateOf()));
        }
        Set<String> dropped = new java.util.HashSet<>();
        duplicates.forEach(d -> dropped.add(d.index()));
        for (IndexAnalysis.Unused u : unused) {
            if (dropped.add(u.index())) {
                out.add(new IndexAnalysis.PlanStep(out.size() + 1, "drop", u.index(), u.sql(),
                        "never scanned on the primary or a replica since the statistics began; review before dropping"));
            }
        }
        return out;
    }

    /** The recent builds with their effect: the index's scans and the helped statements' mean before and after. */
    private List<IndexAnalysis.Build> builds(Connection c, List<CatalogIndex> indexes) throws SQLException {
        Map<String, Long> scans = new HashMap<>();
        indexes.forEach(i -> scans.put(i.qualified(), i.scans()));
        List<IndexAnalysis.Build> out = new ArrayList<>();
        for (BuildStore.Row r : builds.recent(c, Duration.ofDays(30), 20)) {
            IndexAnalysis.Effect effect = null;
            if ("valid".equals(r.state()) && r.endedAt() != null) {
                Map<String, Double> after = means(c, r.beforeMeans().keySet(), r.endedAt(), clock.instant());
                List<IndexAnalysis.MeanChange> changes = new ArrayList<>();
                r.beforeMeans().forEach((q, m) -> changes.add(new IndexAnalysis.MeanChange(q, m == null ? null : round(m),
                        after.get(q) == null ? null : round(after.get(q)))));
                effect = new IndexAnalysis.Effect(scans.get(r.index()), changes);
            }
            out.add(IndexService.build(r, null, effect));
        }
        return out;
    }

    /** Mean ms per call of these statements over [from, to), from the stored history. */
    Map<String, Double> means(Connection c, Set<String> queryids, Instant from, Instant to) throws SQLException {
        Map<String, Double> out = new HashMap<>();
        if (queryids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.MEANS.formatted(schema))) {
            ps.setArray(1, c.createArrayOf("bigint", queryids.stream().map(Long::valueOf).toArray()));
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double m = rs.getDouble(2);
                    out.put(Long.toString(rs.getLong(1)), rs.wasNull() ? null : m);
                }
            }
        }
        return out;
    }

    private static String cut(String query) {
        String q = query.replaceAll("\\s+", " ").trim();
        return q.length() <= QUERY_TEXT ? q : q.substring(0, QUERY_TEXT - 1) + "…";
    }

    private static String pct(double share) {
        return Math.round(share * 100) + " %";
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
