package io.pgsidecar.connections;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import jakarta.inject.Singleton;

/** The connections poll's interval and thresholds. */
@Singleton
public class ConnectionsConfigCheck implements ConfigCheck {

    private final ConnectionsConfig connections;

    public ConnectionsConfigCheck(ConnectionsConfig connections) {
        this.connections = connections;
    }

    @Override
    public void check(ConfigProblems problems) {
        problems.positive("pgsidecar.connections.interval", connections.interval());
        problems.positive("pgsidecar.connections.idle-in-transaction-threshold",
                connections.idleInTransactionThreshold());
        problems.positive("pgsidecar.connections.long-transaction-threshold", connections.longTransactionThreshold());
        problems.positive("pgsidecar.connections.peak-window", connections.peakWindow());
        problems.atLeast("pgsidecar.connections.pool-recommendation-buffer", connections.poolRecommendationBuffer(), 0);
        problems.atLeast("pgsidecar.connections.metrics-top-applications", connections.metricsTopApplications(), 0);
    }
}
