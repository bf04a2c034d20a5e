package io.pgsidecar.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.pgsidecar.db.BatchedPrune;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.metrics.OwnedMeters;
import io.pgsidecar.statements.NotExplainableException;
import io.pgsidecar.statements.PlanService;
import io.pgsidecar.statements.PlannerSessions;
import io.pgsidecar.statements.ShownTexts;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.statements.StatementsSnapshot.StatementStat;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plan history: the generic plan of the top statements (and of any statement whose plan is
 * asked for), planned with the safe planning of {@link PlanService}, stored as its shape and hash
 * in {@code plan_history}, one row per shape a statement kept in a row. A new row after another is
 * a plan change, counted in {@code pgsidecar_plan_changes_total}.
 */
@ApplicationScoped
public class PlanHistory {

    /** The least time between two reads of texts for statements new to the top. */
    static final java.time.Duration TEXT_READ_EVERY = java.time.Duration.ofHours(1);

    /** Statements whose last attempt could not be planned, with why; bounded. */
    private static final int MAX_SKIPPED = 1_000;

    /**
     * One shape of a statement.
     *
     * @param differenceToPrevious what changed from the shape before it, in words; empty for the first
     */
    @RegisterForReflection
    public record Version(long id, String shapeHash, Instant firstSeen, Instant lastSeen, String plannedAs,
                          Double totalCost, List<String> shape, List<String> differenceToPrevious, List<Cause> causes,
                          JsonNode plan) {
    }

    /**
     * A likely cause of a plan change, as read when it was recorded.
     *
     * @param kind {@code index_dropped}, {@code index_invalid}, {@code index_new}, {@code statistics_refreshed},
     *             {@code statistics_stale}, {@code table_grew} or {@code setting_changed}
     * @param action what to do through the agent (with its dry run), or null
     */
    @RegisterForReflection
    public record Cause(String kind, String relation, String detail, String action) {
    }

    /** A plan change recorded by this agent, kept in memory for the alert rule. */
    public record Change(long queryid, Instant at, List<String> before, List<String> after, List<String> difference,
                         List<Cause> causes) {
    }

    /**
     * @param skipped why the statement's last plan could not be made, or null
     */
    @RegisterForReflection
    public record History(String queryid, String query, List<Version> plans, String skipped) {
    }

    /** What one run of the top statements did. */
    @RegisterForReflection
    public record Run(int planned, int changed, Map<String, String> skipped) {
    }

    private final Database database;
    private final PlansConfig config;
    private final PlanService plans;
    private final PlannerSessions planners;
    private final StatementsPoller statements;
    private final ShownTexts texts;
    private final ObjectMapper json;
    private final String schema;
    private final Counter changes;
    private final Map<Long, String> skipped = new ConcurrentHashMap<>();
    private final Map<Long, Change> changesByStatement = new ConcurrentHashMap<>();
    private volatile Map<String, String> settingsThen;
    private volatile Map<String, String> settingsNow;
    private volatile Instant lastTextRead;

    public PlanHistory(Database database, PlansConfig config, PlanService plans, PlannerSessions planners,
                       StatementsPoller statements, ShownTexts texts, ObjectMapper json, DbConfig db, OwnedMeters meters) {
        this.database = database;
        this.config = config;
        this.plans = plans;
        this.planners = planners;
        this.statements = statements;
        this.texts = texts;
        this.json = json;
        this.schema = Identifiers.quote(db.schema());
        this.changes = meters.own(Counter.builder("pgsidecar.plan.changes").description("Plan changes the agent "
                + "recorded: a statement's generic plan took another shape").register(meters.registry()));
        meters.own(io.micrometer.core.instrument.Gauge.builder("pgsidecar.plan.regressions", this,
                        h -> h.regressedSinceAChange().size())
                .description("Statements that regressed and whose plan changed within the regression window "
                        + "(PlanRegression)").register(meters.registry()));
    }

    public PlansConfig config() {
        return config;
    }

