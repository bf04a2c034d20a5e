package io.pgsidecar.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The audit log of admin actions, kept in the agent's schema. */
@ConfigMapping(prefix = "pgsidecar.audit")
public interface AuditConfig {

    /** Audit rows older than this are deleted by the leader's housekeeping task (maintenance). */
    @WithDefault("90d")
    Duration retention();

    /**
     * A changing call waits at most this long for its audit entry to be stored before it is
     * refused with 503 {@code audit_unavailable} (and not carried out).
     */
    @WithDefault("3s")
    Duration intentTimeout();

    /**
     * Outcomes waiting to be stored (each retried in order until it is) at most; while this many
     * wait, changing calls are refused with 503 {@code audit_unavailable}.
     */
    @WithDefault("10000")
    int maxPendingOutcomes();
}
