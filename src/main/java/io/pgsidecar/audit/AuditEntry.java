package io.pgsidecar.audit;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.Map;

/**
 * One admin action: who asked, what, with which parameters, and how it ended.
 *
 * @param outcome {@code success}, or the error code the caller got
 */
@RegisterForReflection
public record AuditEntry(Long id, Instant occurredAt, String caller, String clientAddress, String instance,
                         String action, Map<String, Object> parameters, String outcome, Integer httpStatus,
                         String detail, long durationMs) {
}
