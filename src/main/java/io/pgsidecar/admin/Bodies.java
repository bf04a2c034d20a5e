package io.pgsidecar.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

/**
 * Binds a request body to its record. Resources take the body as a {@link JsonNode} and bind it
 * here, because binding through the framework's reader loses the path of a wrongly typed field;
 * this way the 400 names it.
 */
@ApplicationScoped
public class Bodies {

    /** Carries a Jackson error out of a resource to {@link ApiExceptionMappers}. */
    static final class BodyException extends RuntimeException {
        final JsonProcessingException json;

        BodyException(JsonProcessingException json) {
            super(json.getOriginalMessage(), json);
            this.json = json;
        }
    }

    private final ObjectMapper mapper;

    public Bodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The body as {@code type}, or null when there was none. */
    public <T> T read(JsonNode body, Class<T> type) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return null;
        }
        try {
            return mapper.treeToValue(body, type);
        } catch (JsonProcessingException e) {
            throw new BodyException(e);
        } catch (IllegalArgumentException e) {
            // Jackson's other way of saying the tree does not fit the type: bad input, not a 500
            throw new ApiException.InvalidParameter("body", body.getNodeType().name().toLowerCase(Locale.ROOT),
                    "expected a JSON object of " + type.getSimpleName());
        }
    }
}
