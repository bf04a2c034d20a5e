package io.pgsidecar.statements;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.Identifiers;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.core.BaseStatement;
import org.postgresql.core.QueryExecutor;

/**
 * The execution plan of a statement from pg_stat_statements, without running it: EXPLAIN of the
 * normalized text as a generic plan ({@code GENERIC_PLAN} on 16+, otherwise PREPARE under
 * {@code plan_cache_mode = force_generic_plan} and EXPLAIN EXECUTE with NULL parameters), inside a
 * read-only transaction that is rolled back, under a short statement timeout. Only SELECT,
 * INSERT, UPDATE and DELETE are explained.
 */
@ApplicationScoped
public class PlanService {

    /** A sequential scan of a table estimated to hold at least this many rows is flagged as large. */
    static final long LARGE_SEQ_SCAN_ROWS = 10_000;
    private static final Set<StatementType> EXPLAINABLE = EnumSet.of(StatementType.SELECT, StatementType.INSERT,
            StatementType.UPDATE, StatementType.DELETE);
    private static final Pattern PARAM = Pattern.compile("\\$(\\d+)");
    private static final AtomicLong SEQ = new AtomicLong();

    @RegisterForReflection
    public record PlanNode(String nodeType, String operation, String relation, String indexName, double totalCost,
                           double planRows, int depth) {
    }

    /**
     * @param planRows rows the scan is estimated to return after its filter
     * @param tableRows rows the table holds by its statistics (pg_class.reltuples; -1 if never analysed)
     */
    @RegisterForReflection
    public record SeqScan(String schema, String relation, double planRows, double tableRows, boolean large) {
    }

    @RegisterForReflection
    public record Plan(String queryid, String query, String method, double totalCost, double planRows,
                       List<SeqScan> sequentialScans, List<PlanNode> nodes, JsonNode plan) {
    }

    private final Database database;
    private final StatementsPoller poller;
    private final StatementsConfig config;
    private final ObjectMapper json;

    public PlanService(Database database, StatementsPoller poller, StatementsConfig config, ObjectMapper json) {
        this.database = database;
        this.poller = poller;
        this.config = config;
        this.json = json;
    }

    /** A generic plan as EXPLAIN (FORMAT JSON, VERBOSE) gave it, and how it was obtained. */
    public record Generic(String method, JsonNode explain) {
    }

    public Plan explain(long queryid) {
        String query = text(queryid);
        String body = body(queryid, query);
        return database.withConnection(c -> {
            Generic g = generic(c, queryid, body);
            return withTableSizes(c, summarise(queryid, query, g.method(), g.explain()));
        });
    }

    /** The statement's normalized text (cached by the poller, else read), or UnknownQueryException. */
    public String text(long queryid) {
        String text = textOrNull(queryid);
        if (text == null) {
            throw new UnknownQueryException(queryid);
        }
        return text;
    }

    /**
     * The text to plan: one SELECT, INSERT, UPDATE or DELETE, not cut, without its trailing
     * semicolon; NotExplainableException otherwise.
     */
    public String body(long queryid, String query) {
        StatementType type = StatementType.of(query);
        if (!EXPLAINABLE.contains(type)) {
            throw new NotExplainableException(queryid,
                    "only SELECT, INSERT, UPDATE and DELETE statements are explained; this one is " + type.label());
        }
        String body = StatementType.strip(query).replaceAll(";\\s*$", "");
        if (body.contains(";")) {
            throw new NotExplainableException(queryid, "the text holds more than one statement");
        }
        if (query.length() >= config.maxTextLength()) {
            throw new NotExplainableException(queryid, "the stored text was cut at "
                    + config.maxTextLength() + " characters (raise pgsidecar.statements.max-text-length)");
        }
        return body;
    }

