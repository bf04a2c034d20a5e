package io.pgsidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgsidecar.indexes.IndexAnalysis;
import io.pgsidecar.indexes.IndexService;
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

/**
 * Indexes: the analysis (cached, {@code refresh=true} recomputes), a safe create of one index, the
 * recommended ones one at a time, and the build jobs.
 */
@Path("/api/v1/admin/database/indexes")
@Produces(MediaType.APPLICATION_JSON)
public class IndexesResource {

    /** Body of {@code POST .../indexes/create}: a statement, the structured fields, or a recommendation. */
    @RegisterForReflection
    public record CreateBody(String sqlStatement, String tableName, List<String> columns, String where, String method,
                             String name, Boolean descending, Boolean unique, String recommendationId, Boolean dryRun,
                             String reason) {
    }

    /** Body of {@code POST .../indexes/create-recommended}. */
    @RegisterForReflection
    public record RecommendedBody(String priority, Boolean dryRun, String reason) {
    }

    private final IndexService indexes;
    private final AuditContext audit;
    private final Bodies bodies;

    public IndexesResource(IndexService indexes, AuditContext audit, Bodies bodies) {
        this.indexes = indexes;
        this.audit = audit;
        this.bodies = bodies;
    }

    @GET
    @Path("/analysis")
    public ApiResponse<IndexAnalysis> analysis(@QueryParam("refresh") String refresh) {
        return ApiResponse.success(indexes.analysis(Params.bool("refresh", refresh, false)));
    }

    /** Builds one index concurrently (200 when it ended within the wait, 202 while it runs), or plans it. */
    @POST
    @Path("/create")
    public Response create(@QueryParam("dry_run") String dryRunParam, JsonNode json) {
        audit.action("indexes.create");
        CreateBody b = bodies.read(json, CreateBody.class);
        if (b == null) {
            throw new ApiException.InvalidParameter("body", "none", "expected {sql_statement} or {table_name, columns} "
                    + "or {recommendation_id}");
        }
        boolean dryRun = Params.bool("dry_run", dryRunParam, false) || Boolean.TRUE.equals(b.dryRun());
        audit.param("dry_run", dryRun);
        if (b.sqlStatement() != null) {
            audit.param("sql_statement", b.sqlStatement().length() > 500 ? b.sqlStatement().substring(0, 500) + "..."
                    : b.sqlStatement());
        }
        if (b.tableName() != null) {
            audit.param("table_name", b.tableName().length() > 200 ? b.tableName().substring(0, 200) : b.tableName());
        }
        if (b.columns() != null) {
            audit.param("columns", b.columns().size() > 32 ? b.columns().subList(0, 32) : b.columns());
        }
        if (b.recommendationId() != null) {
            audit.param("recommendation_id", b.recommendationId());
        }
        ChangeRequest.reason(b.reason(), audit);
        IndexService.CreateAnswer answer = indexes.create(new IndexService.CreateRequest(b.sqlStatement(), b.tableName(),
                b.columns(), b.where(), b.method(), b.name(), b.descending(), b.unique(), b.recommendationId()),
                dryRun, audit.caller());
        if (answer.build() != null) {
            audit.param("build_id", answer.build().id());
        }
        return Response.status("running".equals(answer.state()) || "queued".equals(answer.state()) ? 202 : 200)
                .type(MediaType.APPLICATION_JSON).entity(ApiResponse.success(answer)).build();
    }

    /** The current recommendations from a priority up, built one at a time in the background (202), or planned. */
    @POST
    @Path("/create-recommended")
    public Response createRecommended(@QueryParam("priority") String priorityParam,
                                      @QueryParam("dry_run") String dryRunParam, JsonNode json) {
        audit.action("indexes.create_recommended");
        RecommendedBody b = bodies.read(json, RecommendedBody.class);
        boolean dryRun = Params.bool("dry_run", dryRunParam, false) || (b != null && Boolean.TRUE.equals(b.dryRun()));
        String priority = priorityParam != null ? priorityParam : b == null ? null : b.priority();
        audit.param("dry_run", dryRun).param("priority", priority == null ? "high" : priority);
        ChangeRequest.reason(b == null ? null : b.reason(), audit);
        List<IndexService.Queued> queued = indexes.createRecommended(priority, dryRun, audit.caller());
        return Response.status(dryRun || queued.isEmpty() ? 200 : 202).type(MediaType.APPLICATION_JSON)
                .entity(ApiResponse.success(queued)).build();
    }

    @GET
    @Path("/jobs/{id}")
    public ApiResponse<IndexAnalysis.Build> job(@PathParam("id") String id) {
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new ApiException.InvalidParameter("id", id, "expected a build id (a whole number)");
        }
        return ApiResponse.success(indexes.job(n));
    }
}
