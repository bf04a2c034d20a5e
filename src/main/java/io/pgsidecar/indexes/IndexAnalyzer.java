package io.pgsidecar.indexes;

import io.pgsidecar.replicas.IndexScans;
import io.pgsidecar.replicas.ReplicaMonitor;
import io.pgsidecar.statements.PlannerSessions;
import io.pgsidecar.statements.PlanningSession;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One index analysis, assembled: the catalog read ({@link IndexCatalog}), candidates from the top
 * statements' plans ({@link PlanMiner}) and the foreign keys ({@link ForeignKeyCandidates}), each
 * scored and (with HypoPG installed) proved ({@link CandidateScorer}), then the unused, duplicate,
 * invalid and bloated indexes, the plan of steps and the recent builds' effect. Runs on one planning
 * session; every hypothetical index and prepared statement it made is gone from that session when it
 * returns.
 */
@ApplicationScoped
class IndexAnalyzer {

    private final IndexesConfig config;
    private final PlannerSessions planners;
    private final ReplicaMonitor replicas;
    private final IndexCatalog catalog;
    private final PlanMiner miner;
    private final CandidateScorer scorer;
    private final BuildEffects effects;
    private final Clock clock;

    IndexAnalyzer(IndexesConfig config, PlannerSessions planners, ReplicaMonitor replicas, IndexCatalog catalog,
                  PlanMiner miner, CandidateScorer scorer, BuildEffects effects, Clock clock) {
        this.config = config;
        this.planners = planners;
        this.replicas = replicas;
        this.catalog = catalog;
        this.miner = miner;
        this.scorer = scorer;
        this.effects = effects;
        this.clock = clock;
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
                a.recentBuilds(), a.skipped(), a.planned());
    }

    private IndexAnalysis analyze(PlanningSession session, Map<String, Map<String, Long>> replicaScans,
                                  List<String> unreachable, double replicaStatsSeconds, Instant started)
            throws SQLException {
        Connection c = session.connection();
        IndexCatalog.Read read = catalog.read(c);
        Instant statsSince = read.statsSince();
        String hypopg = read.hypopg();
        List<CatalogIndex> indexes = read.indexes();
        Map<String, IndexCatalog.TableStat> tables = read.tables();
        if ("not_installed".equals(hypopg) && config.hypopg().createExtension() && HypoPg.createExtension(c)) {
            hypopg = "installed";
        }
        Map<String, List<CatalogIndex>> byTable = new HashMap<>();
        for (CatalogIndex i : indexes) {
            byTable.computeIfAbsent(i.qualifiedTable(), k -> new ArrayList<>()).add(i);
        }
        double statsSeconds = Math.max(1, Duration.between(statsSince, started).toSeconds());
        double rateSeconds = Math.max(60, statsSeconds); // rates over at least a minute

        List<String> skipped = new ArrayList<>();
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        Map<Long, PlanMiner.Planned> planned = new LinkedHashMap<>();
        double perHour = read.coveredSeconds() > 0 ? 3600 / read.coveredSeconds() : 0;
        miner.mine(session, read.top(), perHour, tables, byTable, candidates, skipped, planned);
        Map<String, List<List<String>>> fkColumns = new HashMap<>();
        for (String[] fk : read.foreignKeys()) {
            fkColumns.computeIfAbsent(fk[1] + "." + fk[2], k -> new ArrayList<>()).add(List.of(fk[3].split("\u0000")));
            ForeignKeyCandidates.add(fk, tables, byTable, candidates, rateSeconds);
        }
        Candidate.consolidate(candidates);

        List<IndexAnalysis.Recommendation> recommendations = new ArrayList<>();
        boolean validate = "installed".equals(hypopg);
        try {
            for (Candidate cand : candidates.values()) {
                IndexAnalysis.Recommendation r = scorer.recommend(session, cand, tables, validate, rateSeconds, hypopg,
                        planned);
                if (!validate || r.validated() || cand.foreignKey != null) {
                    recommendations.add(r); // with HypoPG, a plan candidate it did not prove is dropped
                }
            }
        } finally {
            if (validate) {
                HypoPg.reset(c);
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
        List<IndexAnalysis.Bloated> bloated = read.bloated();
        List<IndexAnalysis.PlanStep> plan = plan(recommendations, unused, duplicates, invalid, bloated);
        List<IndexAnalysis.Build> recent = effects.recent(c, indexes);
        return new IndexAnalysis(started, 0, false, note, 0, statsSince, hypopg, List.of(), unreachable,
                recommendations, usage, unused, duplicates, invalid, bloated, plan, recent, skipped,
                planned.values().stream().map(p -> p.queryid() + ": planned as " + p.planning()).toList());
    }

    private static IndexAnalysis.UsageStats usage(List<CatalogIndex> indexes, Map<String, Map<String, Long>> replicaScans,
                                                  List<IndexAnalysis.Unused> unused, Instant statsSince,
                                                  double statsSeconds, String unusedCheck) {
        long total = indexes.stream().mapToLong(CatalogIndex::bytes).sum();
        long unusedBytes = unused.stream().mapToLong(IndexAnalysis.Unused::sizeBytes).sum();
        List<IndexAnalysis.Usage> largest = indexes.stream()
                .sorted(Comparator.comparingLong(CatalogIndex::bytes).reversed()).limit(IndexCatalog.LARGEST)
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
                    "estimated bloat " + CandidateScorer.pct(b.estimatedBloatRatio())));
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
}
