package io.pgsidecar.indexes;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsidecar.statements.NotExplainableException;
import io.pgsidecar.statements.PlanService;
import io.pgsidecar.statements.PlanningSession;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns a candidate into a recommendation: the DB time per hour it saves, its size, the writes
 * that would maintain it and its priority. With HypoPG the saving is proved: every top statement is
 * planned again with the candidate as a hypothetical index; without, it is the scans' share of the
 * plans' cost.
 */
@ApplicationScoped
class CandidateScorer {

    private static final Logger LOG = Logger.getLogger(CandidateScorer.class);

    private final IndexesConfig config;
    private final PlanService plans;

    CandidateScorer(IndexesConfig config, PlanService plans) {
        this.config = config;
        this.plans = plans;
    }

    IndexAnalysis.Recommendation recommend(PlanningSession session, Candidate cand,
                                           Map<String, IndexCatalog.TableStat> tables, boolean validate,
                                           double statsSeconds, String hypopg, Map<Long, PlanMiner.Planned> planned)
            throws SQLException {
        Connection c = session.connection();
        IndexDefinition def = cand.definition();
        String name = IndexDefinition.defaultName(cand.table, cand.columns);
        String sql = def.toSql(cand.schema, cand.table, name, true);
        IndexCatalog.TableStat t = tables.get(cand.schema + "." + cand.table);
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
            try {
                Optional<HypoPg.Hypothetical> h = HypoPg.create(c, def.toSql(cand.schema, cand.table, name, false));
                if (h.isPresent()) {
                    hypoName = h.get().name();
                    size = HypoPg.size(c, h.get().oid());
                }
            } catch (SQLException e) {
                LOG.debugf("hypothetical index on %s.%s refused: %s", cand.schema, cand.table, e.getMessage());
            }
            boolean used = false;
            double bestCut = 0;
            String costlier = null;
            Map<Long, double[]> after = new HashMap<>();
            if (hypoName != null) {
                for (PlanMiner.Planned p : planned.values()) {
                    String[] usedName = {null};
                    double a = cost(session, p.queryid(), p.body(), hypoName, usedName);
                    after.put(p.queryid(), new double[] {a, usedName[0] != null ? 1 : 0});
                    if (a > p.cost() * 1.0001 + 0.01 && costlier == null) {
                        costlier = Long.toString(p.queryid());
                    }
                }
            }
            for (Candidate.Helped h : cand.statements.values()) {
                PlanMiner.Planned p = planned.get(h.queryid());
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
            HypoPg.reset(c);
            costCut = round(bestCut);
            validated = used && bestCut >= config.minCostCut() && costlier == null;
            validation = hypoName == null ? "HypoPG could not make this index hypothetically"
                    : !used ? "the planner did not use the hypothetical index"
                    : costlier != null ? "the hypothetical index makes top statement " + costlier + " costlier"
                    : validated ? "the planner used the hypothetical index; planned cost down " + pct(bestCut)
                    : "the planner used the hypothetical index but no statement's cost fell by "
                            + pct(config.minCostCut()) + " (best " + pct(bestCut) + ")";
        } else {
            for (Candidate.Helped h : cand.statements.values()) {
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
        return new IndexAnalysis.Recommendation(cand.id(), cand.schema + "." + cand.table, cand.columns,
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

    /**
     * The size a btree would have: rows × (key widths rounded to 8 bytes + 8-byte tuple header +
     * 4-byte line pointer) at fillfactor 90, plus one per cent for inner pages (as the bloat estimate).
     */
    private static Long estimateSize(Connection c, Candidate cand, IndexCatalog.TableStat t) throws SQLException {
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

    /** A share as the analysis prints it: whole per cent. */
    static String pct(double share) {
        return Math.round(share * 100) + " %";
    }

    /** A figure as the analysis answers it: two decimals. */
    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
