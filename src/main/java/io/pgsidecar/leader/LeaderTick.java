package io.pgsidecar.leader;

import io.pgsidecar.db.SchemaMigrator;
import io.pgsidecar.metrics.CollectorMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The one way a leader-only job runs on a feature's frequent tick. The feature keeps its own
 * {@code @Scheduled(every = "10s", concurrentExecution = SKIP)} method (a Quarkus scheduled method on
 * a CDI bean, so jobs never wait on each other and the native image needs nothing more) and calls
 * {@link #tick}: nothing runs before the agent's schema is migrated; a follower only forgets what a
 * leader must not carry over; on the leader the job runs, under its collector's metrics, once its
 * interval has passed since its last run, so the answer is usually ready when asked for and a new
 * leader runs at once when the job says it never ran.
 */
@ApplicationScoped
public class LeaderTick {

    /** A feature's leader-only job. */
    public interface Job {

        /** When the job last ran, as the feature counts it; null when it never did (it runs on the next tick). */
        Instant lastRun();

        /** One run, on the leader; what it throws is counted as the collector's failure. */
        void run() throws Exception;

        /** On each tick this agent does not lead: what a follower forgets (nothing by default). */
        default void follower() {
        }
    }

    private final BooleanSupplier migrated;
    private final BooleanSupplier leads;
    private final CollectorMetrics collectors;
    private final Clock clock;

    @Inject
    public LeaderTick(LeaderService leader, SchemaMigrator migrator, CollectorMetrics collectors, Clock clock) {
        this(() -> migrator.status().done(), leader::isLeader, collectors, clock);
    }

    LeaderTick(BooleanSupplier migrated, BooleanSupplier leads, CollectorMetrics collectors, Clock clock) {
        this.migrated = migrated;
        this.leads = leads;
        this.collectors = collectors;
        this.clock = clock;
    }

    /**
     * One tick of {@code job}: it runs under {@code collector}'s metrics when the schema is migrated,
     * this agent leads and {@code interval} has passed since {@link Job#lastRun()}.
     *
     * @return whether the job ran (successfully or not)
     */
    public boolean tick(String collector, Duration interval, Job job) {
        if (!migrated.getAsBoolean()) {
            return false;
        }
        if (!leads.getAsBoolean()) {
            job.follower();
            return false;
        }
        Instant last = job.lastRun();
        if (last != null && clock.instant().isBefore(last.plus(interval))) {
            return false;
        }
        collectors.run(collector, () -> {
            job.run();
            return null;
        });
        return true;
    }
}
