package io.pgsidecar.replicas;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgsidecar.config.DatabaseUrl;
import io.pgsidecar.config.EnvironmentConfigSourceFactory;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.ReactivePools;
import io.pgsidecar.db.Rows;
import io.pgsidecar.metrics.CollectorMetrics;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Watches the configured read replicas and the primary's view of its standbys. Every instance
 * polls (routing answers from this instance's own view of each replica); each replica has its own
 * small reactive pool and its own deadline, so a slow or dead replica never delays the others.
 */
@Startup
@ApplicationScoped
public class ReplicaMonitor {

    static final String COLLECTOR = "replicas";
    static final long RECHECK_DELAY_MS = 100;
    private static final Logger LOG = Logger.getLogger(ReplicaMonitor.class);

    /** A configured replica with its connection details parsed (password kept only for the pool). */
    record Target(String name, String host, int port, String database, String user, int weight, double maxLagSeconds,
                  Long maxLagBytes) {
    }

    /** Mutable per-replica state across polls; guarded by the monitor. */
    static final class Tracker {
        final Target target;
        final Hysteresis health;
        Long lastReceive;
        Long lastReplay;
        int stallPolls;
        Instant lastChange;
        ReplicaStatus status;

        Tracker(Target target, Hysteresis health) {
            this.target = target;
            this.health = health;
        }
    }

    private final ReplicasConfig config;
    private final Database database;
    private final ReactivePools pools;
    private final CollectorMetrics collectors;
    private final Map<String, Tracker> trackers = new LinkedHashMap<>();
    private final Map<String, Pool> replicaPools = new LinkedHashMap<>();
    private final Map<String, Counter> routed = new LinkedHashMap<>();
    private final MultiGauge standbyLag;
    private final MultiGauge slotRetained;
    private final MultiGauge slotActive;
    private volatile PrimaryView primary = new PrimaryView(null, false, null, List.of(), List.of(), "not polled yet");

    public ReplicaMonitor(ReplicasConfig config, Database database, ReactivePools pools, CollectorMetrics collectors,
                          OwnedMeters meters) {
        this.config = config;
        this.database = database;
        this.pools = pools;
        this.collectors = collectors;
        MeterRegistry r = meters.registry();
        for (ReplicasConfig.Replica rc : config.list()) {
            DatabaseUrl url = DatabaseUrl.parse(rc.url());
            String password = url.password().orElseGet(() -> rc.passwordFile().map(ReplicaMonitor::readSecret).orElse(""));
            Target t = new Target(rc.name(), url.host(), url.port(), url.database(), url.user().orElse("postgres"),
                    rc.weight(), rc.maxLagSeconds(), rc.maxLagBytes().isPresent() ? rc.maxLagBytes().getAsLong() : null);
            trackers.put(rc.name(), new Tracker(t, new Hysteresis(config.failureThreshold(), config.recoveryThreshold())));
            replicaPools.put(rc.name(), pools.create(new ReactivePools.Spec("replica-" + rc.name(), t.host(), t.port(),
                    t.database(), t.user(), password, config.poolSize(), config.poolTimeout(), config.statementTimeout(),
                    Duration.ofMinutes(5), config.poolRecycle())));
            Tags tags = Tags.of("replica", rc.name());
            meters.own(Gauge.builder("pgsidecar.replica.up", this, m -> m.value(rc.name(), s -> s.reachable() ? 1.0 : 0.0))
                    .tags(tags).description("1 when the replica answered the last poll").register(r));
            meters.own(Gauge.builder("pgsidecar.replica.healthy", this,
                            m -> m.value(rc.name(), s -> Boolean.TRUE.equals(s.healthy()) ? 1.0 : 0.0))
                    .tags(tags).description("1 when the replica is healthy (after hysteresis)").register(r));
            meters.own(Gauge.builder("pgsidecar.replica.lag", this,
                            m -> m.value(rc.name(), s -> s.lagSeconds() == null ? Double.NaN : s.lagSeconds()))
                    .tags(tags).baseUnit("seconds").description("Replication time lag (0 when caught up)").register(r));
            // its own name: a second "pgsidecar.replica.lag" with another unit would be the same meter
            meters.own(Gauge.builder("pgsidecar.replica.lag.bytes", this,
                            m -> m.value(rc.name(), s -> s.lagBytes() == null ? Double.NaN : s.lagBytes()))
                    .tags(tags).baseUnit("bytes").description("Primary WAL position minus the replica's replay position")
                    .register(r));
            meters.own(Gauge.builder("pgsidecar.replica.max.lag", rc, x -> x.maxLagSeconds())
                    .tags(tags).baseUnit("seconds").description("The replica's configured max_lag_seconds").register(r));
            meters.own(Gauge.builder("pgsidecar.replica.replay.paused", this,
                            m -> m.value(rc.name(), s -> Boolean.TRUE.equals(s.replayPaused()) ? 1.0 : 0.0))
                    .tags(tags).description("1 when WAL replay is paused on the replica").register(r));
            meters.own(Gauge.builder("pgsidecar.replica.replay.stalled", this,
                            m -> m.value(rc.name(), s -> s.replayStalled() ? 1.0 : 0.0))
                    .tags(tags).description("1 when WAL arrives but replay does not advance").register(r));
            meters.own(Gauge.builder("pgsidecar.replica.response", this,
                            m -> m.value(rc.name(), s -> s.responseSeconds() == null ? Double.NaN : s.responseSeconds()))
                    .tags(tags).baseUnit("seconds").description("Time the replica took to answer the last poll").register(r));
            routed.put(rc.name(), meters.own(Counter.builder("pgsidecar.replica.routed").tags(tags)
                    .description("Reads routed to the replica (\"primary\": fallback)").register(r)));
        }
        routed.put("primary", meters.own(Counter.builder("pgsidecar.replica.routed").tag("replica", "primary")
                .description("Reads routed to the replica (\"primary\": fallback)").register(r)));
        standbyLag = MultiGauge.builder("pgsidecar.replication.standby.lag").baseUnit("seconds")
                .description("The primary's write/flush/replay lag per standby").register(r);
        slotRetained = MultiGauge.builder("pgsidecar.replication.slot.retained").baseUnit("bytes")
                .description("WAL a replication slot holds back").register(r);
        slotActive = MultiGauge.builder("pgsidecar.replication.slot.active")
                .description("1 when the replication slot has a consumer").register(r);
        collectors.register(COLLECTOR, config.interval());
    }

    private double value(String name, java.util.function.ToDoubleFunction<ReplicaStatus> f) {
        Tracker t = trackers.get(name);
        ReplicaStatus s = t == null ? null : t.status;
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    private static String readSecret(String file) {
        try {
            return EnvironmentConfigSourceFactory.readSecretFile(file);
        } catch (IOException e) {
            throw new IllegalStateException("replica password file '" + file + "' cannot be read");
        }
    }

    @Scheduled(every = "${pgsidecar.replicas.interval:5s}", identity = "replicas-poll",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        collectors.run(COLLECTOR, this::pollOnce);
    }

    /** One poll of the primary and every replica; public for tests. */
    public synchronized List<ReplicaStatus> pollOnce() {
        PrimaryView view = readPrimary();
        primary = view;
        updatePrimaryMetrics(view);
        Long primaryLsn = Lsn.parse(view.currentLsn());
        Map<String, CompletableFuture<Observation>> running = new LinkedHashMap<>();
        for (Tracker t : trackers.values()) {
            running.put(t.target.name(), observe(t.target));
        }
        Map<String, Observation> seen = new LinkedHashMap<>();
        running.forEach((name, f) -> seen.put(name, await(f)));
        recheckTheOnesBehind(seen, primaryLsn);
        List<ReplicaStatus> out = new ArrayList<>();
        for (Tracker t : trackers.values()) {
            t.status = evaluate(t, seen.get(t.target.name()), primaryLsn, view.systemIdentifier(), true);
            out.add(t.status);
        }
        return out;
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
            again.put(name, observe(trackers.get(name).target));
        }
        again.forEach((name, f) -> {
            Observation o = await(f);
            if (o.reachable()) {
                seen.put(name, o);
            }
        });
    }

    /** A check of one replica now, returned in full; it does not count towards hysteresis. */
    public Optional<ReplicaStatus> checkNow(String name) {
        Tracker t = trackers.get(name);
        if (t == null) {
            return Optional.empty();
        }
        PrimaryView view = readPrimary();
        Observation o = await(observe(t.target));
        synchronized (this) {
            return Optional.of(evaluate(t, o, Lsn.parse(view.currentLsn()), view.systemIdentifier(), false));
        }
    }

    public List<ReplicaStatus> statuses() {
        List<ReplicaStatus> out = new ArrayList<>();
        for (Tracker t : trackers.values()) {
            out.add(t.status != null ? t.status : pending(t.target));
        }
        return out;
    }

    public PrimaryView primary() {
        return primary;
    }

    public ReplicasConfig config() {
        return config;
    }

    void countRoute(String name) {
        Counter c = routed.get(name);
        if (c != null) {
            c.increment();
        }
    }

    /** What one poll of a replica returned. */
    record Observation(boolean reachable, Boolean inRecovery, String receiveLsn, String replayLsn, Double replayAge,
                       Boolean paused, String receiver, Integer active, String systemIdentifier, Double responseSeconds,
                       String error) {
    }

    private CompletableFuture<Observation> observe(Target t) {
        Pool pool = replicaPools.get(t.name());
        long start = System.nanoTime();
        CompletableFuture<Observation> f = pool.query(ReplicasQueries.REPLICA).execute()
                .toCompletionStage().toCompletableFuture()
                .thenCompose(rows -> {
                    Row row = rows.iterator().next();
                    double response = (System.nanoTime() - start) / 1e9;
                    return pool.query(ReplicasQueries.SYSTEM_IDENTIFIER).execute().toCompletionStage()
                            .toCompletableFuture()
                            .handle((ids, err) -> new Observation(true, row.getBoolean("in_recovery"),
                                    row.getString("receive_lsn"), row.getString("replay_lsn"), row.getDouble("replay_age"),
                                    row.getBoolean("paused"), row.getString("receiver"), row.getInteger("active"),
                                    err == null && ids.iterator().hasNext() ? ids.iterator().next().getString(0) : null,
                                    response, null));
                });
        long deadline = config.poolTimeout().toMillis() + config.statementTimeout().toMillis();
        return f.orTimeout(deadline, TimeUnit.MILLISECONDS).exceptionally(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            String msg = cause instanceof java.util.concurrent.TimeoutException
                    ? "no answer within " + deadline + " ms"
                    : (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
            return new Observation(false, null, null, null, null, null, null, null, null, null, msg);
        });
    }

    private static Observation await(CompletableFuture<Observation> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Observation(false, null, null, null, null, null, null, null, null, null, "interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            return new Observation(false, null, null, null, null, null, null, null, null, null,
                    String.valueOf(e.getCause().getMessage()));
        }
    }

    /**
     * Lag and health from one observation. Byte lag is the primary's position minus the replica's
     * replay position; time lag is 0 when the replica has replayed all the primary had written (an
     * idle primary must not show growing lag), else the age of the last replayed transaction.
     */
    private ReplicaStatus evaluate(Tracker t, Observation o, Long primaryLsn, String primarySystemId, boolean feed) {
        Target target = t.target;
        List<String> problems = new ArrayList<>();
        Long receive = Lsn.parse(o.receiveLsn());
        Long replay = Lsn.parse(o.replayLsn());
        Long lagBytes = null;
        Double lagSeconds = null;
        boolean stalled = false;
        if (!o.reachable()) {
            problems.add("unreachable: " + o.error());
        } else {
            if (!Boolean.TRUE.equals(o.inRecovery())) {
                problems.add("not in recovery: the replica was promoted or is not a standby");
            }
            if (primarySystemId != null && o.systemIdentifier() != null && !primarySystemId.equals(o.systemIdentifier())) {
                problems.add("belongs to another cluster (system identifier " + o.systemIdentifier() + ", primary "
                        + primarySystemId + ")");
            }
            if (Boolean.TRUE.equals(o.inRecovery()) && !"streaming".equals(o.receiver())) {
                problems.add("WAL receiver is " + (o.receiver() == null ? "not running" : o.receiver()));
            }
            if (primaryLsn != null && replay != null) {
                lagBytes = Math.max(0, primaryLsn - replay);
                lagSeconds = lagBytes == 0 ? 0.0 : (o.replayAge() == null ? null : Math.max(0, o.replayAge()));
            }
            if (Boolean.TRUE.equals(o.paused())) {
                problems.add("WAL replay is paused");
            }
            int stallPolls = t.stallPolls;
            if (receive != null && replay != null && t.lastReceive != null && t.lastReplay != null) {
                boolean receiving = receive > t.lastReceive;
                boolean replaying = replay > t.lastReplay;
                stallPolls = receiving && !replaying && receive > replay ? stallPolls + 1 : 0;
            }
            stalled = stallPolls >= config.replayStallPolls();
            if (feed) {
                t.stallPolls = stallPolls;
                t.lastReceive = receive;
                t.lastReplay = replay;
            }
            if (stalled) {
                problems.add("replay stalled: WAL is received but not replayed for " + stallPolls + " polls");
            }
            if (lagSeconds != null && lagSeconds > target.maxLagSeconds()) {
                problems.add(String.format("time lag %.1f s above %.1f s", lagSeconds, target.maxLagSeconds()));
            }
            if (lagBytes != null && target.maxLagBytes() != null && lagBytes > target.maxLagBytes()) {
                problems.add("byte lag " + lagBytes + " above " + target.maxLagBytes());
            }
        }
        boolean ok = problems.isEmpty() || !config.healthCheckEnabled();
        Instant now = Instant.now();
        if (feed) {
            Boolean before = t.health.healthy();
            if (t.health.observe(ok)) {
                t.lastChange = now;
                if (before != null) {
                    LOG.infof("replica %s is now %s%s", target.name(), t.health.healthy() ? "healthy" : "unhealthy",
                            problems.isEmpty() ? "" : ": " + String.join("; ", problems));
                }
            }
        }
        return new ReplicaStatus(target.name(), target.host(), target.port(), target.database(), target.user(),
                target.weight(), target.maxLagSeconds(), target.maxLagBytes(), t.health.healthy(), ok,
                List.copyOf(problems), o.reachable(), o.inRecovery(), o.receiveLsn(), o.replayLsn(), lagSeconds, lagBytes,
                o.paused(), stalled, o.receiver(), o.active(), o.responseSeconds(), o.systemIdentifier(), o.error(),
                t.lastChange, now);
    }

    private ReplicaStatus pending(Target t) {
        return new ReplicaStatus(t.name(), t.host(), t.port(), t.database(), t.user(), t.weight(), t.maxLagSeconds(),
                t.maxLagBytes(), null, false, List.of("not polled yet"), false, null, null, null, null, null, null,
                false, null, null, null, null, null, null, null);
    }

    private PrimaryView readPrimary() {
        try {
            return database.withConnection(c -> {
                String lsn;
                boolean recovery;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ReplicasQueries.PRIMARY_POSITION)) {
                    rs.next();
                    lsn = rs.getString(1);
                    recovery = rs.getBoolean(2);
                }
                String sysid = null;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ReplicasQueries.SYSTEM_IDENTIFIER)) {
                    if (rs.next()) {
                        sysid = rs.getString(1);
                    }
                } catch (SQLException e) {
                    // not allowed for this role: the identity check is skipped
                }
                List<PrimaryView.Standby> standbys = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ReplicasQueries.STANDBYS)) {
                    while (rs.next()) {
                        standbys.add(new PrimaryView.Standby(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                                Rows.doubleOrNull(rs, 9), Rows.doubleOrNull(rs, 10), Rows.doubleOrNull(rs, 11)));
                    }
                }
                List<PrimaryView.Slot> slots = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ReplicasQueries.SLOTS)) {
                    while (rs.next()) {
                        slots.add(new PrimaryView.Slot(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
                                Rows.longOrNull(rs, 5)));
                    }
                }
                return new PrimaryView(lsn, recovery, sysid, List.copyOf(standbys), List.copyOf(slots), null);
            });
        } catch (RuntimeException e) {
            return new PrimaryView(null, false, null, List.of(), List.of(), e.getMessage());
        }
    }

    private void updatePrimaryMetrics(PrimaryView view) {
        List<MultiGauge.Row<?>> lags = new ArrayList<>();
        for (PrimaryView.Standby s : view.standbys()) {
            String name = s.applicationName() == null || s.applicationName().isEmpty() ? "(none)" : s.applicationName();
            lags.add(MultiGauge.Row.of(Tags.of("standby", name, "kind", "write"), orZero(s.writeLagSeconds())));
            lags.add(MultiGauge.Row.of(Tags.of("standby", name, "kind", "flush"), orZero(s.flushLagSeconds())));
            lags.add(MultiGauge.Row.of(Tags.of("standby", name, "kind", "replay"), orZero(s.replayLagSeconds())));
        }
        standbyLag.register(lags, true);
        List<MultiGauge.Row<?>> retained = new ArrayList<>();
        List<MultiGauge.Row<?>> active = new ArrayList<>();
        for (PrimaryView.Slot s : view.slots()) {
            if (s.retainedBytes() != null) {
                retained.add(MultiGauge.Row.of(Tags.of("slot", s.name()), s.retainedBytes()));
            }
            active.add(MultiGauge.Row.of(Tags.of("slot", s.name()), s.active() ? 1 : 0));
        }
        slotRetained.register(retained, true);
        slotActive.register(active, true);
    }

    /** An idle, caught-up standby reports NULL lags: that is no lag. */
    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    void stop(@Observes ShutdownEvent ev) {
        standbyLag.register(List.of(), true);
        slotRetained.register(List.of(), true);
        slotActive.register(List.of(), true);
        replicaPools.keySet().forEach(n -> pools.close("replica-" + n));
    }
}
