package io.pgsidecar.statements;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.RightsReport;
import io.pgsidecar.db.Transactions;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The execution plan of a statement from pg_stat_statements, without running it: EXPLAIN of the
 * normalized text as a generic plan ({@code GENERIC_PLAN} on 16+, otherwise PREPARE under
 * {@code plan_cache_mode = force_generic_plan} and EXPLAIN EXECUTE with NULL parameters), inside a
 * read-only transaction that is rolled back, under a short statement timeout. Only SELECT,
 * INSERT, UPDATE and DELETE are explained.
 *
 * <p>The text is anyone's, and planning runs the immutable and stable functions it reaches with the
 * rights of the role that plans. So plans are made on a {@link PlannerSessions planning session} of
 * the observing login, and: when that login cannot act (no superuser, signal, file, write or maintain
 * right, no way to the acting role), as the role that ran the statement where the login may switch
 * to it, else as {@code planner-role}, else as the login; when it can act, only after the screen has
 * found no function outside the trusted owners within the text's reach, else refused naming the
 * function. Each plan says which ({@link Planning}). The search_path is the one the statement's role
 * starts with, read from the catalog.
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

    /**
     * How a statement was planned.
     *
     * @param role the role the planner ran as (whose rights its functions had)
     * @param how {@code statement_user} (the role that ran it), {@code planner_role}
     *     ({@code pgsidecar.statements.planner-role}), {@code agent_login} (the observing login, which
     *     cannot act) or {@code screened} (a login that can act, after the screen found nothing)
     * @param searchPath the search_path it was planned with
     * @param detail the same in words
     */
    @RegisterForReflection
    public record Planning(String role, String how, String searchPath, String detail) {
    }

    @RegisterForReflection
    public record Plan(String queryid, String query, String method, Planning planning, double totalCost,
                       double planRows, List<SeqScan> sequentialScans, List<PlanNode> nodes, JsonNode plan) {
    }

    private final Database database;
    private final PlannerSessions planners;
    private final StatementsPoller poller;
    private final StatementsConfig config;
    private final ObjectMapper json;

    public PlanService(Database database, PlannerSessions planners, StatementsPoller poller, StatementsConfig config,
                       ObjectMapper json) {
        this.database = database;
        this.planners = planners;
        this.poller = poller;
        this.config = config;
        this.json = json;
    }

    /** A generic plan as EXPLAIN (FORMAT JSON, VERBOSE) gave it, how it was obtained, and as whom. */
    public record Generic(String method, JsonNode explain, Planning planning) {
    }

    public Plan explain(long queryid) {
        String query = text(queryid);
        String body = body(queryid, query);
        return planners.run(s -> {
            Generic g = generic(s, queryid, body);
            return withTableSizes(s.connection(), summarise(queryid, query, g.method(), g.planning(), g.explain()));
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
     * Reads at once who ran each of these statements (for a session that will plan many of them).
     */
    public void prepare(PlanningSession s, Collection<Long> queryids) throws SQLException {
        if (!s.canAct()) {
            s.loadUsers(queryids);
        }
    }

    /**
     * The same for statements whose users the caller already has from a statements snapshot
     * ({@code userids}: each query id's users, most calls first): pg_stat_statements is not read again.
     */
    public void prepareKnown(PlanningSession s, Map<Long, List<Long>> userids) throws SQLException {
        if (!s.canAct()) {
            s.loadKnownUsers(userids);
        }
    }

    /**
     * The generic plan of {@code body} (from {@link #body}) on this planning session, as
     * {@link #planning} decides, inside a read-only transaction that is rolled back; a statement it
     * prepared is deallocated and any advisory lock a function took is released before it returns.
     * Hypothetical indexes (HypoPG) the session holds are seen by the planner.
     */
    public Generic generic(PlanningSession s, long queryid, String body) throws SQLException {
        Planning planning = planning(s, queryid, body);
        Connection c = s.connection();
        String helper;
        try {
            helper = s.helper(planning.role());
        } catch (SQLException e) {
            throw new NotExplainableException(queryid, "PostgreSQL could not prepare a plan as " + planning.role()
                    + ": " + e.getMessage());
        }
        Explained plan;
        try {
            plan = Transactions.rolledBack(c, () -> explain(s, c, planning, helper, body));
        } catch (SQLException e) {
            throw new NotExplainableException(queryid, "PostgreSQL could not plan it as " + planning.role() + " ("
                    + planning.how() + "): " + e.getMessage() + (planning.how().equals("planner_role")
                    ? "; " + planning.detail() : ""));
        } finally {
            if (!c.isClosed()) {
                try (Statement st = c.createStatement()) {
                    // what a function the planner ran may have left in the session: never kept for the next plan
                    st.execute("/* pgsidecar */ DEALLOCATE ALL");
                    st.execute("/* pgsidecar */ SELECT pg_catalog.pg_advisory_unlock_all()");
                }
            }
        }
        try {
            return new Generic(plan.method(), json.readTree(plan.json()), planning);
        } catch (JsonProcessingException e) {
            throw new NotExplainableException(queryid, "unreadable plan: " + e.getOriginalMessage());
        }
    }

    /** The plan's method and its JSON, inside generic's read-only transaction. */
    private record Explained(String method, String json) {
    }

    private Explained explain(PlanningSession s, Connection c, Planning planning, String helper, String body)
            throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("/* pgsidecar */ SET TRANSACTION READ ONLY");
            st.execute("/* pgsidecar */ SET LOCAL statement_timeout = " + config.planTimeout().toMillis());
            try (PreparedStatement ps = c.prepareStatement(
                    "/* pgsidecar */ SELECT pg_catalog.set_config('search_path', ?, true)")) {
                ps.setString(1, planning.searchPath());
                ps.executeQuery().close();
            }
            List<String> statements = new ArrayList<>();
            String method;
            if (s.version() >= 160000) {
                method = "generic_plan";
                statements.add("/* pgsidecar */ EXPLAIN (FORMAT JSON, VERBOSE, GENERIC_PLAN) " + body);
            } else {
                method = "prepare_force_generic_plan";
                String prepared = "pgsidecar_plan_" + SEQ.incrementAndGet();
                st.execute("/* pgsidecar */ SET LOCAL plan_cache_mode = force_generic_plan");
                statements.add("/* pgsidecar */ PREPARE " + prepared + " AS " + body);
                int params = parameterCount(body);
                StringBuilder exec = new StringBuilder("/* pgsidecar */ EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE "
                        + prepared);
                if (params > 0) {
                    exec.append('(').append(String.join(", ", Collections.nCopies(params, "NULL"))).append(')');
                }
                statements.add(exec.toString());
            }
            // the texts go to the helper as a parameter: the simple protocol is not needed for $n to stay unbound
            StringBuilder out = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("/* pgsidecar */ SELECT p::text FROM pg_temp."
                    + Identifiers.quote(helper) + "(?) p")) {
                ps.setArray(1, c.createArrayOf("text", statements.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.append(rs.getString(1));
                    }
                }
            }
            return new Explained(method, out.toString());
        }
    }

    /**
     * As whom, and with which search_path, this statement may be planned on this session; or
     * NotExplainableException naming the function that planning could run with rights that act.
     */
    Planning planning(PlanningSession s, long queryid, String body) throws SQLException {
        List<PlanningSession.StatementUser> users = s.canAct() ? List.of() : s.usersOf(queryid);
        String ranBy = users.isEmpty() ? null : users.get(0).role();
        if (!s.canAct()) {
            String path;
            for (PlanningSession.StatementUser u : users) {
                if (u.maySet()) {
                    path = s.searchPathOf(u.role());
                    return new Planning(u.role(), "statement_user", path, "planned as " + u.role()
                            + ", the role that ran it: the functions planning evaluated ran with its rights");
                }
            }
            path = s.searchPathOf(ranBy != null ? ranBy : s.login());
            String why = ranBy == null ? "the role that ran it is not known any more"
                    : ranBy + ", the role that ran it, is not one the login " + s.login() + " may switch to";
            // the configured planner, else the one `pgsidecar grants` makes (it reads every table, writes none)
            Optional<String> configured = config.plannerRole().map(String::trim).filter(r -> !r.isEmpty());
            String plannerRole = configured.orElse(RightsReport.PLANNER);
            Planning chosen;
            if (s.mayBecome(plannerRole)) {
                chosen = new Planning(plannerRole, "planner_role", path, "planned as " + plannerRole
                        + (configured.isPresent() ? " (pgsidecar.statements.planner-role)" : " (the planner role of "
                        + "pgsidecar grants)") + ": " + why);
            } else {
                chosen = new Planning(s.login(), "agent_login", path, "planned as the agent's observing login "
                        + s.login() + ", which cannot act" + (configured.isPresent() ? " (the planner role " + plannerRole
                        + " is not one it may switch to)" : "") + ": " + why);
            }
            // a role that may read more than the one that ran the text evaluates no stranger's function
            List<String[]> reached = screen(s, body);
            if (!reached.isEmpty()) {
                throw untrusted(queryid, reached, chosen.role() + ", which may read more than the role that ran it (" + why
                        + "); trust the function's owner with pgsidecar.statements.plan-trusted-roles if its functions "
                        + "may run with those rights");
            }
            return chosen;
        }
        List<String[]> reached = screen(s, body);
        if (!reached.isEmpty()) {
            throw untrusted(queryid, reached, "the agent's login " + s.login() + ", which can act ("
                    + String.join(", ", s.actingRights()) + "). Give the agent an observing login (README, \"Roles and "
                    + "rights\"; pgsidecar grants), or trust the owner with pgsidecar.statements.plan-trusted-roles");
        }
        return new Planning(s.login(), "screened", s.searchPathOf(s.login()), "planned as the agent's login "
                + s.login() + ", which can act (" + String.join(", ", s.actingRights()) + "), after the screen found "
                + "no function outside the trusted owners within the text's reach");
    }

    /** The refusal to plan a text that reaches these functions with the rights of {@code whose}. */
    private static NotExplainableException untrusted(long queryid, List<String[]> reached, String whose) {
        String[] f = reached.get(0);
        return new NotExplainableException(queryid, "not planned: planning would run " + f[0] + " (owned by " + f[1]
                + ", " + f[2] + ")" + (reached.size() > 1 ? " and " + (reached.size() - 1) + " more function(s)" : "")
                + " with the rights of " + whose);
    }

    /** Functions outside the trusted owners the text can reach: {signature, owner, how reached}. */
    private List<String[]> screen(PlanningSession s, String body) throws SQLException {
        TextNames names = TextNames.of(body);
        Connection c = s.connection();
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PlanningQueries.SCREEN)) {
            ps.setArray(1, c.createArrayOf("text", config.planTrustedRoles().orElse(List.of()).toArray()));
            Object[] identifiers = names.names().toArray();
            ps.setArray(2, c.createArrayOf("text", identifiers));
            ps.setArray(3, c.createArrayOf("text", identifiers));
            ps.setArray(4, c.createArrayOf("text", names.operators().toArray()));
            ps.setArray(5, c.createArrayOf("text", identifiers));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        return out;
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
        return new Plan(plan.queryid(), plan.query(), plan.method(), plan.planning(), plan.totalCost(),
                plan.planRows(), sized, plan.nodes(), plan.plan());
    }

    static int parameterCount(String text) {
        Matcher m = PARAM.matcher(text);
        int max = 0;
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max;
    }

    static Plan summarise(long queryid, String query, String method, Planning planning, JsonNode explain) {
        JsonNode root = explain.path(0).path("Plan");
        List<PlanNode> nodes = new ArrayList<>();
        List<SeqScan> seq = new ArrayList<>();
        walk(root, 0, nodes, seq);
        return new Plan(Long.toString(queryid), query, method, planning, root.path("Total Cost").asDouble(),
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
