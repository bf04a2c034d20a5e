package io.pgsidecar.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The envelope of every admin API response: {@code {"status":"success","data":...}} or
 * {@code {"status":"error","error":{"code":"...","message":"..."}}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record ApiResponse<T>(String status, T data, ApiError error) {

    /**
     * A machine-readable code, a sentence for people, and for some codes details a client acts on
     * (the running run's {@code run_id} of {@code already_running}, say).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @RegisterForReflection
    public record ApiError(String code, String message, java.util.Map<String, Object> details) {
    }

    public static <T> ApiResponse<T> success(T data) {
        return new ApiResponse<>("success", data, null);
    }

    public static ApiResponse<Void> error(String code, String message) {
        return error(code, message, java.util.Map.of());
    }

    public static ApiResponse<Void> error(String code, String message, java.util.Map<String, Object> details) {
        return new ApiResponse<>("error", null, new ApiError(code, message, details));
    }
}
