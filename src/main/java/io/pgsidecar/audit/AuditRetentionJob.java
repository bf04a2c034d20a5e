package io.pgsidecar.audit;

import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** The leader deletes audit rows older than the retention period. */
@Startup
@ApplicationScoped
public class AuditRetentionJob {

    static final String COLLECTOR = "audit_retention";

    private final AuditLog audit;
    private final AuditConfig config;
    private final LeaderService leader;
    private final CollectorMetrics collectors;

    public AuditRetentionJob(AuditLog audit, AuditConfig config, LeaderService leader, CollectorMetrics collectors) {
        this.audit = audit;
        this.config = config;
        this.leader = leader;
        this.collectors = collectors;
        collectors.register(COLLECTOR, config.pruneInterval());
    }

    @Scheduled(every = "${pgsidecar.audit.prune-interval}", delayed = "1m", identity = COLLECTOR,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        if (leader.isLeader()) {
            collectors.run(COLLECTOR, () -> audit.prune(config.retention()));
        }
    }
}