    /**
     * Plans the top statements of the latest interval on one planning session and records their
     * shapes; null while the statements feature has no interval yet (nothing to choose from).
     */
    public Run recordTop() {
        if (statements.latest().capturedAt() == null) {
            return null;
        }
        List<Long> top = new ArrayList<>();
        Map<Long, List<StatementStat>> rows = new LinkedHashMap<>();
        for (StatementStat s : statements.latest().statements()) {
            long id = Long.parseLong(s.queryid());
            if (rows.containsKey(id)) {
                rows.get(id).add(s);
                continue;
            }
            if (top.size() >= config.topStatements() || ShownTexts.isAgents(s.query())) {
                continue;
            }
            top.add(id);
            rows.put(id, new ArrayList<>(List.of(s)));
        }
        if (top.isEmpty()) {
            return new Run(0, 0, Map.of());
        }
        // who ran each, from the snapshot (most calls first): pg_stat_statements is not read again
        Map<Long, List<Long>> userids = new LinkedHashMap<>();
        rows.forEach((id, list) -> userids.put(id, list.stream()
                .sorted(java.util.Comparator.comparingLong(StatementStat::calls).reversed())
                .map(StatementStat::userid).distinct().toList()));
        // texts the agent holds; those of statements new to the top are read at most once a text-read
        // interval, since a read loads the server's whole query-text file
        Map<Long, String> known = new LinkedHashMap<>();
        List<Long> missing = new ArrayList<>();
        for (long id : top) {
            String t = statements.textOf(id);
            if (t != null) {
                known.put(id, t);
            } else {
                missing.add(id);
            }
        }
        Instant nowAt = Instant.now();
        if (!missing.isEmpty() && (lastTextRead == null || !nowAt.isBefore(lastTextRead.plus(TEXT_READ_EVERY)))) {
            lastTextRead = nowAt;
            known.putAll(texts.texts(missing, java.time.Duration.ofSeconds(5)));
        }
        Map<String, String> now = database.forJob(PlanCauses::settings);
        settingsThen = settingsNow;
        settingsNow = now;
        Map<String, String> skippedNow = new LinkedHashMap<>();
        int[] counts = new int[2];
        planners.run(s -> {
            Map<Long, List<Long>> users = new LinkedHashMap<>();
            known.keySet().forEach(id -> users.put(id, userids.getOrDefault(id, List.of())));
            plans.prepareKnown(s, users);
            for (long id : top) {
                String query = known.get(id);
                if (query == null) {
                    if (!missing.contains(id) || lastTextRead == nowAt) {
                        skip(skippedNow, id, "its text is no longer in pg_stat_statements");
                    }
                    continue; // else its text is read at the next text read
                }
                if (ShownTexts.isAgents(query)) {
                    continue;
                }
                try {
                    PlanService.Generic g = plans.generic(s, id, plans.body(id, query));
                    counts[0]++;
                    if (record(id, g)) {
                        counts[1]++;
                    }
                } catch (NotExplainableException e) {
                    skip(skippedNow, id, e.getMessage());
                }
            }
            return null;
        });
        return new Run(counts[0], counts[1], skippedNow);
    }

    private void skip(Map<String, String> now, long id, String why) {
        now.put(Long.toString(id), why);
        if (skipped.size() < MAX_SKIPPED || skipped.containsKey(id)) {
            skipped.put(id, why);
        }
    }

    /**
     * Records a plan made for {@code queryid} (the history's own, or one asked for), unless the
     * statement was planned within the plan interval; answers whether its shape changed.
     */
    public boolean record(long queryid, PlanService.Generic plan) {
        return record(queryid, plan.planning(), plan.explain());
    }

    /** The same for a plan given as its planning and its EXPLAIN answer. */
    public boolean record(long queryid, PlanService.Planning planning, JsonNode explain) {
        PlanShape shape = PlanShape.of(explain);
        String plannedAs = planning == null ? null : planning.role() + " (" + planning.how() + ")";
        Double cost = explain.path(0).path("Plan").hasNonNull("Total Cost")
                ? explain.path(0).path("Plan").get("Total Cost").asDouble() : null;
        skipped.remove(queryid);
        Change change = database.forJob(c -> store(c, queryid, shape, plannedAs, cost, explain));
        if (change == null) {
            return false;
        }
        changes.increment();
        changesByStatement.put(queryid, change);
        Instant oldest = Instant.now().minus(config.regressionWindow());
        changesByStatement.values().removeIf(x -> x.at().isBefore(oldest));
        if (changesByStatement.size() > MAX_SKIPPED) {
            changesByStatement.values().stream().min(java.util.Comparator.comparing(Change::at))
                    .ifPresent(x -> changesByStatement.remove(x.queryid()));
        }
        return true;
    }

    /**
     * The statements of the latest interval's regressions whose plan changed within the regression
     * window, with the change.
     */
    public Map<io.pgsidecar.statements.StatementsSnapshot.Regression, Change> regressedSinceAChange() {
        Map<io.pgsidecar.statements.StatementsSnapshot.Regression, Change> out = new LinkedHashMap<>();
        Instant since = Instant.now().minus(config.regressionWindow());
        for (var r : statements.latest().regressions()) {
            Change c = changesByStatement.get(Long.parseLong(r.queryid()));
            if (c != null && !c.at().isBefore(since)) {
                out.put(r, c);
            }
        }
        return out;
    }

    /** The plan changes this agent recorded within the regression window, by statement. */
    public Map<Long, Change> recentChanges() {
        return Map.copyOf(changesByStatement);
    }

