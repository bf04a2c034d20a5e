package io.pgsidecar.audit;

/**
 * A changing call could not be audited within the bound, so it is not carried out: the audit log
 * comes first (as Vault refuses a request it cannot log). The message names the cause.
 */
public final class AuditUnavailableException extends RuntimeException {

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
