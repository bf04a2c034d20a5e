package io.pgsidecar.admin;

/**
 * An error the admin API reports to its caller, with the HTTP status and code it maps to. Feature
 * services throw the subclasses; {@link ApiExceptionMappers} turns them into the envelope.
 */
public abstract sealed class ApiException extends RuntimeException
        permits ApiException.InvalidParameter, ApiException.NotFound, ApiException.Unprocessable,
        ApiException.Conflict, ApiException.Unavailable {

    private final int status;
    private final String code;

    protected ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** A query, path or body parameter with a value that is not allowed (400). */
    public static final class InvalidParameter extends ApiException {
        private final String parameter;
        private final String value;

        public InvalidParameter(String parameter, String value, String expected) {
            super(400, "invalid_parameter", "parameter '" + parameter + "' = '" + value + "': " + expected);
            this.parameter = parameter;
            this.value = value;
        }

        public String parameter() {
            return parameter;
        }

        public String value() {
            return value;
        }
    }

    /** A named thing (query id, replica, silence) that does not exist (404). */
    public static final class NotFound extends ApiException {
        public NotFound(String what, String name) {
            super(404, "not_found", what + " '" + name + "' does not exist");
        }
    }

    /** Understood, but cannot be done (422), for example a statement that cannot be explained. */
    public static final class Unprocessable extends ApiException {
        public Unprocessable(String code, String message) {
            super(422, code, message);
        }
    }

    /** Conflicts with the current state (409), for example a job already running. */
    public static final class Conflict extends ApiException {
        public Conflict(String code, String message) {
            super(409, code, message);
        }
    }

    /** Nothing can serve the request right now (503), for example no healthy replica. */
    public static final class Unavailable extends ApiException {
        public Unavailable(String code, String message) {
            super(503, code, message);
        }
    }
}
