package io.pgsidecar.admin;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Completes the admin API's OpenAPI document at build time with what every route shares, so the
 * resources only declare what is theirs: each route gets the errors any route can answer (401, 414,
 * 500, 503; 400 where it takes input; 413 and {@code audit_unavailable} where it changes
 * something), every error response gets the error envelope as its body, every success response a
 * description, and each route its tag. Routes outside the admin API (the status page) are removed.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiDocFilter implements OASFilter {

    static final String BASE = "/api/v1/admin/database";
    static final Set<String> TAGS = Set.of("performance", "replicas", "alerts", "maintenance", "partitions",
            "indexes");
    static final String ERROR_SCHEMA = "#/components/schemas/Error";
    /**
     * The routes whose body is required; every other body is optional. (The scanner marks every body
     * required, because the resources take it as a {@code JsonNode} and bind it themselves.)
     */
    static final Set<String> BODY_REQUIRED = Set.of("AlertsResource_silence", "PartitionsResource_create",
            "IndexesResource_create");

    static final String BAD_REQUEST = "`invalid_parameter`: a parameter or body field has a value that is not "
            + "allowed (the message names it and says what is expected); `invalid_body`: a body field has the "
            + "wrong type; `malformed_json`: the body is not JSON.";
    static final String UNAUTHORIZED = "`unauthorized`: no bearer token, or not the admin token.";
    static final String PAYLOAD_TOO_LARGE = "`payload_too_large`: a body over the admin API's limit (64 KiB).";
    static final String URI_TOO_LONG = "`uri_too_long`: a request line over `pgsidecar.admin.max-uri-length`.";
    static final String INTERNAL = "`internal_error`: a fault of the agent (see its log); `database_error`: the "
            + "database rejected a statement (the message has its SQLSTATE).";
    static final String UNAVAILABLE = "`database_unavailable`: the database cannot be reached or used right now "
            + "(refused, authentication failed, no free connection slots, missing database, no answer: the message "
            + "says which); `statement_timeout`: the database answered but a statement ran past "
            + "`pgsidecar.db.statement-timeout` (busy, not down: try again); `admin_token_not_configured`: the "
            + "agent has no admin token.";
    static final String LOCK_TIMEOUT = "`lock_timeout`: a lock another session holds was not granted within "
            + "`pgsidecar.db.lock-timeout`; nothing was changed.";
    static final String AUDIT_UNAVAILABLE = " `audit_unavailable`: the audit row could not be stored within "
            + "`pgsidecar.audit.intent-timeout`, so nothing was done.";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        // the document is the admin API's: the status page's HTML routes are not part of it
        for (String other : new ArrayList<>(openAPI.getPaths().getPathItems().keySet())) {
            if (!other.startsWith(BASE)) {
                openAPI.getPaths().removePathItem(other);
            }
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> op : path.getValue().getOperations().entrySet()) {
                complete(path.getKey(), op.getKey(), op.getValue());
            }
        }
        // what the scanner made of the JsonNode parameters before their @RequestBody said the real type
        if (openAPI.getComponents() != null && openAPI.getComponents().getSchemas() != null) {
            openAPI.getComponents().removeSchema("JsonNode");
            openAPI.getComponents().removeSchema("JsonNodeType");
        }
    }

    private static void complete(String path, PathItem.HttpMethod method, Operation op) {
        String rest = path.substring(BASE.length());
        String first = rest.length() > 1 ? rest.substring(1).split("/")[0] : "";
        op.setTags(new ArrayList<>(List.of(TAGS.contains(first) ? first : "agent")));
        boolean changes = method != PathItem.HttpMethod.GET;
        boolean input = (op.getParameters() != null && !op.getParameters().isEmpty()) || op.getRequestBody() != null;
        if (op.getRequestBody() != null) {
            op.getRequestBody().setRequired(BODY_REQUIRED.contains(op.getOperationId()) ? Boolean.TRUE : null);
        }
        APIResponses responses = op.getResponses() == null ? OASFactory.createAPIResponses() : op.getResponses();
        op.setResponses(responses);
        if (input) {
            add(responses, "400", BAD_REQUEST);
        }
        add(responses, "401", UNAUTHORIZED);
        if (changes) {
            add(responses, "413", PAYLOAD_TOO_LARGE);
        }
        add(responses, "409", LOCK_TIMEOUT);
        add(responses, "414", URI_TOO_LONG);
        add(responses, "500", INTERNAL);
        add(responses, "503", UNAVAILABLE + (changes ? AUDIT_UNAVAILABLE : ""));
        for (Map.Entry<String, APIResponse> r : responses.getAPIResponses().entrySet()) {
            if (r.getKey().startsWith("2") && r.getValue().getDescription() == null) {
                r.getValue().setDescription("The envelope with `data`.");
            }
            if (!r.getKey().startsWith("2") && r.getValue().getContent() == null) {
                r.getValue().setContent(OASFactory.createContent().addMediaType("application/json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(ERROR_SCHEMA))));
            }
        }
    }

    /** Adds a shared error to a route's own description of that status, or adds the status. */
    private static void add(APIResponses responses, String status, String description) {
        APIResponse own = responses.getAPIResponse(status);
        if (own == null) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description));
        } else if (own.getDescription() == null || own.getDescription().isBlank()) {
            own.setDescription(description);
        } else if (!own.getDescription().contains(description)) {
            own.setDescription(own.getDescription() + " " + description);
        }
    }
}