    /**
     * The generic plan of {@code body} (from {@link #body}) on this session, inside a read-only
     * transaction that is rolled back; a statement it prepared is deallocated before it returns.
     * Hypothetical indexes (HypoPG) the session holds are seen by the planner.
     */
    public Generic generic(Connection c, long queryid, String body) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        String prepared = null;
        try (Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("/* pgsidecar */ SET TRANSACTION READ ONLY");
            s.execute("/* pgsidecar */ SET LOCAL statement_timeout = " + config.planTimeout().toMillis());
            if (c.getMetaData().getDatabaseMajorVersion() >= 16) {
                return new Generic("generic_plan", json.readTree(
                        explainSimple(s, "/* pgsidecar */ EXPLAIN (FORMAT JSON, VERBOSE, GENERIC_PLAN) " + body)));
            }
            prepared = "pgsidecar_plan_" + SEQ.incrementAndGet();
            s.execute("/* pgsidecar */ SET LOCAL plan_cache_mode = force_generic_plan");
            s.execute("/* pgsidecar */ PREPARE " + prepared + " AS " + body);
            int params = parameterCount(body);
            StringBuilder exec = new StringBuilder("/* pgsidecar */ EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE " + prepared);
            if (params > 0) {
                exec.append('(').append(String.join(", ", Collections.nCopies(params, "NULL"))).append(')');
            }
            return new Generic("prepare_force_generic_plan", json.readTree(explain(s, exec.toString())));
        } catch (SQLException e) {
            throw new NotExplainableException(queryid, "PostgreSQL could not plan it: " + e.getMessage());
        } catch (JsonProcessingException e) {
            throw new NotExplainableException(queryid, "unreadable plan: " + e.getOriginalMessage());
        } finally {
            try {
                c.rollback();
                if (prepared != null) {
                    try (Statement s = c.createStatement()) {
                        s.execute("/* pgsidecar */ DEALLOCATE " + Identifiers.quote(prepared));
                    } catch (SQLException ignored) {
                        // not created: nothing to free
                    }
                }
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** Adds each scanned table's row count from its statistics, which decides "large". */
    private static Plan withTableSizes(Connection c, Plan plan) throws SQLException {
        List<SeqScan> sized = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(StatementsQueries.TABLE_ROWS)) {
            for (SeqScan scan : plan.sequentialScans()) {
                ps.setString(1, scan.schema());
                ps.setString(2, scan.relation());
                double rows = -1;
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        rows = rs.getDouble(1);
                    }
                }
                sized.add(new SeqScan(scan.schema(), scan.relation(), scan.planRows(), rows,
                        rows >= LARGE_SEQ_SCAN_ROWS));
            }
        }
        return new Plan(plan.queryid(), plan.query(), plan.method(), plan.totalCost(), plan.planRows(), sized,
                plan.nodes(), plan.plan());
    }

    /**
     * Sends the statement over the simple query protocol: over the extended protocol the server
     * would count the text's $n placeholders as parameters the client must bind, while
     * GENERIC_PLAN is meant to plan them unbound.
     */
    private static String explainSimple(Statement s, String sql) throws SQLException {
        BaseStatement pg = s.unwrap(BaseStatement.class);
        pg.executeWithFlags(sql, QueryExecutor.QUERY_EXECUTE_AS_SIMPLE);
        try (ResultSet rs = pg.getResultSet()) {
            StringBuilder b = new StringBuilder();
            while (rs.next()) {
                b.append(rs.getString(1));
            }
            return b.toString();
        }
    }

    private static String explain(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            StringBuilder b = new StringBuilder();
            while (rs.next()) {
                b.append(rs.getString(1));
            }
            return b.toString();
        }
    }

    static int parameterCount(String text) {
        Matcher m = PARAM.matcher(text);
        int max = 0;
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max;
    }

    static Plan summarise(long queryid, String query, String method, JsonNode explain) {
        JsonNode root = explain.path(0).path("Plan");
        List<PlanNode> nodes = new ArrayList<>();
        List<SeqScan> seq = new ArrayList<>();
        walk(root, 0, nodes, seq);
        return new Plan(Long.toString(queryid), query, method, root.path("Total Cost").asDouble(),
                root.path("Plan Rows").asDouble(), seq, nodes, explain);
    }

    private static void walk(JsonNode node, int depth, List<PlanNode> nodes, List<SeqScan> seq) {
        if (node == null || node.isMissingNode()) {
            return;
        }
        String type = node.path("Node Type").asText();
        String rel = node.hasNonNull("Relation Name") ? node.get("Relation Name").asText() : null;
        double rows = node.path("Plan Rows").asDouble();
        nodes.add(new PlanNode(type, node.hasNonNull("Operation") ? node.get("Operation").asText() : null, rel,
                node.hasNonNull("Index Name") ? node.get("Index Name").asText() : null,
                node.path("Total Cost").asDouble(), rows, depth));
        if ("Seq Scan".equals(type)) {
            seq.add(new SeqScan(node.path("Schema").asText(null), rel, rows, -1, false));
        }
        for (JsonNode child : node.path("Plans")) {
            walk(child, depth + 1, nodes, seq);
        }
    }

    /**
     * Texts of many statements on this session: the poller's cached ones, the rest in one read of
     * pg_stat_statements (not one per statement: each read loads the whole query-text file).
     * Unknown ids are left out.
     */
    public Map<Long, String> texts(Connection c, Collection<Long> queryids) throws SQLException {
        Map<Long, String> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (long id : queryids) {
            String t = poller.textOf(id);
            if (t != null) {
                out.put(id, t);
            } else {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            StatementsReader.Extension ext = StatementsReader.extension(c);
            if (ext.loaded() && ext.version() != null) {
                out.putAll(StatementsReader.texts(c, ext, missing, config.maxTextLength()));
            }
        }
        return out;
    }

    /** A statement's text: the poller's, else read from pg_stat_statements now (an API request's fetch); null if unknown. */
    public String textOrNull(long queryid) {
        String text = poller.textOf(queryid);
        return text != null ? text : lookUp(queryid);
    }

    private String lookUp(long queryid) {
        return database.withConnection(c -> texts(c, List.of(queryid)).get(queryid));
    }
}
