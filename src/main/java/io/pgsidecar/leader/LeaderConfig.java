package io.pgsidecar.leader;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Choosing one sidecar per database to run the database-wide scheduled work. */
@ConfigMapping(prefix = "pgsidecar.leader")
public interface LeaderConfig {

    /**
     * Take part in the election. With false this instance is never leader (a read-only replica
     * of the agent, or a debugging copy).
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * Longest time the database goes without a leader after the leader dies or loses its
     * connection. Followers try to take the lock, and the leader checks its connection, three
     * times per lease.
     */
    @WithDefault("15s")
    Duration lease();

    /**
     * Advisory lock key (two int4 halves are derived from it). Defaults to one derived from the
     * agent's schema, so agents that share a schema share a leader.
     */
    Optional<Long> lockKey();
}
