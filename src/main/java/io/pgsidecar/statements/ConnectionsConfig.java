package io.pgsidecar.statements;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Connections as the server sees them: usage, leaks, pool-size advice. */
@ConfigMapping(prefix = "pgsidecar.connections")
public interface ConnectionsConfig {

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