    private Change store(Connection c, long queryid, PlanShape shape, String plannedAs, Double cost, JsonNode plan)
            throws SQLException {
        Long latestId = null;
        String latestHash = null;
        boolean recent = false;
        List<String> latestShape = List.of();
        Instant latestSeen = null;
        Map<String, Double> latestSizes = Map.of();
        try (PreparedStatement ps = c.prepareStatement(PlansQueries.LATEST.formatted(schema))) {
            ps.setDouble(1, config.planInterval().toSeconds());
            ps.setLong(2, queryid);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    latestId = rs.getLong(1);
                    latestHash = rs.getString(2);
                    recent = rs.getBoolean(3);
                    latestShape = List.of(rs.getString(4).split("\n"));
                    latestSeen = rs.getTimestamp(5).toInstant();
                    latestSizes = readSizes(rs.getString(6));
                }
            }
        }
        if (latestId != null && latestHash.equals(shape.hash())) {
            if (!recent) {
                try (PreparedStatement ps = c.prepareStatement(PlansQueries.SEEN_AGAIN.formatted(schema))) {
                    ps.setString(1, plannedAs);
                    setDouble(ps, 2, cost);
                    ps.setLong(3, latestId);
                    ps.executeUpdate();
                }
            }
            return null;
        }
        List<Cause> causes = List.of();
        Map<String, Double> sizes = PlanCauses.sizes(c, shape.lines());
        if (latestId != null) {
            causes = PlanCauses.find(c, schema, latestShape, shape.lines(), latestSeen, settingsThen,
                    settingsNow == null ? Map.of() : settingsNow, latestSizes, sizes).stream()
                    .map(x -> new Cause(x.kind(), x.relation(), x.detail(), x.action())).toList();
        }
        try (PreparedStatement ps = c.prepareStatement(PlansQueries.INSERT.formatted(schema))) {
            ps.setLong(1, queryid);
            ps.setString(2, shape.hash());
            ps.setString(3, plannedAs);
            setDouble(ps, 4, cost);
            ps.setString(5, String.join("\n", shape.lines()));
            ps.setString(6, plan.toString());
            ps.setString(7, json.writeValueAsString(causes));
            ps.setString(8, json.writeValueAsString(sizes));
            ps.executeUpdate();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("causes could not be written: " + e.getOriginalMessage(), e);
        }
        try (PreparedStatement ps = c.prepareStatement(PlansQueries.TRIM_STATEMENT.formatted(schema))) {
            ps.setLong(1, queryid);
            ps.setLong(2, queryid);
            ps.setInt(3, config.perStatement());
            ps.executeUpdate();
        }
        return latestId == null ? null : new Change(queryid, Instant.now(), latestShape, shape.lines(),
                PlanShape.difference(latestShape, shape.lines()), causes);
    }

    private Map<String, Double> readSizes(String text) {
        try {
            Map<String, Double> m = new LinkedHashMap<>();
            json.readTree(text).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
            return m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Map.of();
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, java.sql.Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    /** A statement's shapes, newest first, each with what changed from the one before it. */
    public History history(long queryid, int limit) {
        List<Version> rows = database.withConnection(c -> {
            List<Version> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(PlansQueries.HISTORY.formatted(schema))) {
                ps.setLong(1, queryid);
                ps.setInt(2, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        JsonNode plan;
                        List<Cause> causes;
                        try {
                            plan = json.readTree(rs.getString(8));
                            causes = List.of(json.readValue(rs.getString(9), Cause[].class));
                        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                            plan = null;
                            causes = List.of();
                        }
                        double c6 = rs.getDouble(6);
                        Double cost = rs.wasNull() ? null : c6;
                        out.add(new Version(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                                rs.getTimestamp(4).toInstant(), rs.getString(5), cost,
                                List.of(rs.getString(7).split("\n")), List.of(), causes, plan));
                    }
                }
            }
            return out;
        });
        List<Version> out = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, rows.size()); i++) {
            Version v = rows.get(i);
            List<String> diff = i + 1 < rows.size() ? PlanShape.difference(rows.get(i + 1).shape(), v.shape()) : List.of();
            out.add(new Version(v.id(), v.shapeHash(), v.firstSeen(), v.lastSeen(), v.plannedAs(), v.totalCost(),
                    v.shape(), diff, v.causes(), v.plan()));
        }
        return new History(Long.toString(queryid), plans.textOrNull(queryid), List.copyOf(out), skipped.get(queryid));
    }

    /** Deletes shapes past the retention and rows beyond the total bound, in batches. */
    public int prune() {
        int n = BatchedPrune.run(database, PlansQueries.PRUNE_OLD.formatted(schema), (double) config.retention().toSeconds());
        n += BatchedPrune.run(database, PlansQueries.PRUNE_EXCESS.formatted(schema), config.maxRows());
        return n;
    }
}
