package io.pgsidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsidecar.maintenance.MaintenanceRun;
import io.pgsidecar.maintenance.MaintenanceService;
import io.pgsidecar.maintenance.MaintenanceStatus;
import io.pgsidecar.maintenance.Task;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Maintenance: what each task does and would do, runs (dry or real), history, cancel. */
@Path("/api/v1/admin/database/maintenance")
@Produces(MediaType.APPLICATION_JSON)
public class MaintenanceResource {

    static final int MAX_TABLES = 100;
    static final Set<String> OUTCOMES = Set.of("running", "ok", "partial", "failed", "skipped", "cancelled", "missed",
            "interrupted");

    /** Body of {@code POST .../tasks/{task_name}/run}. */
    @RegisterForReflection
    public record RunRequest(Boolean dryRun, List<String> tables, String reason) {
    }

    private final MaintenanceService maintenance;
    private final AuditContext audit;
    private final Bodies bodies;

    public MaintenanceResource(MaintenanceService maintenance, AuditContext audit, Bodies bodies) {
        this.maintenance = maintenance;
        this.audit = audit;
        this.bodies = bodies;
    }

    @GET
    @Path("/status")
    @Operation(summary = "Maintenance tasks", description = "Each task's schedule, next and last run, what is "
            + "running now, and the candidates it would work on.")
    public ApiResponse<MaintenanceStatus> status() {
        return ApiResponse.success(maintenance.status());
    }

