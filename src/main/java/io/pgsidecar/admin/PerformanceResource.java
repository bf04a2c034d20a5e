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

/**
 * Query performance: served from the latest snapshot (no database work per GET), except the plan
 * and a statement's stored history, which are explicit reads.
 */
@Path("/api/v1/admin/database/performance")
@Produces(MediaType.APPLICATION_JSON)
public class PerformanceResource {

    private static final int TOP_LIST = 10;

    private final StatementsPoller statements;
    private final StatementHistory history;
    private final ConnectionsPoller connections;
    private final PlanService plans;
    private final PoolMetrics pool;
    private final AuditContext audit;
    private final Bodies bodies;

    public PerformanceResource(StatementsPoller statements, StatementHistory history, ConnectionsPoller connections,
                               PlanService plans, PoolMetrics pool, AuditContext audit, Bodies bodies) {
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
    public ApiResponse<Map<String, Object>> stats(@QueryParam("limit") String limitParam,
                                                  @QueryParam("slow_query_limit") String slowLimitParam) {
        int limit = Params.intInRange("limit", limitParam, 50, 1, 1000);
        int slowLimit = Params.intInRange("slow_query_limit", slowLimitParam, 20, 1, 1000);
        StatementsSnapshot s = statements.latest();
        ConnectionsSnapshot c = connections.latest();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("interval", interval(s));
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
        analysis.put("entries", s.entries());
        analysis.put("rebaselined", s.rebaselined());
        analysis.put("dealloc", s.dealloc());
        analysis.put("server_restarted", s.serverRestarted());
        data.put("analysis", analysis);
        return ApiResponse.success(data);
    }

    @GET
    @Path("/queries/{queryid}")
    public ApiResponse<Map<String, Object>> query(@PathParam("queryid") String id, @QueryParam("hours") String hoursParam,
                                                  @QueryParam("limit") String limitParam) {
        long queryid = queryId(id);
        int hours = Params.intInRange("hours", hoursParam, 24, 1, 24 * 31);
        int limit = Params.intInRange("limit", limitParam, 500, 1, 10_000);
        StatementStat current = statements.latest().statements().stream()
                .filter(st -> st.queryid().equals(Long.toString(queryid))).findFirst().orElse(null);
        List<StatementHistory.Point> points = history.of(queryid, Duration.ofHours(hours), limit);
        String text = statements.textOf(queryid);
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
    public ApiResponse<PlanService.Plan> plan(@PathParam("queryid") String id) {
        return ApiResponse.success(plans.explain(queryId(id)));
    }

    @GET
    @Path("/connections")
    public ApiResponse<Map<String, Object>> connections() {
        return ApiResponse.success(connectionPool(connections.latest()));
    }

    /** Resets pg_stat_statements for everyone reading it; audited, supports dry_run. */
    @POST
    @Path("/reset")
    public ApiResponse<Map<String, Object>> reset(@QueryParam("dry_run") String dryRunParam, JsonNode json) {
        audit.action("performance.reset");
        boolean dryRun = ChangeRequest.dryRun(dryRunParam, json, bodies, audit);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dry_run", dryRun);
        if (dryRun) {
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
