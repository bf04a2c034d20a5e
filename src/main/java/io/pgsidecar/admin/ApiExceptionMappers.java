package io.pgsidecar.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.pgsidecar.db.DatabaseException;
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
    public Response database(DatabaseException e) {
        LOG.warnf("database error: %s (SQLSTATE %s)", e.getMessage(), e.sqlState());
        return AdminFilters.error(500, "database_error", "the database rejected a statement (SQLSTATE "
                + e.sqlState() + "): " + e.getMessage());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return jsonError(e);
    }

    @ServerExceptionMapper
    public Response body(Bodies.BodyException e) {
        return jsonError(e.json);
    }

    /** Listed on its own so it wins over the Jackson extension's built-in mapper (a bare 400). */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return jsonError(e);
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e) {
        return jsonError(e);
    }

    /** A body that is not JSON (malformed_json) or JSON of the wrong shape (invalid_body). */
    static Response jsonError(JsonProcessingException e) {
        if (e instanceof MismatchedInputException mie) {
            String field = mie.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]").reduce((a, b) -> a + "." + b).orElse("body");
            String expected = mie.getTargetType() == null ? "" : " (expected " + simpleType(mie.getTargetType()) + ")";
            return AdminFilters.error(400, "invalid_body", "field '" + field + "' has the wrong type" + expected);
        }
        String location = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return AdminFilters.error(400, "malformed_json", "the request body is not valid JSON" + location);
    }

    private static String simpleType(Class<?> type) {
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        return "an object";
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
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof JsonProcessingException jpe) {
                return jsonError(jpe);
            }
        }
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

    /** A feature's exception: its status and code come from the {@link ErrorTable}. */
    @ServerExceptionMapper
    public Response feature(RuntimeException e) {
        return ErrorTable.of(e).map(m -> AdminFilters.error(m.status(), m.code(), e.getMessage(), ErrorTable.details(e)))
                .orElseGet(() -> unexpected(e));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected error in the admin API", e);
        return AdminFilters.error(500, "internal_error", "internal error; see the agent's log");
    }
}
