package io.pgsidecar.leader;

import io.micrometer.core.instrument.Gauge;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.DirectConnections;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Whether this agent is the leader for its database. Scheduled database-wide work asks
 * {@link #isLeader()} before it runs; everything else (health, metrics, admin API) runs on every
 * instance.
 */
@ApplicationScoped
public class LeaderService {

    private static final Logger LOG = Logger.getLogger(LeaderService.class);

    private final LeaderConfig config;
    private final LeaderElector elector;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pgsidecar-leader");
        t.setDaemon(true);
        return t;
    });

    public LeaderService(LeaderConfig config, DbConfig db, DirectConnections connections, OwnedMeters meters) {
        this.config = config;
        long key = config.lockKey().orElseGet(() -> defaultKey(db.schema()));
        Duration tick = tick(config.lease());
        // the lock check is one statement: a read on a dead network gives up after one tick
        this.elector = new LeaderElector(() -> connections.open("pgsidecar-leader", tick), key, Clock.systemUTC(),
                config.lease().multipliedBy(2).dividedBy(3),
                leader -> LOG.infof(leader ? "this agent is now the leader" : "this agent is no longer the leader"));
        meters.own(Gauge.builder("pgsidecar.leader", this, s -> s.isLeader() ? 1 : 0)
                .description("1 when this agent is the leader for its database, else 0")
                .register(meters.registry()));
    }

    void start(@Observes StartupEvent ev) {
        if (!config.enabled()) {
            LOG.info("leader election disabled: this agent stays a follower");
            return;
        }
        ticker.scheduleWithFixedDelay(elector::tick, 0, tick(config.lease()).toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        ticker.shutdownNow();
        elector.resign(Duration.ZERO);
    }

    /** Whether this instance leads now (its lock confirmed recently enough; see {@link LeaderElector}). */
    public boolean isLeader() {
        return elector.isLeader();
    }

    public LeaderElector.State state() {
        return elector.state();
    }

    /** Steps down and stays out for one lease, so another instance takes over. */
    public void stepDown() {
        elector.resign(config.lease());
    }

    public LeaderConfig config() {
        return config;
    }

    /** Three ticks per lease, at least 100 ms apart. */
    static Duration tick(Duration lease) {
        return Duration.ofMillis(Math.max(100, lease.toMillis() / 3));
    }

    /** 'pgsc' in the high half, a hash of the schema in the low half. */
    static long defaultKey(String schema) {
        int h = 0;
        for (byte b : schema.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + (b & 0xff);
        }
        return ((long) io.pgsidecar.db.AdvisoryLockKeys.LEADER << 32) | (h & 0xffffffffL);
    }
}
