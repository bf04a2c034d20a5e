package io.pgsidecar.health;

import io.pgsidecar.db.SchemaMigrator;
import io.pgsidecar.leader.LeaderService;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * The three probes. Liveness looks at the process and its scheduler only, never the database: a
 * sidecar restarted because its database is down would only add to the outage. Readiness is the
 * database answering in time plus the agent's schema being migrated. Each says why.
 */
@ApplicationScoped
public class AgentHealthChecks {

    private final Scheduler scheduler;
    private final SchedulerHeartbeat heartbeat;
    private final DatabaseProbe probe;
    private final SchemaMigrator migrator;
    private final LeaderService leader;
    private final HealthConfig config;

    public AgentHealthChecks(Scheduler scheduler, SchedulerHeartbeat heartbeat, DatabaseProbe probe,
                             SchemaMigrator migrator, LeaderService leader, HealthConfig config) {
        this.scheduler = scheduler;
        this.heartbeat = heartbeat;
        this.probe = probe;
        this.migrator = migrator;
        this.leader = leader;
        this.config = config;
    }

    @Produces
    @Liveness
    HealthCheck liveness() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("pgsidecar-process");
            Duration age = Duration.between(heartbeat.last(), Instant.now());
            b.withData("scheduler_running", scheduler.isRunning())
                    .withData("heartbeat_age_seconds", age.toSeconds());
            if (!scheduler.isRunning()) {
                return b.down().withData("reason", "the scheduler is not running").build();
            }
            if (age.compareTo(config.schedulerStall()) > 0) {
                return b.down().withData("reason", "no scheduled job has run for " + age.toSeconds() + " s").build();
            }
            return b.up().build();
        };
    }

    @Produces
    @Readiness
    HealthCheck readiness() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("pgsidecar-database");
            b.withData("leader", leader.isLeader());
            Optional<String> problem = probe.check(config.readinessTimeout());
            if (problem.isPresent()) {
                return b.down().withData("reason", "database: " + problem.get()).build();
            }
            SchemaMigrator.Status ms = migrator.status();
            if (!ms.done()) {
                return b.down().withData("reason", "migrations pending: " + ms.lastError().orElse("not run yet"))
                        .build();
            }
            return b.up().build();
        };
    }

    @Produces
    @Startup
    HealthCheck started() {
        return () -> HealthCheckResponse.named("pgsidecar-started").up()
                .withData("configuration", "valid").build();
    }
}
