package io.pgsidecar.health;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** A job that does nothing but prove the scheduler still runs jobs; liveness reads it. */
@ApplicationScoped
public class SchedulerHeartbeat {

    private volatile Instant last = Instant.now();

    @Scheduled(every = "5s", identity = "heartbeat")
    void beat() {
        last = Instant.now();
    }

    public Instant last() {
        return last;
    }
}
