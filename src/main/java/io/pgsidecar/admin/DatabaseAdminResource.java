package io.pgsidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsidecar.audit.AuditEntry;
import io.pgsidecar.audit.AuditLog;
import io.pgsidecar.db.PoolMetrics;
import io.pgsidecar.db.PoolStats;
import io.pgsidecar.health.HealthReport;
import io.pgsidecar.health.HealthReportService;
import io.pgsidecar.leader.LeaderElector;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The foundation's admin endpoints: the health report, the agent's pool, leadership, audit log. */
@Path("/api/v1/admin/database")
@Produces(MediaType.APPLICATION_JSON)
public class DatabaseAdminResource {

    private final HealthReportService health;
    private final PoolMetrics pool;
    private final LeaderService leader;
    private final AuditLog audit;
    private final AuditContext auditContext;
    private final CollectorMetrics collectors;
    private final AdminConfig config;
    private final Bodies bodies;

    public DatabaseAdminResource(HealthReportService health, PoolMetrics pool, LeaderService leader, AuditLog audit,
                                 AuditContext auditContext, CollectorMetrics collectors, AdminConfig config,
                                 Bodies bodies) {
        this.bodies = bodies;
        this.health = health;
        this.pool = pool;
        this.leader = leader;
        this.audit = audit;
        this.auditContext = auditContext;
        this.collectors = collectors;
        this.config = config;
    }

    /** A live composite check of the database and of this agent. */
    @GET
    @Path("/health")
    public ApiResponse<HealthReport> health() {
        return ApiResponse.success(health.report());
    }

    /** This agent's own connection pool. */
    @GET
    @Path("/pool")
    public ApiResponse<PoolStats> pool() {
        return ApiResponse.success(pool.stats());
    }

    /** Leadership as this instance sees it. */
    @RegisterForReflection
    public record LeaderView(boolean leader, boolean electionEnabled, Instant since, String lastError,
                             long transitions, double leaseSeconds) {
    }

    @GET
    @Path("/leader")
    public ApiResponse<LeaderView> leader() {
        return ApiResponse.success(view(leader.state()));
    }

    /** What a step-down did, or would do with {@code dry_run=true}. */
    @RegisterForReflection
    public record StepDownResult(boolean dryRun, boolean wasLeader, String message) {
    }

    /**
     * Makes this instance give up leadership for one lease (for example before draining its pod), so
     * another sidecar takes over the scheduled work.
     */
    @POST
    @Path("/leader/step-down")
    public ApiResponse<StepDownResult> stepDown(@QueryParam("dry_run") String dryRunParam,
                                                JsonNode json) {
        auditContext.action("leader.step-down");
        boolean dryRun = ChangeRequest.dryRun(dryRunParam, json, bodies, auditContext);
        if (!leader.isLeader()) {
            throw new ApiException.Conflict("not_leader", "this instance is not the leader; nothing to step down from");
        }
        if (dryRun) {
            return ApiResponse.success(new StepDownResult(true, true,
                    "would release the leader lock and stay out of the election for "
                            + leader.config().lease().toSeconds() + " s"));
        }
        leader.stepDown();
        return ApiResponse.success(new StepDownResult(false, true, "released the leader lock; another instance "
                + "takes over within " + leader.config().lease().toSeconds() + " s"));
    }

    /** The audit log, newest first. */
    @GET
    @Path("/audit")
    public ApiResponse<List<AuditEntry>> audit(@QueryParam("limit") String limitParam,
                                               @QueryParam("action") String action) {
        int limit = Params.intInRange("limit", limitParam, 50, 1, config.maxAuditLimit());
        return ApiResponse.success(audit.list(limit, Optional.ofNullable(action).filter(a -> !a.isBlank())));
    }

    /** Each scheduled collector: last run, last success, errors. */
    @GET
    @Path("/collectors")
    public ApiResponse<Map<String, CollectorMetrics.Status>> collectors() {
        return ApiResponse.success(collectors.statuses());
    }

    private LeaderView view(LeaderElector.State s) {
        return new LeaderView(s.leader(), leader.config().enabled(), s.since().orElse(null),
                s.lastError().orElse(null), s.transitions(), leader.config().lease().toMillis() / 1000.0);
    }
}
