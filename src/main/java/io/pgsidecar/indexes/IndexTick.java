package io.pgsidecar.indexes;

import io.pgsidecar.leader.LeaderTick;
import io.pgsidecar.metrics.CollectorMetrics;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The analysis on the leader's tick: it runs when {@code interval} has passed since the latest
 * analysis this agent holds (its own, a refresh's, or one read back from the shared snapshot), so
 * the answer is usually ready when asked for; old build records are pruned after it.
 */
@ApplicationScoped
class IndexTick implements LeaderTick.Job {

    static final String COLLECTOR = "indexes";

    private final IndexesConfig config;
    private final IndexCache cache;
    private final BuildStore store;
    private final LeaderTick ticks;

    IndexTick(IndexesConfig config, IndexCache cache, BuildStore store, LeaderTick ticks, CollectorMetrics collectors) {
        this.config = config;
        this.cache = cache;
        this.store = store;
        this.ticks = ticks;
        collectors.register(COLLECTOR, config.interval());
    }

    @Scheduled(every = "10s", identity = "indexes-tick", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (config.enabled()) {
            ticks.tick(COLLECTOR, config.interval(), this);
        }
    }

    @Override
    public Instant lastRun() {
        return cache.latestAt();
    }

    @Override
    public void run() {
        cache.compute();
        store.prune(config.historyRetention());
    }
}
