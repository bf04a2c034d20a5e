package io.pgsidecar.replicas;

import io.pgsidecar.db.ReactivePools;
import io.pgsidecar.metrics.CollectorMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Watches the configured read replicas and the primary's view of its standbys, and publishes a
 * {@link ReplicasSnapshot} after each poll. Every instance polls (routing answers from this
 * instance's own view of each replica); each replica is asked through its own {@link ReplicaProbe},
 * so a slow or dead replica never delays the others. The verdict of each poll is
 * {@link ReplicaHealth}'s; {@link Hysteresis} keeps the health from flapping.
 */
@Startup
@ApplicationScoped
public class ReplicaMonitor {

    static final String COLLECTOR = "replicas";
    static final long RECHECK_DELAY_MS = 100;
    private static final Logger LOG = Logger.getLogger(ReplicaMonitor.class);

    /** Per-replica state across polls; guarded by the monitor. */
    private static final class Tracker {
        final ReplicaProbe probe;
        final Hysteresis health;
        ReplicaHealth.Track track = ReplicaHealth.Track.NONE;
        Instant lastChange;
        ReplicaStatus status;

        Tracker(ReplicaProbe probe, Hysteresis health) {
            this.probe = probe;
            this.health = health;
        }

        ReplicaTarget target() {
            return probe.target();
        }
    }

    private final ReplicasConfig config;
    private final PrimaryReader primaryReader;
    private final ReactivePools pools;
    private final CollectorMetrics collectors;
    private final ReplicaMetrics metrics;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Tracker> trackers = new LinkedHashMap<>();
    private volatile ReplicasSnapshot latest;

    public ReplicaMonitor(ReplicasConfig config, PrimaryReader primaryReader, ReactivePools pools,
                          CollectorMetrics collectors, ReplicaMetrics metrics) {
        this.config = config;
        this.primaryReader = primaryReader;
        this.pools = pools;
        this.collectors = collectors;
        this.metrics = metrics;
        for (ReplicasConfig.Replica rc : config.list()) {
            trackers.put(rc.name(), new Tracker(ReplicaProbe.open(config, rc, pools),
                    new Hysteresis(config.failureThreshold(), config.recoveryThreshold())));
        }
        this.latest = new ReplicasSnapshot(null, statuses(), PrimaryView.notPolled());
        collectors.register(COLLECTOR, config.interval());
    }

    @Scheduled(every = "${pgsidecar.replicas.interval}", identity = "replicas-poll",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        collectors.run(COLLECTOR, this::pollOnce);
    }

    /** The latest poll. */
    public ReplicasSnapshot latest() {
        return latest;
    }

    public ReplicasConfig config() {
        return config;
    }

    /** One poll of the primary and every replica; public for tests. */
    public synchronized ReplicasSnapshot pollOnce() {
        PrimaryView view = primaryReader.read();
        Long primaryLsn = Lsn.parse(view.currentLsn());
        Map<String, CompletableFuture<Observation>> running = new LinkedHashMap<>();
        for (Tracker t : trackers.values()) {
            running.put(t.target().name(), t.probe.observe());
        }
        Map<String, Observation> seen = new LinkedHashMap<>();
        running.forEach((name, f) -> seen.put(name, ReplicaProbe.await(f)));
        recheckTheOnesBehind(seen, primaryLsn);
        for (Tracker t : trackers.values()) {
            t.status = record(t, seen.get(t.target().name()), primaryLsn, view.systemIdentifier());
        }
        ReplicasSnapshot snap = new ReplicasSnapshot(clock.instant(), statuses(), view);
        latest = snap;
        metrics.update(snap);
        return snap;
    }

    /**
     * The primary's position is read first, so WAL written in between (including records that are
     * not transactions: standby snapshots, checkpoints) can leave a streaming replica a few
     * milliseconds behind at the instant it is read, and its time lag would jump to the age of its
     * last transaction. A replica that is reachable, not paused and behind is read once more after
     * {@link #RECHECK_DELAY_MS}; one that has caught up by then has no lag worth the name.
     */
    private void recheckTheOnesBehind(Map<String, Observation> seen, Long primaryLsn) {
        if (primaryLsn == null) {
            return;
        }
        List<String> behind = new ArrayList<>();
        seen.forEach((name, o) -> {
            Long replay = Lsn.parse(o.replayLsn());
            if (o.reachable() && !Boolean.TRUE.equals(o.paused()) && replay != null && replay < primaryLsn) {
                behind.add(name);
            }
        });
        if (behind.isEmpty()) {
            return;
        }
        try {
            Thread.sleep(RECHECK_DELAY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Map<String, CompletableFuture<Observation>> again = new LinkedHashMap<>();
        for (String name : behind) {
            again.put(name, trackers.get(name).probe.observe());
        }
        again.forEach((name, f) -> {
            Observation o = ReplicaProbe.await(f);
            if (o.reachable()) {
                seen.put(name, o);
            }
        });
    }

    /** Feeds one scheduled poll's verdict into the replica's track and hysteresis. */
    private ReplicaStatus record(Tracker t, Observation o, Long primaryLsn, String primarySystemId) {
        ReplicaHealth.Verdict v = ReplicaHealth.evaluate(t.target(), o, primaryLsn, primarySystemId, t.track,
                config.replayStallPolls());
        if (o.reachable()) {
            t.track = v.next();
        }
        boolean ok = v.passed() || !config.healthCheckEnabled();
        Instant now = clock.instant();
        Boolean before = t.health.healthy();
        // promoted, another cluster, refusing connections: out of routing at the first poll that sees it
        boolean changed = !ok && v.hard() ? t.health.fail() : t.health.observe(ok);
        if (changed) {
            t.lastChange = now;
            if (before != null) {
                LOG.infof("replica %s is now %s%s", t.target().name(), t.health.healthy() ? "healthy" : "unhealthy",
                        v.problems().isEmpty() ? "" : ": " + String.join("; ", v.problems()));
            }
        }
        return status(t, o, v, ok, now);
    }

    /**
     * Index scans on every configured replica, asked at once: replica name to its scans and the age
     * of its statistics, or to empty when that replica did not answer within {@code bound}.
     */
    public Map<String, java.util.Optional<IndexScans>> indexScans(Duration bound) {
        Map<String, CompletableFuture<java.util.Optional<IndexScans>>> asked = new LinkedHashMap<>();
        synchronized (this) {
            trackers.forEach((name, t) -> asked.put(name, t.probe.indexScans(bound)));
        }
        Map<String, java.util.Optional<IndexScans>> out = new LinkedHashMap<>();
        asked.forEach((name, f) -> out.put(name, f.join()));
        return out;
    }

    /**
     * A check of one replica now, returned in full; it does not count towards hysteresis. Bounded by
     * {@code bound} like any request: the replica is asked at once, the primary meanwhile.
     */
    public ReplicaStatus checkNow(String name, Duration bound) {
        Tracker t = trackers.get(name);
        if (t == null) {
            throw new UnknownReplicaException(name);
        }
        CompletableFuture<Observation> asked = t.probe.observe(bound);
        PrimaryView view = primaryReader.read();
        Observation o = ReplicaProbe.await(asked);
        synchronized (this) {
            ReplicaHealth.Verdict v = ReplicaHealth.evaluate(t.target(), o, Lsn.parse(view.currentLsn()),
                    view.systemIdentifier(), t.track, config.replayStallPolls());
            return status(t, o, v, v.passed() || !config.healthCheckEnabled(), clock.instant());
        }
    }

    private static ReplicaStatus status(Tracker t, Observation o, ReplicaHealth.Verdict v, boolean ok, Instant now) {
        ReplicaTarget target = t.target();
        return new ReplicaStatus(target.name(), target.host(), target.port(), target.database(), target.user(),
                target.weight(), target.maxLagSeconds(), target.maxLagBytes(), t.health.healthy(), ok, v.problems(),
                o.reachable(), o.inRecovery(), o.receiveLsn(), o.replayLsn(), v.lagSeconds(), v.lagBytes(), o.paused(),
                v.stalled(), o.receiver(), o.active(), o.responseSeconds(), o.systemIdentifier(), o.error(),
                t.lastChange, now);
    }

    private List<ReplicaStatus> statuses() {
        List<ReplicaStatus> out = new ArrayList<>();
        for (Tracker t : trackers.values()) {
            out.add(t.status != null ? t.status : pending(t.target()));
        }
        return List.copyOf(out);
    }

    private static ReplicaStatus pending(ReplicaTarget t) {
        return new ReplicaStatus(t.name(), t.host(), t.port(), t.database(), t.user(), t.weight(), t.maxLagSeconds(),
                t.maxLagBytes(), null, false, List.of("not polled yet"), false, null, null, null, null, null, null,
                false, null, null, null, null, null, null, null);
    }

    void stop(@Observes ShutdownEvent ev) {
        trackers.values().forEach(t -> pools.close(t.probe.poolName()));
    }
}
