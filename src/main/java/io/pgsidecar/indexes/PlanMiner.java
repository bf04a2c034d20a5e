package io.pgsidecar.indexes;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsidecar.statements.NotExplainableException;
import io.pgsidecar.statements.PlanService;
import io.pgsidecar.statements.PlanningSession;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Candidates from the top statements' generic plans: each scan of a large table that reads rows
 * sequentially or sorts them gives a candidate of its equality columns, then its sort or range
 * column, with its constant conditions as a partial index's predicate, unless an index covers it.
 */
@ApplicationScoped
class PlanMiner {

    private static final int QUERY_TEXT = 200;

    /** A top statement that was planned: the text planned and its cost without any new index. */
    record Planned(long queryid, String body, double cost, String planning) {
    }

    private final IndexesConfig config;
    private final PlanService plans;

    PlanMiner(IndexesConfig config, PlanService plans) {
        this.config = config;
        this.plans = plans;
    }

    /**
     * Plans each top statement ({queryid, total ms, calls}, as {@link IndexCatalog.Read#top()}) in
     * the session and adds its candidates; a statement that cannot be planned is named in {@code skipped}.
     */
    void mine(PlanningSession session, List<long[]> top, double perHour, Map<String, IndexCatalog.TableStat> tables,
              Map<String, List<CatalogIndex>> byTable, Map<String, Candidate> candidates, List<String> skipped,
              Map<Long, Planned> planned) throws SQLException {
        Map<Long, String> texts = plans.texts(session.connection(), top.stream().map(t -> t[0]).toList());
        plans.prepare(session, texts.keySet());
        for (long[] t : top) {
            fromPlan(session, t[0], texts.get(t[0]), Double.longBitsToDouble(t[1]) * perHour,
                    Double.longBitsToDouble(t[2]) * perHour, tables, byTable, candidates, skipped, planned);
        }
    }

    private void fromPlan(PlanningSession session, long queryid, String query, double msPerHour, double callsPerHour,
                          Map<String, IndexCatalog.TableStat> tables, Map<String, List<CatalogIndex>> byTable,
                          Map<String, Candidate> candidates, List<String> skipped, Map<Long, Planned> planned) {
        String body;
        JsonNode explain;
        String how;
        if (query == null) {
            skipped.add(queryid + ": its text is no longer in pg_stat_statements");
            return;
        }
        try {
            if (query.startsWith("/* pgsidecar */")) {
                return; // the agent's own statements: catalog reads, nothing of the application's
            }
            body = plans.body(queryid, query);
            PlanService.Generic generic = plans.generic(session, queryid, body);
            explain = generic.explain();
            how = generic.planning().role() + " (" + generic.planning().how() + ")";
        } catch (NotExplainableException | SQLException e) {
            skipped.add(queryid + ": " + e.getMessage());
            return;
        }
        double root = explain.path(0).path("Plan").path("Total Cost").asDouble();
        planned.put(queryid, new Planned(queryid, body, root, how));

        for (PlanReader.Access a : PlanReader.read(explain)) {
            IndexCatalog.TableStat t = tables.get(a.schema() + "." + a.table());
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
            cand.statements.putIfAbsent(Long.toString(queryid), new Candidate.Helped(queryid, cut(query), body,
                    msPerHour, callsPerHour, share));
        }
    }

    private static String cut(String query) {
        String q = query.replaceAll("\\s+", " ").trim();
        return q.length() <= QUERY_TEXT ? q : q.substring(0, QUERY_TEXT - 1) + "…";
    }
}
