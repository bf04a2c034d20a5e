package io.pgsidecar.replicas;

import io.pgsidecar.admin.ApiException;
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

    /** No replica can take reads and the fallback is "unavailable" (503). */
    public static final class NoReplicaAvailable extends RuntimeException {
        public NoReplicaAvailable(String message) {
            super(message);
        }
    }

    private final ReplicaMonitor monitor;
    private final Router router = new Router();
    private final io.pgsidecar.db.DatabaseName databaseName;

    public ReadRouting(ReplicaMonitor monitor, io.pgsidecar.db.DatabaseName databaseName) {
        this.monitor = monitor;
        this.databaseName = databaseName;
    }

    public Route route(Optional<String> strategyName) {
        Router.Strategy strategy = strategyName.filter(s -> !s.isBlank())
                .map(s -> Router.Strategy.parse(s).orElseThrow(() -> new ApiException.InvalidParameter("strategy", s,
                        "expected round_robin, weighted_random or least_connections")))
                .orElseGet(() -> Router.Strategy.parse(monitor.config().loadBalancing()).orElseThrow());
        List<ReplicaStatus> eligible = new ArrayList<>();
        for (ReplicaStatus s : monitor.statuses()) {
            if (Boolean.TRUE.equals(s.healthy()) || (!monitor.config().healthCheckEnabled() && s.reachable())) {
                eligible.add(s);
            }
        }
        Optional<ReplicaStatus> chosen = router.choose(strategy, eligible, ReplicaStatus::weight,
                s -> s.activeConnections() == null ? Integer.MAX_VALUE : s.activeConnections());
        if (chosen.isPresent()) {
            ReplicaStatus r = chosen.get();
            monitor.countRoute(r.name());
            return new Route(r.name(), r.host(), r.port(), r.database(), false, strategy.label(), eligible.size());
        }
        if ("unavailable".equals(monitor.config().fallback())) {
            throw new NoReplicaAvailable("no healthy replica to read from (" + monitor.statuses().size() + " configured)");
        }
        monitor.countRoute("primary");
        return new Route("primary", databaseName.host(), databaseName.port(), databaseName.value(), true,
                strategy.label(), 0);
    }
}
