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

/** Partitions: every partitioned table's state, candidates for partitioning, ranges made, retention now. */
@Path("/api/v1/admin/database/partitions")
@Produces(MediaType.APPLICATION_JSON)
public class PartitionsResource {

    /** Body of {@code POST .../partitions/create}. */
    @RegisterForReflection
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
    public ApiResponse<PartitionsStatus> status() {
        return ApiResponse.success(partitions.status());
    }

    @GET
    @Path("/analyze")
    public ApiResponse<PartitionAnalysis> analyze() {
        return ApiResponse.success(partitions.analyze());
    }

    /** Makes the partitions covering a date range (idempotent), or plans them with {@code dry_run}. */
    @POST
    @Path("/create")
    public ApiResponse<PartitionManager.Result> create(@QueryParam("dry_run") String dryRunParam, JsonNode json) {
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
    public ApiResponse<PartitionManager.Result> cleanup(@PathParam("table_name") String tableName,
                                                        @QueryParam("dry_run") String dryRunParam, JsonNode json) {
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
