package io.pgsidecar.replicas;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Replicas as metrics: one set of gauges per configured replica (read from the latest snapshot),
 * the reads routed to each, and the primary's standbys and slots.
 */
@ApplicationScoped
public class ReplicaMetrics {

    private final AtomicReference<ReplicasSnapshot> latest =
            new AtomicReference<>(new ReplicasSnapshot(null, List.of(), PrimaryView.notPolled()));
    private final Map<String, Counter> routed = new LinkedHashMap<>();
    private final MultiGauge standbyLag;
    private final MultiGauge slotRetained;
    private final MultiGauge slotActive;

    public ReplicaMetrics(ReplicasConfig config, OwnedMeters meters) {
        MeterRegistry r = meters.registry();
        for (ReplicasConfig.Replica rc : config.list()) {
            String name = rc.name();
            Tags tags = Tags.of("replica", name);
            gauge(meters, "pgsidecar.replica.up", tags, null, "1 when the replica answered the last poll",
                    name, s -> s.reachable() ? 1.0 : 0.0);
            gauge(meters, "pgsidecar.replica.healthy", tags, null, "1 when the replica is healthy (after hysteresis)",
                    name, s -> Boolean.TRUE.equals(s.healthy()) ? 1.0 : 0.0);
            gauge(meters, "pgsidecar.replica.lag", tags, "seconds", "Replication time lag (0 when caught up)",
                    name, s -> s.lagSeconds() == null ? Double.NaN : s.lagSeconds());
            // its own name: a second "pgsidecar.replica.lag" with another unit would be the same meter
            gauge(meters, "pgsidecar.replica.lag.bytes", tags, "bytes",
                    "Primary WAL position minus the replica's replay position",
                    name, s -> s.lagBytes() == null ? Double.NaN : s.lagBytes());
            meters.own(Gauge.builder("pgsidecar.replica.max.lag", rc, x -> x.maxLagSeconds())
                    .tags(tags).baseUnit("seconds").description("The replica's configured max_lag_seconds").register(r));
            gauge(meters, "pgsidecar.replica.replay.paused", tags, null, "1 when WAL replay is paused on the replica",
                    name, s -> Boolean.TRUE.equals(s.replayPaused()) ? 1.0 : 0.0);
            gauge(meters, "pgsidecar.replica.replay.stalled", tags, null, "1 when WAL arrives but replay does not advance",
                    name, s -> s.replayStalled() ? 1.0 : 0.0);
            gauge(meters, "pgsidecar.replica.response", tags, "seconds", "Time the replica took to answer the last poll",
                    name, s -> s.responseSeconds() == null ? Double.NaN : s.responseSeconds());
            routed.put(name, routedCounter(meters, name));
        }
        routed.put("primary", routedCounter(meters, "primary"));
        standbyLag = MultiGauge.builder("pgsidecar.replication.standby.lag").baseUnit("seconds")
                .description("The primary's write/flush/replay lag per standby").register(r);
        slotRetained = MultiGauge.builder("pgsidecar.replication.slot.retained").baseUnit("bytes")
                .description("WAL a replication slot holds back").register(r);
        slotActive = MultiGauge.builder("pgsidecar.replication.slot.active")
                .description("1 when the replication slot has a consumer").register(r);
    }

    private void gauge(OwnedMeters meters, String metric, Tags tags, String unit, String help, String replica,
                       ToDoubleFunction<ReplicaStatus> f) {
        meters.own(Gauge.builder(metric, latest, l -> value(l.get(), replica, f)).tags(tags).baseUnit(unit)
                .description(help).register(meters.registry()));
    }

    private static Counter routedCounter(OwnedMeters meters, String replica) {
        return meters.own(Counter.builder("pgsidecar.replica.routed").tag("replica", replica)
                .description("Reads routed to the replica (replica=primary: the fallback)").register(meters.registry()));
    }

    private static double value(ReplicasSnapshot snap, String name, ToDoubleFunction<ReplicaStatus> f) {
        for (ReplicaStatus s : snap.replicas()) {
            if (s.name().equals(name)) {
                return s.checkedAt() == null ? Double.NaN : f.applyAsDouble(s);
            }
        }
        return Double.NaN;
    }

    void update(ReplicasSnapshot snap) {
        latest.set(snap);
        PrimaryView view = snap.primary();
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

    /** Counts a read routed to {@code replica} ({@code primary} for the fallback). */
    void routed(String replica) {
        Counter c = routed.get(replica);
        if (c != null) {
            c.increment();
        }
    }

    /** An idle, caught-up standby reports NULL lags: that is no lag. */
    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    void stop(@Observes ShutdownEvent ev) {
        standbyLag.register(List.of(), true);
        slotRetained.register(List.of(), true);
        slotActive.register(List.of(), true);
    }
}
