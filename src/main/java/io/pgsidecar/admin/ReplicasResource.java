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
    public ApiResponse<ReplicaStatus> health(@PathParam("replica_name") String name) {
        audit.action("replicas.health-check").param("replica", name);
        return ApiResponse.success(monitor.checkNow(name, db.pool().acquisitionTimeout()));
    }

    @GET
    @Path("/route")
    public ApiResponse<ReadRouting.Route> route(@QueryParam("strategy") String strategy) {
        return ApiResponse.success(routing.route(Optional.ofNullable(strategy)));
    }
}
