package io.pgsidecar.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Probes and the composite health report. */
@ConfigMapping(prefix = "pgsidecar.health")
public interface HealthConfig {

    /** Readiness is DOWN when the database has not answered within this time. */
    @WithDefault("2s")
    Duration readinessTimeout();

    /** Liveness is DOWN when the scheduler's heartbeat is older than this. */
    @WithDefault("60s")
    Duration schedulerStall();

    /** Connection usage (share of usable max_connections) at which the report says degraded. */
    @WithDefault("0.8")
    double connectionUsageDegraded();

    /** Oldest open transaction age at which the report says degraded. */
    @WithDefault("5m")
    Duration longTransactionDegraded();

    /** Transaction-ID age, as a share of 2^31, at which the report says degraded. */
    @WithDefault("0.5")
    double xidAgeDegraded();

    /** Transaction-ID age, as a share of 2^31, at which the report says unhealthy. */
    @WithDefault("0.75")
    double xidAgeUnhealthy();
}
