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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Indexes: the analysis (cached, {@code refresh=true} recomputes), a safe create of one index, the
 * recommended ones one at a time, and the build jobs.
 */
@Path("/api/v1/admin/database/indexes")
@Produces(MediaType.APPLICATION_JSON)
public class IndexesResource {

    /** Body of {@code POST .../indexes/create}: a statement, the structured fields, or a recommendation. */
    @RegisterForReflection
    @Schema(name = "IndexCreateBody")
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
    @Path("/status")
    @Operation(summary = "Index builds: running here, and what the acting role may build", description = "Whether "
            + "a build runs on this agent, and which builds the acting role's rights allow now (a build needs the "
            + "table's owner), each lacking right with the GRANT that gives it.")
    public ApiResponse<IndexService.Status> status() {
        return ApiResponse.success(indexes.status());
    }

    @GET
    @Path("/analysis")
    @Operation(summary = "Index analysis", description = "Recommendations (validated on the statements' generic "
            + "plans), usage, unused, duplicate, invalid and bloated indexes, and a maintenance plan. Cached for "
            + "`INDEX_CACHE_TTL`; the answer says how old it is.")
    public ApiResponse<IndexAnalysis> analysis(
            @Parameter(description = "true: compute it again now (rate-limited).",
                    schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
            @QueryParam("refresh") String refresh) {
        return ApiResponse.success(indexes.analysis(Params.bool("refresh", refresh, false)));
    }

    /** Builds one index concurrently (200 when it ended within the wait, 202 while it runs), or plans it. */
    @POST
    @Path("/create")
    @Operation(summary = "Build one index concurrently", description = "From a `CREATE INDEX` statement, a table "
            + "and columns, or a recommendation's id: validated, then built with `CREATE INDEX CONCURRENTLY` under the "
            + "lock timeout and verified. A dry run answers the exact statement and changes nothing.")
    @APIResponse(responseCode = "200", description = "The build ended within the wait, or the plan of a dry run.")
    @APIResponse(responseCode = "202", description = "The build goes on; follow it at `GET .../indexes/jobs/{id}`.")
    @APIResponse(responseCode = "403", description = "`no_permission`: the agent's acting role lacks a right this "
            + "needs; the message and `details.lacking` name each right and the GRANT that gives it (a dry run says "
            + "the same).")
    @APIResponse(responseCode = "404", description = "`not_found`: no current recommendation with this id.")
    @APIResponse(responseCode = "409", description = "`index_exists`: a relation of this name exists with another "
            + "definition; `already_running`: another build works on this table or on this agent.")
    @APIResponse(responseCode = "422", description = "`build_failed`: the build failed and what it made was "
            + "dropped (`details.build_id`); `refused`: the database is a standby or PostgreSQL 14.0 to 14.3.")
    public Response create(
            @Parameter(description = ChangeRequest.DRY_RUN_DOC, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("dry_run") String dryRunParam,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CreateBody.class)))
            JsonNode json) {
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
    @Operation(summary = "Build the current recommendations", description = "Those from a priority up, one at a "
            + "time in the background.")
    @APIResponse(responseCode = "200", description = "The plan of a dry run, or nothing to build.")
    @APIResponse(responseCode = "202", description = "The builds are queued; each is followed at "
            + "`GET .../indexes/jobs/{id}`.")
    @APIResponse(responseCode = "403", description = "`no_permission`: the agent's acting role lacks a right this "
            + "needs; the message and `details.lacking` name each right and the GRANT that gives it (a dry run says "
            + "the same).")
    @APIResponse(responseCode = "409", description = "`already_running`: an index build runs on this agent.")
    public Response createRecommended(
            @Parameter(description = "The lowest priority built.", schema = @Schema(type = SchemaType.STRING,
                    enumeration = {"high", "medium", "low"}, defaultValue = "high"))
            @QueryParam("priority") String priorityParam,
            @Parameter(description = ChangeRequest.DRY_RUN_DOC, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("dry_run") String dryRunParam,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RecommendedBody.class))) JsonNode json) {
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
    @Operation(summary = "One index build", description = "Its state, the statement, progress while it runs, and "
            + "the outcome with the verification.")
    @APIResponse(responseCode = "200", description = "The build.")
    @APIResponse(responseCode = "404", description = "`not_found`: no build with this id.")
    public ApiResponse<IndexAnalysis.Build> job(
            @Parameter(description = "The build's id.", schema = @Schema(type = SchemaType.INTEGER))
            @PathParam("id") String id) {
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new ApiException.InvalidParameter("id", id, "expected a build id (a whole number)");
        }
        return ApiResponse.success(indexes.job(n));
    }
}
