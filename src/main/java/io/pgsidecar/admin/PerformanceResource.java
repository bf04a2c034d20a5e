package io.pgsidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsidecar.connections.ConnectionsPoller;
import io.pgsidecar.connections.ConnectionsSnapshot;
import io.pgsidecar.db.PoolMetrics;
import io.pgsidecar.statements.PlanService;
import io.pgsidecar.statements.StatementHistory;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.statements.StatementsSnapshot;
import io.pgsidecar.statements.StatementsSnapshot.StatementStat;
import io.pgsidecar.statements.UnknownQueryException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Query performance: served from the latest snapshot (no database work per GET), except the plan
 * and a statement's stored history, which are explicit reads.
 */
@Path("/api/v1/admin/database/performance")
@Produces(MediaType.APPLICATION_JSON)
public class PerformanceResource {

    private static final int TOP_LIST = 10;
    private static final String QUERYID_DOC = "The statement's query id, as pg_stat_statements gives it (a signed "
            + "64-bit number).";

    private final StatementsPoller statements;
    private final StatementHistory history;
    private final ConnectionsPoller connections;
    private final PlanService plans;
    private final PoolMetrics pool;
    private final AuditContext audit;
    private final Bodies bodies;
    private final io.pgsidecar.statements.ShownTexts shown;
    /** How long an answer waits for the texts it lists before it names them pending. */
    private static final Duration TEXT_BOUND = Duration.ofSeconds(3);

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(PerformanceResource.class);
    private final io.pgsidecar.plans.PlanHistory planHistory;

    public PerformanceResource(StatementsPoller statements, StatementHistory history, ConnectionsPoller connections,
                               PlanService plans, PoolMetrics pool, AuditContext audit, Bodies bodies,
                               io.pgsidecar.statements.ShownTexts shown, io.pgsidecar.plans.PlanHistory planHistory) {
        this.shown = shown;
        this.planHistory = planHistory;
        this.statements = statements;
        this.history = history;
        this.connections = connections;
        this.plans = plans;
        this.pool = pool;
        this.audit = audit;
        this.bodies = bodies;
    }

