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

    /** A machine-readable code and a sentence for people. */
    @RegisterForReflection
    public record ApiError(String code, String message) {
    }

    public static <T> ApiResponse<T> success(T data) {
        return new ApiResponse<>("success", data, null);
    }

    public static ApiResponse<Void> error(String code, String message) {
        return new ApiResponse<>("error", null, new ApiError(code, message));
    }
}
