package io.pgsidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The optional body every changing admin call accepts: a dry run, and why (recorded in the audit
 * log). {@code dry_run} may also be a query parameter; either one asks for a dry run.
 */
@RegisterForReflection
public record ChangeRequest(Boolean dryRun, String reason) {

    static final int MAX_REASON = 500;
    /** The admin API document's words for {@code dry_run}, wherever a call takes it. */
    static final String DRY_RUN_DOC = "true: answer what the call would do and change nothing (the body's "
            + "`dry_run` asks the same).";

    /**
     * Reads the query parameter and the body, checks them, records them in the audit context, and
     * answers whether this is a dry run.
     */
    static boolean dryRun(String dryRunParam, JsonNode json, Bodies bodies, AuditContext audit) {
        audit.param("dry_run", dryRunParam);
        boolean dryRun = Params.bool("dry_run", dryRunParam, false);
        ChangeRequest body = bodies.read(json, ChangeRequest.class);
        if (body != null) {
            dryRun = dryRun || Boolean.TRUE.equals(body.dryRun());
            audit.param("dry_run", dryRun);
            reason(body.reason(), audit);
        }
        return dryRun;
    }

    /** Checks a call's reason (at most {@link #MAX_REASON} characters) and records it in the audit context. */
    static void reason(String reason, AuditContext audit) {
        if (reason != null) {
            if (reason.length() > MAX_REASON) {
                throw new ApiException.InvalidParameter("reason", reason.substring(0, 20) + "...",
                        "at most " + MAX_REASON + " characters");
            }
            audit.param("reason", reason);
        }
    }
}
