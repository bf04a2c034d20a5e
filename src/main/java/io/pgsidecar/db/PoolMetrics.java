package io.pgsidecar.db;

import io.agroal.api.AgroalDataSourceMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.ToDoubleFunction;

/** The agent's own pool as metrics ({@code pgsidecar_pool_*}) and as {@link PoolStats}. */
@Startup
@ApplicationScoped
public class PoolMetrics {

    private final Database database;
    private final DbConfig config;
    private final OwnedMeters meters;

    public PoolMetrics(Database database, DbConfig config, OwnedMeters meters) {
        MeterRegistry registry = meters.registry();
        this.meters = meters;
        this.database = database;
        this.config = config;
        gauge(registry, "pgsidecar.pool.max.connections", "Most connections the agent's pool may hold",
                m -> config.pool().maxSize());
        gauge(registry, "pgsidecar.pool.active.connections", "Connections of the agent's pool in use",
                m -> m.activeCount());
        gauge(registry, "pgsidecar.pool.idle.connections", "Open connections of the agent's pool not in use",
                m -> m.availableCount());
        gauge(registry, "pgsidecar.pool.awaiting.threads", "Threads waiting for a connection of the agent's pool",
                m -> m.awaitingCount());
        meters.own(Gauge.builder("pgsidecar.pool.acquire.max", this, p -> p.metrics().blockingTimeMax().toNanos() / 1e9)
                .baseUnit("seconds").description("Longest wait for a pool connection since start").register(registry));
        meters.own(Gauge.builder("pgsidecar.pool.acquire.average", this,
                        p -> p.metrics().blockingTimeAverage().toNanos() / 1e9)
                .baseUnit("seconds").description("Average wait for a pool connection since start").register(registry));
        meters.own(FunctionCounter.builder("pgsidecar.pool.leaks", this, p -> p.metrics().leakDetectionCount())
                .description("Connections held longer than the leak-detection interval").register(registry));
        meters.own(FunctionCounter.builder("pgsidecar.pool.acquired", this, p -> p.metrics().acquireCount())
                .description("Connections handed out by the agent's pool").register(registry));
    }

    private void gauge(MeterRegistry registry, String name, String help, ToDoubleFunction<AgroalDataSourceMetrics> f) {
        meters.own(Gauge.builder(name, this, p -> f.applyAsDouble(p.metrics())).description(help).register(registry));
    }

    private AgroalDataSourceMetrics metrics() {
        return database.dataSource().getMetrics();
    }

    public PoolStats stats() {
        AgroalDataSourceMetrics m = metrics();
        return new PoolStats(config.pool().maxSize(), m.activeCount(), m.availableCount(), m.awaitingCount(),
                m.maxUsedCount(), m.acquireCount(), m.creationCount(), m.leakDetectionCount(),
                m.blockingTimeAverage().toNanos() / 1e9, m.blockingTimeMax().toNanos() / 1e9);
    }
}
