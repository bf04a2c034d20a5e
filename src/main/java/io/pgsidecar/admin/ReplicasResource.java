package io.pgsidecar.admin;

import io.pgsidecar.db.DbConfig;
import io.pgsidecar.replicas.ReadRouting;
import io.pgsidecar.replicas.ReplicaMonitor;
import io.pgsidecar.replicas.ReplicaStatus;
import io.pgsidecar.replicas.ReplicasSnapshot;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Read replicas: status from the last poll, a live check on demand, and read routing. */
@Path("/api/v1/admin/database/replicas")
@Produces(MediaType.APPLICATION_JSON)
public class ReplicasResource {

    private final ReplicaMonitor monitor;
    private final ReadRouting routing;
    private final AuditContext audit;
    private final DbConfig db;

    public ReplicasResource(ReplicaMonitor monitor, ReadRouting routing, AuditContext audit, DbConfig db) {
        this.monitor = monitor;
        this.db = db;
        this.routing = routing;
        this.audit = audit;
    }

    @GET
    @Path("/status")
    @Operation(summary = "Replicas from the last poll", description = "Each configured replica's lag (seconds, "
            + "bytes, replay), health and the reason, connections and weight; the primary's view of its standbys "
            + "and slots; the load-balancing strategy.")
    public ApiResponse<Map<String, Object>> status() {
        ReplicasSnapshot snap = monitor.latest();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("captured_at", snap.capturedAt());
        data.put("replicas", snap.replicas());
        data.put("primary", snap.primary());
        data.put("load_balancing", monitor.config().loadBalancing());
        return ApiResponse.success(data);
    }

    /**
     * A live check of one replica, returned in full (it does not move the replica's health state),
     * within the pool's acquisition timeout like any request.
     */
    @POST
    @Path("/{replica_name}/health")
    @Operation(summary = "Check one replica now", description = "A live check, answered in full; it does not "
            + "move the replica's health state (the poll does).")
    @APIResponse(responseCode = "200", description = "The replica as checked now.")
    @APIResponse(responseCode = "404", description = "`not_found`: no replica of this name is configured.")
    public ApiResponse<ReplicaStatus> health(
            @Parameter(description = "A replica's name from `READ_REPLICAS` (`pgsidecar.replicas.list`).") @PathParam("replica_name") String name) {
        audit.action("replicas.health-check").param("replica", name);
        return ApiResponse.success(monitor.checkNow(name, db.pool().acquisitionTimeout()));
    }

    @GET
    @Path("/route")
    @Operation(summary = "Pick a replica for the next read", description = "Among the healthy replicas, by the "
            + "strategy; the primary (`fallback: true`) when none is healthy, unless the fallback is `unavailable`.")
    @APIResponse(responseCode = "200", description = "The replica (or the primary) for the next read.")
    @APIResponse(responseCode = "503", description = "`no_replica_available`: no healthy replica and the fallback "
            + "is `unavailable`.")
    public ApiResponse<ReadRouting.Route> route(
            @Parameter(description = "Instead of the configured `REPLICA_LOAD_BALANCING` (`pgsidecar.replicas.load-balancing`).",
                    schema = @Schema(type = SchemaType.STRING, enumeration = {"round_robin", "weighted_random",
                            "least_connections"}))
            @QueryParam("strategy") String strategy) {
        return ApiResponse.success(routing.route(Optional.ofNullable(strategy)));
    }
}
