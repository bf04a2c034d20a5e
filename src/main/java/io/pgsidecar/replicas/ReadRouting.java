package io.pgsidecar.replicas;

import io.pgsidecar.config.DatabaseName;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Picks the replica for the next read among the healthy ones, or falls back to the primary. */
@ApplicationScoped
public class ReadRouting {

    /** Where to send the next read. Never carries a password. */
    @RegisterForReflection
    public record Route(String name, String host, int port, String database, boolean fallback, String strategy,
                        int eligible) {
    }

    private final ReplicaMonitor monitor;
    private final ReplicaMetrics metrics;
    private final Router router = new Router();
    private final DatabaseName databaseName;

    public ReadRouting(ReplicaMonitor monitor, ReplicaMetrics metrics, DatabaseName databaseName) {
        this.monitor = monitor;
        this.metrics = metrics;
        this.databaseName = databaseName;
    }

    /**
     * @throws UnknownStrategyException for a strategy name that does not exist
     * @throws NoReplicaAvailableException when none is eligible and the fallback is {@code unavailable}
     */
    public Route route(Optional<String> strategyName) {
        ReplicasConfig config = monitor.config();
        Router.Strategy strategy = strategyName.filter(s -> !s.isBlank())
                .map(s -> Router.Strategy.parse(s).orElseThrow(() -> new UnknownStrategyException(s)))
                .orElseGet(() -> Router.Strategy.parse(config.loadBalancing()).orElseThrow());
        List<ReplicaStatus> all = monitor.latest().replicas();
        List<ReplicaStatus> eligible = new ArrayList<>();
        for (ReplicaStatus s : all) {
            if (Boolean.TRUE.equals(s.healthy()) || (!config.healthCheckEnabled() && s.reachable())) {
                eligible.add(s);
            }
        }
        Optional<ReplicaStatus> chosen = router.choose(strategy, eligible, ReplicaStatus::weight,
                s -> s.activeConnections() == null ? Integer.MAX_VALUE : s.activeConnections());
        if (chosen.isPresent()) {
            ReplicaStatus r = chosen.get();
            metrics.routed(r.name());
            return new Route(r.name(), r.host(), r.port(), r.database(), false, strategy.label(), eligible.size());
        }
        if ("unavailable".equals(config.fallback())) {
            throw new NoReplicaAvailableException(all.size());
        }
        metrics.routed("primary");
        return new Route("primary", databaseName.host(), databaseName.port(), databaseName.value(), true,
                strategy.label(), 0);
    }
}
