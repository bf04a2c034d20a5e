package io.pgsidecar.health;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import jakarta.inject.Singleton;

/** The probes' timeouts and the health report's thresholds. */
@Singleton
public class HealthConfigCheck implements ConfigCheck {

    private final HealthConfig health;

    public HealthConfigCheck(HealthConfig health) {
        this.health = health;
    }

    @Override
    public void check(ConfigProblems problems) {
        problems.positive("pgsidecar.health.readiness-timeout", health.readinessTimeout());
        problems.positive("pgsidecar.health.scheduler-stall", health.schedulerStall());
        problems.positive("pgsidecar.health.long-transaction-degraded", health.longTransactionDegraded());
        problems.ratio("pgsidecar.health.connection-usage-degraded", health.connectionUsageDegraded());
        problems.ratio("pgsidecar.health.xid-age-degraded", health.xidAgeDegraded());
        problems.ratio("pgsidecar.health.xid-age-unhealthy", health.xidAgeUnhealthy());
    }
}