    @GET
    @Path("/stats")
    @Operation(summary = "Statements of the last interval", description = "From the latest poll of "
            + "pg_stat_statements: per-statement deltas and rates, slow queries, regressions, N+1 patterns, error "
            + "rates, the connection pool view and the top lists. Every statement listed has its text: texts the "
            + "agent has not read yet are read for the answer (one batched read of the rows shown, shared by "
            + "concurrent callers, at most every 2 s, within 3 s); any still missing are named in "
            + "`interval.texts_pending_ids`. The agent's own statements are left out and counted in "
            + "`analysis.agent_own` unless `include_agent=true`.")
    public ApiResponse<Map<String, Object>> stats(
            @Parameter(description = "How many statements in `query_statistics`, by total time.",
                    schema = @Schema(type = SchemaType.INTEGER, defaultValue = "50", minimum = "1", maximum = "1000"))
            @QueryParam("limit") String limitParam,
            @Parameter(description = "How many slow queries in each list of `slow_queries`.",
                    schema = @Schema(type = SchemaType.INTEGER, defaultValue = "20", minimum = "1", maximum = "1000"))
            @QueryParam("slow_query_limit") String slowLimitParam,
            @Parameter(description = "Also list the agent's own statements (those it marks `/* pgsidecar */`).",
                    schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
            @QueryParam("include_agent") String includeAgentParam) {
        int limit = Params.intInRange("limit", limitParam, 50, 1, 1000);
        int slowLimit = Params.intInRange("slow_query_limit", slowLimitParam, 20, 1, 1000);
        boolean includeAgent = Params.bool("include_agent", includeAgentParam, false);
        io.pgsidecar.statements.ShownTexts.Shown view = shown.show(statements.latest(), Math.max(limit, slowLimit),
                includeAgent, TEXT_BOUND);
        StatementsSnapshot s = view.snapshot();
        ConnectionsSnapshot c = connections.latest();
        Map<String, Object> data = new LinkedHashMap<>();
        Map<String, Object> interval = interval(s);
        interval.put("texts_pending_ids", view.textsPending());
        data.put("interval", interval);
        data.put("availability", s.availability());
        data.put("query_statistics", s.statements().subList(0, Math.min(limit, s.statements().size())));
        Map<String, Object> slow = new LinkedHashMap<>();
        slow.put("by_interval_mean", s.slowQueries().subList(0, Math.min(slowLimit, s.slowQueries().size())));
        slow.put("running_now", c.runningSlow().subList(0, Math.min(slowLimit, c.runningSlow().size())));
        data.put("slow_queries", slow);
        data.put("connection_pool", connectionPool(c));
        Map<String, Object> analysis = new LinkedHashMap<>();
        analysis.put("totals", s.totals());
        analysis.put("by_type", s.byType());
        analysis.put("n_plus_one", s.nPlusOne());
        analysis.put("regressions", s.regressions());
        analysis.put("error_rates", s.databaseRates());
        analysis.put("top", tops(s.statements()));
        analysis.put("agent_own", view.agentOwn());
        analysis.put("entries", s.entries());
        analysis.put("rebaselined", s.rebaselined());
        analysis.put("dealloc", s.dealloc());
        analysis.put("server_restarted", s.serverRestarted());
        data.put("analysis", analysis);
        return ApiResponse.success(data);
    }

    @GET
    @Path("/queries/{queryid}")
    @Operation(summary = "One statement: its text, last interval and stored history")
    @APIResponse(responseCode = "200", description = "The statement, its last interval and its history.")
    @APIResponse(responseCode = "404", description = "`not_found`: no statement with this query id in the last "
            + "interval, the history or pg_stat_statements.")
    public ApiResponse<Map<String, Object>> query(
            @Parameter(description = QUERYID_DOC) @PathParam("queryid") String id,
            @Parameter(description = "How far back the history goes, in hours.",
                    schema = @Schema(type = SchemaType.INTEGER, defaultValue = "24", minimum = "1", maximum = "744"))
            @QueryParam("hours") String hoursParam,
            @Parameter(description = "At most this many history points, newest kept.",
                    schema = @Schema(type = SchemaType.INTEGER, defaultValue = "500", minimum = "1", maximum = "10000"))
            @QueryParam("limit") String limitParam) {
        long queryid = queryId(id);
        int hours = Params.intInRange("hours", hoursParam, 24, 1, 24 * 31);
        int limit = Params.intInRange("limit", limitParam, 500, 1, 10_000);
        StatementStat current = statements.latest().statements().stream()
                .filter(st -> st.queryid().equals(Long.toString(queryid))).findFirst().orElse(null);
        List<StatementHistory.Point> points = history.of(queryid, Duration.ofHours(hours), limit);
        String text = plans.textOrNull(queryid);
        if (current == null && points.isEmpty() && text == null) {
            throw new UnknownQueryException(queryid);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("queryid", Long.toString(queryid));
        data.put("query", text);
        data.put("last_interval", current);
        data.put("history", points);
        return ApiResponse.success(data);
    }

    @GET
    @Path("/queries/{queryid}/plan")
    @Operation(summary = "A statement's generic plan", description = "EXPLAIN (GENERIC_PLAN on PostgreSQL 16 and "
            + "later, a prepared statement with unknown parameters before that) of the normalized text: never "
            + "executed, within the statement timeout.")
    @APIResponse(responseCode = "200", description = "The plan.")
    @APIResponse(responseCode = "404", description = "`not_found`: no statement with this query id.")
    @APIResponse(responseCode = "422", description = "`not_explainable`: the statement cannot be explained (a "
            + "utility statement, more than one statement, or a text that was cut).")
    public ApiResponse<PlanService.Plan> plan(@Parameter(description = QUERYID_DOC) @PathParam("queryid") String id) {
        long queryid = queryId(id);
        PlanService.Plan p = plans.explain(queryid);
        if (planHistory.config().enabled()) {
            try {
                planHistory.record(queryid, p.planning(), p.plan());
            } catch (RuntimeException e) {
                LOG.debugf("the plan of %d was not recorded in the history: %s", queryid, e.getMessage());
            }
        }
        return ApiResponse.success(p);
    }

    @GET
    @Path("/queries/{queryid}/plans")
    @Operation(summary = "A statement's plan history", description = "The shapes its generic plan took, newest "
            + "first: each with its hash, when it was first and last seen, as whom it was planned, its cost, the "
            + "shape (node types, relations, indexes, join order), what changed from the shape before it in words, "
            + "and the plan. Recorded for the top statements every `pgsidecar.plans.plan-interval` and whenever "
            + "the statement's plan is asked for; `skipped` says why its last plan could not be made.")
    @APIResponse(responseCode = "200", description = "The history (empty while the statement was never planned).")
    @APIResponse(responseCode = "404", description = "`not_found`: no statement with this query id.")
    public ApiResponse<io.pgsidecar.plans.PlanHistory.History> planHistory(
            @Parameter(description = QUERYID_DOC) @PathParam("queryid") String id,
            @Parameter(description = "How many shapes.", schema = @Schema(type = SchemaType.INTEGER,
                    defaultValue = "20", minimum = "1", maximum = "100"))
            @QueryParam("limit") String limitParam) {
        long queryid = queryId(id);
        int limit = Params.intInRange("limit", limitParam, 20, 1, 100);
        io.pgsidecar.plans.PlanHistory.History h = planHistory.history(queryid, limit);
        if (h.query() == null && h.plans().isEmpty()) {
            throw new io.pgsidecar.statements.UnknownQueryException(queryid);
        }
        return ApiResponse.success(h);
    }

    @GET
    @Path("/connections")
    @Operation(summary = "Connections", description = "Sessions by application and state, the server's limit, "
            + "leak signals and pool-size suggestions, from the latest poll.")
    public ApiResponse<Map<String, Object>> connections() {
        return ApiResponse.success(connectionPool(connections.latest()));
    }

    /** Resets pg_stat_statements for everyone reading it; audited, supports dry_run. */
    @POST
    @Path("/reset")
    @Operation(summary = "Reset pg_stat_statements", description = "Clears the statistics of all statements for "
            + "every tool that reads them; the next poll starts a new baseline.")
    @APIResponse(responseCode = "200", description = "Done, or what it would do.")
    @APIResponse(responseCode = "403", description = "`no_permission`: the agent's acting role lacks a right this "
            + "needs; the message and `details.lacking` name each right and the GRANT that gives it (a dry run says "
            + "the same).")
    @APIResponse(responseCode = "422", description = "`not_installed`: pg_stat_statements is not installed in "
            + "this database.")
    public ApiResponse<Map<String, Object>> reset(
            @Parameter(description = ChangeRequest.DRY_RUN_DOC, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("dry_run") String dryRunParam,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ChangeRequest.class))) JsonNode json) {
        audit.action("performance.reset");
        boolean dryRun = ChangeRequest.dryRun(dryRunParam, json, bodies, audit);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dry_run", dryRun);
        if (dryRun) {
            statements.resetPermitted();
            data.put("message", "would call pg_stat_statements_reset(): statistics of all statements are cleared "
                    + "for every tool that reads them");
            return ApiResponse.success(data);
        }
        statements.resetStatistics();
        data.put("message", "pg_stat_statements_reset() done; the next poll starts a new baseline");
        return ApiResponse.success(data);
    }

