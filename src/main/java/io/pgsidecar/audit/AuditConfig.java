package io.pgsidecar.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The audit log of admin actions, kept in the agent's schema. */
@ConfigMapping(prefix = "pgsidecar.audit")
public interface AuditConfig {

    /** Audit rows older than this are deleted by the leader. */
    @WithDefault("90d")
    Duration retention();

    /** How often the leader prunes old audit rows. */
    @WithDefault("1h")
    Duration pruneInterval();
}
