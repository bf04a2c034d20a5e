package io.pgsidecar.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.pgsidecar.db.DatabaseException;
import io.pgsidecar.db.DatabaseUnavailableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place errors become the response envelope. Clients get a code and a sentence, never a
 * stack trace; unexpected errors are logged here with theirs.
 */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return AdminFilters.error(e.status(), e.code(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unavailable(DatabaseUnavailableException e) {
        return AdminFilters.error(503, "database_unavailable", e.getMessage());
    }

    @ServerExceptionMapper
    public Response database(DatabaseException e) {
        LOG.warnf("database error: %s (SQLSTATE %s)", e.getMessage(), e.sqlState());
        return AdminFilters.error(500, "database_error", "the database rejected a statement (SQLSTATE "
                + e.sqlState() + "): " + e.getMessage());
    }

    @ServerExceptionMapper({MismatchedInputException.class, InvalidFormatException.class})
    public Response badBody(MismatchedInputException e) {
        String field = e.getPath().isEmpty() ? "body" : e.getPath().get(e.getPath().size() - 1).getFieldName();
        return AdminFilters.error(400, "invalid_body", "field '" + field + "' has the wrong type or is missing");
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        return AdminFilters.error(400, "malformed_json", "the request body is not valid JSON: "
                + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return AdminFilters.error(404, "not_found", "no such resource");
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        Response r = AdminFilters.error(405, "method_not_allowed", "method not allowed here; allowed: "
                + String.join(", ", e.getResponse().getAllowedMethods()));
        return Response.fromResponse(r).allow(e.getResponse().getAllowedMethods()).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 406 -> "not_acceptable";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "request_error";
        };
        String message = status >= 500 ? "internal error" : e.getMessage();
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        return AdminFilters.error(status, code, message);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected error in the admin API", e);
        return AdminFilters.error(500, "internal_error", "internal error; see the agent's log");
    }
}
