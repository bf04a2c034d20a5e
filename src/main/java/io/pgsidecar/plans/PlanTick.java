package io.pgsidecar.plans;

import io.pgsidecar.leader.LeaderTick;
import io.pgsidecar.metrics.CollectorMetrics;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** The plan history on the leader's tick: the top statements every {@code plan-interval}, then a prune. */
@ApplicationScoped
class PlanTick implements LeaderTick.Job {

    static final String COLLECTOR = "plans";

    private final PlansConfig config;
    private final PlanHistory history;
    private final LeaderTick ticks;
    private volatile Instant lastRun;

    PlanTick(PlansConfig config, PlanHistory history, LeaderTick ticks, CollectorMetrics collectors) {
        this.config = config;
        this.history = history;
        this.ticks = ticks;
        if (config.enabled()) {
            collectors.register(COLLECTOR, config.planInterval());
        }
    }

    @Scheduled(every = "10s", identity = "plans-tick", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (config.enabled()) {
            ticks.tick(COLLECTOR, config.planInterval(), this);
        }
    }

    @Override
    public Instant lastRun() {
        return lastRun;
    }

    @Override
    public void run() {
        Instant started = Instant.now();
        if (history.recordTop() != null) {
            lastRun = started; // else no interval yet: tried again at the next tick
            history.prune();
        }
    }
}