    private Map<String, Object> connectionPool(ConnectionsSnapshot c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agent_pool", pool.stats());
        out.put("server", c);
        return out;
    }

    private static Map<String, Object> interval(StatementsSnapshot s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("captured_at", s.capturedAt());
        out.put("seconds", s.intervalSeconds());
        out.put("age_seconds", s.capturedAt() == null ? null
                : Duration.between(s.capturedAt(), Instant.now()).toMillis() / 1000.0);
        out.put("extension_version", s.extensionVersion());
        out.put("texts_fetched_at", s.textsFetchedAt());
        out.put("texts_pending", s.textsPending());
        return out;
    }

    private static Map<String, Object> tops(List<StatementStat> all) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total_time", top(all, StatementStat::totalMs));
        out.put("mean_time", top(all, StatementStat::meanMs));
        out.put("calls", top(all, st -> st.calls()));
        out.put("rows", top(all, st -> st.rows()));
        out.put("shared_blocks_read", top(all, st -> st.sharedBlksRead()));
        out.put("temp_blocks_written", top(all, st -> st.tempBlksWritten()));
        return out;
    }

    private static List<Map<String, Object>> top(List<StatementStat> all, ToDoubleFunction<StatementStat> by) {
        List<StatementStat> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingDouble(by).reversed());
        List<Map<String, Object>> out = new ArrayList<>();
        for (StatementStat st : sorted.subList(0, Math.min(TOP_LIST, sorted.size()))) {
            if (by.applyAsDouble(st) <= 0) {
                break;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("queryid", st.queryid());
            row.put("query", st.query());
            row.put("value", by.applyAsDouble(st));
            row.put("cache_hit_ratio", st.cacheHitRatio());
            out.add(row);
        }
        return out;
    }

    private static long queryId(String raw) {
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new ApiException.InvalidParameter("queryid", raw, "expected a query id (a 64-bit integer)");
        }
    }
}