    /**
     * Runs a task now. A dry run answers the plan (items with their exact SQL) and changes nothing; a
     * real run answers 202 with its id and goes on in the background.
     */
    @POST
    @Path("/tasks/{task_name}/run")
    @Operation(summary = "Run a task now", description = "A dry run answers the plan (each item with its exact "
            + "SQL and why) and changes nothing; a real run answers 202 with its id and goes on in the background, "
            + "once per database whichever agent is asked.")
    @APIResponse(responseCode = "200", description = "The plan of a dry run.")
    @APIResponse(responseCode = "202", description = "The run started; follow it at `GET .../maintenance/runs/{id}`.")
    @APIResponse(responseCode = "403", description = "`no_permission`: the agent's acting role lacks a right this "
            + "needs; the message and `details.lacking` name each right and the GRANT that gives it (a dry run says "
            + "the same).")
    @APIResponse(responseCode = "404", description = "`not_found`: no task of this name.")
    @APIResponse(responseCode = "409", description = "`already_running`: a run of this task (or another run) is in "
            + "progress; `details.run_id` names it.")
    @APIResponse(responseCode = "422", description = "`refused`: the database is a standby, or index repair on "
            + "PostgreSQL 14.0 to 14.3.")
    public Response run(
            @Parameter(description = "The task.", schema = @Schema(type = SchemaType.STRING, enumeration = {
                    "update_statistics", "vacuum", "maintain_indexes", "cleanup_old_data", "connection_health",
                    "housekeeping"}))
            @PathParam("task_name") String taskName,
            @Parameter(description = ChangeRequest.DRY_RUN_DOC, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("dry_run") String dryRunParam,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RunRequest.class))) JsonNode json) {
        audit.action("maintenance.run").param("task", taskName);
        RunRequest req = bodies.read(json, RunRequest.class);
        boolean dryRun = Params.bool("dry_run", dryRunParam, false) || (req != null && Boolean.TRUE.equals(req.dryRun()));
        audit.param("dry_run", dryRun);
        Task task = MaintenanceService.task(taskName);
        Optional<List<String>> tables = Optional.ofNullable(req).map(RunRequest::tables);
        if (tables.isPresent() && (tables.get().isEmpty() || tables.get().size() > MAX_TABLES)) {
            throw new ApiException.InvalidParameter("tables", tables.get().size() + " names",
                    "expected 1 to " + MAX_TABLES + " table names, or no tables field for every candidate");
        }
        String reason = req == null ? null : req.reason();
        tables.ifPresent(t -> audit.param("tables", t));
        ChangeRequest.reason(reason, audit);
        MaintenanceService.RunAnswer answer = maintenance.run(task, dryRun, tables, audit.caller(), reason, "manual");
        if (answer.runId() != null) {
            audit.param("run_id", answer.runId());
        }
        return Response.status(dryRun ? 200 : 202).type(MediaType.APPLICATION_JSON)
                .entity(ApiResponse.success(answer)).build();
    }

    @GET
    @Path("/runs")
    @Operation(summary = "Maintenance history, newest first")
    public ApiResponse<List<MaintenanceRun>> runs(
            @Parameter(description = "Only runs of this task.") @QueryParam("task") String task,
            @Parameter(description = "Only runs that ended so: running, ok, partial, failed, skipped, cancelled, "
                    + "missed or interrupted.") @QueryParam("outcome") String outcome,
            @Parameter(description = "How many runs.", schema = @Schema(type = SchemaType.INTEGER, defaultValue = "50",
                    minimum = "1", maximum = "1000"))
            @QueryParam("limit") String limitParam) {
        int limit = Params.intInRange("limit", limitParam, 50, 1, 1000);
        Optional<Task> t = Optional.ofNullable(task).filter(s -> !s.isBlank()).map(s -> Task.parse(s.trim())
                .orElseThrow(() -> new ApiException.InvalidParameter("task", s, "expected update_statistics, vacuum, "
                        + "maintain_indexes, cleanup_old_data, connection_health or housekeeping")));
        Optional<String> o = Optional.ofNullable(outcome).filter(s -> !s.isBlank())
                .map(s -> s.trim().toLowerCase(Locale.ROOT));
        if (o.isPresent() && !OUTCOMES.contains(o.get())) {
            throw new ApiException.InvalidParameter("outcome", outcome, "expected one of " + String.join(", ",
                    new java.util.TreeSet<>(OUTCOMES)));
        }
        return ApiResponse.success(maintenance.runs(t, o, limit));
    }

    @GET
    @Path("/runs/{id}")
    @Operation(summary = "One run with its items", description = "Each item's SQL, outcome, duration and reason.")
    @APIResponse(responseCode = "200", description = "The run and its items.")
    @APIResponse(responseCode = "404", description = "`not_found`: no run with this id.")
    public ApiResponse<MaintenanceRun.Detail> runDetail(
            @Parameter(description = "The run's id.", schema = @Schema(type = SchemaType.INTEGER))
            @PathParam("id") String id) {
        return ApiResponse.success(maintenance.run(runId(id)));
    }

    /** Cancels a running run (its current statement, and every item not started yet). */
    @POST
    @Path("/runs/{id}/cancel")
    @Operation(summary = "Cancel a running run", description = "Cancels its current statement and every item "
            + "not started yet.")
    @APIResponse(responseCode = "200", description = "The run, cancelled (or as it is, for a dry run).")
    @APIResponse(responseCode = "404", description = "`not_found`: no run with this id.")
    @APIResponse(responseCode = "409", description = "`not_running`: the run has ended.")
    public ApiResponse<MaintenanceRun> cancel(
            @Parameter(description = "The run's id.", schema = @Schema(type = SchemaType.INTEGER))
            @PathParam("id") String id,
            @Parameter(description = ChangeRequest.DRY_RUN_DOC, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("dry_run") String dryRunParam,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ChangeRequest.class))) JsonNode json) {
        audit.action("maintenance.cancel").param("run_id", id);
        boolean dryRun = ChangeRequest.dryRun(dryRunParam, json, bodies, audit);
        long runId = runId(id);
        if (dryRun) {
            return ApiResponse.success(maintenance.run(runId).run());
        }
        return ApiResponse.success(maintenance.cancel(runId, audit.caller()));
    }

    private static long runId(String raw) {
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new ApiException.InvalidParameter("id", raw, "expected a run id (a whole number)");
        }
    }
}
