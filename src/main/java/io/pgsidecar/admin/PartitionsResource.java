package io.pgsidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsidecar.partitions.PartitionAnalysis;
import io.pgsidecar.partitions.PartitionManager;
import io.pgsidecar.partitions.PartitionService;
import io.pgsidecar.partitions.PartitionsStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Partitions: every partitioned table's state, candidates for partitioning, ranges made, retention now. */
@Path("/api/v1/admin/database/partitions")
@Produces(MediaType.APPLICATION_JSON)
public class PartitionsResource {

    /** Body of {@code POST .../partitions/create}. */
    @RegisterForReflection
    @Schema(name = "PartitionsCreateBody")
    public record CreateBody(String tableName, String columnName, String startDate, String endDate, String interval,
                             String timeZone, Boolean dryRun, String reason) {
    }

    /** Body of {@code POST .../partitions/{table_name}/cleanup}. */
    @RegisterForReflection
    public record CleanupBody(Boolean dryRun, Integer retentionMonths, String mode, String reason) {
    }

    private final PartitionService partitions;
    private final AuditContext audit;
    private final Bodies bodies;

    public PartitionsResource(PartitionService partitions, AuditContext audit, Bodies bodies) {
        this.partitions = partitions;
        this.audit = audit;
        this.bodies = bodies;
    }

    @GET
    @Path("/status")
    @Operation(summary = "Partition sets", description = "Each configured or found range-partitioned table: its "
            + "partitions, runway ahead, rows in the default partition, retention and what manages it.")
    public ApiResponse<PartitionsStatus> status() {
        return ApiResponse.success(partitions.status());
    }

    @GET
    @Path("/analyze")
    @Operation(summary = "Candidates for partitioning", description = "Large tables with a date or timestamp "
            + "column that a range-partitioning would help, with the reasons.")
    public ApiResponse<PartitionAnalysis> analyze() {
        return ApiResponse.success(partitions.analyze());
    }

    /** Makes the partitions covering a date range (idempotent), or plans them with {@code dry_run}. */
    @POST
    @Path("/create")
    @Operation(summary = "Make the partitions covering a date range", description = "Idempotent; every DDL "
            + "under the lock timeout.")
    @APIResponse(responseCode = "200", description = "Each step with its SQL and outcome (planned, for a dry run).")
    @APIResponse(responseCode = "403", description = "`no_permission`: the agent's acting role lacks a right this "
            + "needs; the message and `details.lacking` name each right and the GRANT that gives it (a dry run says "
            + "the same).")
    @APIResponse(responseCode = "409", description = "`partition_overlap`: a new partition would overlap existing "
            + "bounds (nothing is created); `managed_by_pg_partman`: pg_partman manages this set; "
            + "`already_running`: another change works on this set.")
    @APIResponse(responseCode = "422", description = "`not_partitioned`: the table is not range-partitioned by "
            + "this column; `refused`: the database is a standby.")
    public ApiResponse<PartitionManager.Result> create(
            @Parameter(description = ChangeRequest.DRY_RUN_DOC, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("dry_run") String dryRunParam,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CreateBody.class)))
            JsonNode json) {
        audit.action("partitions.create");
        CreateBody b = bodies.read(json, CreateBody.class);
        if (b == null) {
            throw new ApiException.InvalidParameter("body", "none", "expected {table_name, column_name, start_date, "
                    + "end_date, interval}");
        }
        boolean dryRun = Params.bool("dry_run", dryRunParam, false) || Boolean.TRUE.equals(b.dryRun());
        audit.param("dry_run", dryRun).param("table_name", b.tableName()).param("column_name", b.columnName())
                .param("start_date", b.startDate()).param("end_date", b.endDate()).param("interval", b.interval());
        ChangeRequest.reason(b.reason(), audit);
        return ApiResponse.success(partitions.create(new PartitionService.CreateRequest(b.tableName(), b.columnName(),
                b.startDate(), b.endDate(), b.interval(), b.timeZone()), dryRun));
    }

    /** Retention now for one table: what it detached or dropped, or would with {@code dry_run}. */
    @POST
    @Path("/{table_name}/cleanup")
    @Operation(summary = "Apply retention to one table now", description = "Detaches (or, only when written, "
            + "drops) the partitions wholly older than the retention.")
    @APIResponse(responseCode = "200", description = "What it detached, archived or dropped (or would).")
    @APIResponse(responseCode = "403", description = "`no_permission`: the agent's acting role lacks a right this "
            + "needs; the message and `details.lacking` name each right and the GRANT that gives it (a dry run says "
            + "the same).")
    @APIResponse(responseCode = "409", description = "`managed_by_pg_partman`: pg_partman manages this set; "
            + "`already_running`: another change works on this set.")
    @APIResponse(responseCode = "422", description = "`not_partitioned`: the table is not range-partitioned by a "
            + "date or timestamp column; `refused`: the database is a standby.")
    public ApiResponse<PartitionManager.Result> cleanup(
            @Parameter(description = "The partitioned table, `schema.table` (or a table on the search path).")
            @PathParam("table_name") String tableName,
            @Parameter(description = ChangeRequest.DRY_RUN_DOC, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("dry_run") String dryRunParam,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CleanupBody.class))) JsonNode json) {
        audit.action("partitions.cleanup").param("table_name", tableName);
        CleanupBody b = bodies.read(json, CleanupBody.class);
        boolean dryRun = Params.bool("dry_run", dryRunParam, false) || (b != null && Boolean.TRUE.equals(b.dryRun()));
        audit.param("dry_run", dryRun);
        Integer months = b == null ? null : b.retentionMonths();
        String mode = b == null ? null : b.mode();
        if (months != null) {
            audit.param("retention_months", months);
        }
        if (mode != null) {
            audit.param("mode", mode);
        }
        ChangeRequest.reason(b == null ? null : b.reason(), audit);
        return ApiResponse.success(partitions.cleanup(tableName, months, mode, dryRun));
    }
}
