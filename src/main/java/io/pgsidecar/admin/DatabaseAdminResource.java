package io.pgsidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsidecar.audit.AuditEntry;
import io.pgsidecar.audit.AuditLog;
import io.pgsidecar.db.PoolMetrics;
import io.pgsidecar.db.PoolStats;
import io.pgsidecar.db.RightsReport;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

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
    private final RightsReport rights;

    public DatabaseAdminResource(HealthReportService health, PoolMetrics pool, LeaderService leader, AuditLog audit,
                                 AuditContext auditContext, CollectorMetrics collectors, AdminConfig config,
                                 Bodies bodies, RightsReport rights) {
        this.rights = rights;
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
    @Operation(summary = "Health report", description = "A live check of the database (version, extensions, "
            + "connections, locks, replication) and of this agent (pool, leader, migrations, collectors).")
    public ApiResponse<HealthReport> health() {
        return ApiResponse.success(health.report());
    }

    /** This agent's own connection pool. */
    @GET
    @Path("/pool")
    @Operation(summary = "The agent's own connection pool", description = "Size, in use, idle, waiting and the "
            + "most ever in use, from the agent's pool (never the application's).")
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
    @Operation(summary = "Leadership as this agent sees it")
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
    @Operation(summary = "Give up leadership for one lease", description = "Another agent takes over the "
            + "scheduled work within the lease; use it before draining this pod.")
    @APIResponse(responseCode = "200", description = "What the step-down did, or would do.")
    @APIResponse(responseCode = "409", description = "`not_leader`: this agent is not the leader.")
    public ApiResponse<StepDownResult> stepDown(
            @Parameter(description = ChangeRequest.DRY_RUN_DOC, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("dry_run") String dryRunParam,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ChangeRequest.class))) JsonNode json) {
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

    /** The agent's rights: who observes and acts, what is possible, and the GRANT script (a live read). */
    @GET
    @Path("/rights")
    @Operation(summary = "The agent's roles and rights, and the SQL that gives them", description = "Who observes "
            + "(and whether that login could act, in which case plans are screened), who acts and how, which action of "
            + "each feature is possible now, and `grants`: the SQL that creates the observing and acting roles with "
            + "exactly the rights the enabled features need on this server (what `pgsidecar grants` prints).")
    public ApiResponse<RightsReport.Report> rights() {
        return ApiResponse.success(rights.report());
    }

    /** The audit log, newest first. */
    @GET
    @Path("/audit")
    @Operation(summary = "The audit log, newest first", description = "Every call that changed something "
            + "(or was refused), who made it, its parameters and outcome.")
    public ApiResponse<List<AuditEntry>> audit(
            @Parameter(description = "How many entries, 1 to `pgsidecar.admin.max-audit-limit`.",
                    schema = @Schema(type = SchemaType.INTEGER, defaultValue = "50", minimum = "1"))
            @QueryParam("limit") String limitParam,
            @Parameter(description = "Only this action, for example `maintenance.run`.")
            @QueryParam("action") String action) {
        int limit = Params.intInRange("limit", limitParam, 50, 1, config.maxAuditLimit());
        return ApiResponse.success(audit.list(limit, Optional.ofNullable(Params.text("action", action))));
    }

    /** Each scheduled collector: last run, last success, errors. */
    @GET
    @Path("/collectors")
    @Operation(summary = "Each scheduled collector", description = "By name: last run, last success, its "
            + "duration, consecutive errors and the last error.")
    public ApiResponse<Map<String, CollectorMetrics.Status>> collectors() {
        return ApiResponse.success(collectors.statuses());
    }

    private LeaderView view(LeaderElector.State s) {
        return new LeaderView(s.leader(), leader.config().enabled(), s.since().orElse(null),
                s.lastError().orElse(null), s.transitions(), leader.config().lease().toMillis() / 1000.0);
    }
}
