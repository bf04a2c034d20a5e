package io.pgsidecar.connections;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Connections as the server sees them: usage, leaks, pool-size advice (from pg_stat_activity). */
@ConfigMapping(prefix = "pgsidecar.connections")
public interface ConnectionsConfig {

    /**
     * Poll pg_stat_activity on the leader. One cheap query per poll (a row per session on the
     * server), so it is on by default.
     */
    @WithDefault("true")
    boolean enabled();

    /** How often the leader polls. */
    @WithDefault("30s")
    Duration interval();

    /** A session idle in transaction longer than this is reported as a leak signal. */
    @WithDefault("5m")
    Duration idleInTransactionThreshold();

    /** A transaction open longer than this is reported. */
    @WithDefault("5m")
    Duration longTransactionThreshold();

    /** Connections added to half the observed peak when recommending a pool size. */
    @WithDefault("2")
    int poolRecommendationBuffer();

    /** How long the observed peak of active sessions per application is remembered. */
    @WithDefault("1h")
    Duration peakWindow();

    /** application_name values exported as metric labels; the rest are summed as "other". */
    @WithDefault("10")
    int metricsTopApplications();
}
