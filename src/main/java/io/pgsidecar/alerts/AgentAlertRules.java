package io.pgsidecar.alerts;

import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.db.PoolMetrics;
import io.pgsidecar.db.PoolStats;
import io.pgsidecar.metrics.CollectorMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Alert rules about the agent itself: its pool and its collectors. */
@ApplicationScoped
public class AgentAlertRules implements AlertRuleProvider {

    private final PoolMetrics pool;
    private final CollectorMetrics collectors;

    public AgentAlertRules(PoolMetrics pool, CollectorMetrics collectors) {
        this.pool = pool;
        this.collectors = collectors;
    }

    @Override
    public List<AlertRule> rules() {
        return List.of(
                new AlertRule("AgentPoolSaturated", "The agent's own pool has every connection in use and threads "
                        + "waiting (value: waiting threads)", "threads", Comparison.AT_LEAST, Duration.ofMinutes(1),
                        1.0, null, (now, t) -> poolSaturated()),
                new AlertRule("CollectorFailing", "A collector has not succeeded for this many of its intervals and "
                        + "its last run failed", "intervals", Comparison.AT_LEAST, Duration.ZERO, 3.0, null,
                        this::collectorsFailing));
    }

    private List<Observation> poolSaturated() {
        PoolStats s = pool.stats();
        if (s.active() < s.max() || s.awaiting() == 0) {
            return List.of();
        }
        return List.of(Observation.graded(Map.of(), s.awaiting(),
                "The agent's pool is exhausted: " + s.awaiting() + " waiting for one of " + s.max() + " connections",
                "Collectors and admin calls queue for connections (longest wait so far "
                        + String.format("%.2f s", s.acquireMaxSeconds()) + "). Raise DB_POOL_SIZE only if the database "
                        + "has room; look for slow collector queries first."));
    }

    private List<Observation> collectorsFailing(Instant now, AlertRule.Thresholds t) {
        List<Observation> out = new ArrayList<>();
        for (CollectorMetrics.Status s : collectors.statuses().values()) {
            if (s.interval().isEmpty() || s.lastFailure().isEmpty()) {
                continue;
            }
            Instant lastOk = s.lastSuccess().orElse(s.registeredAt());
            if (s.lastFailure().get().isBefore(lastOk)) {
                continue;
            }
            double intervals = Duration.between(lastOk, now).toNanos() / (double) s.interval().get().toNanos();
            out.add(Observation.graded(Map.of("collector", s.collector()), Math.floor(intervals),
                    "Collector " + s.collector() + " has not succeeded for " + (long) Math.floor(intervals) + " intervals",
                    "Last success: " + s.lastSuccess().map(Instant::toString).orElse("never") + "; last error: "
                            + s.lastError().orElse("unknown") + ". Its figures and the alerts built on them are stale."));
        }
        return out;
    }
}
