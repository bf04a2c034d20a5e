package io.pgsidecar.replicas;

import io.pgsidecar.alerts.AlertRule;
import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.alerts.AlertRuleProvider;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Alert rules over the replica monitor's latest poll. */
@ApplicationScoped
public class ReplicaAlertRules implements AlertRuleProvider {

    private static final double GIB = 1024.0 * 1024 * 1024;

    private final ReplicaMonitor monitor;

    public ReplicaAlertRules(ReplicaMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public List<AlertRule> rules() {
        return List.of(
                new AlertRule("ReplicaDown", "A configured replica is unhealthy for a reason other than lag: "
                        + "unreachable, promoted, of another cluster, or not streaming (after the health "
                        + "hysteresis)", "state", Comparison.AT_LEAST, Duration.ZERO, null, 1.0, (now, t) -> down(t)),
                new AlertRule("ReplicaLagHigh", "A replica's time lag is above its max_lag_seconds or its byte lag "
                        + "above its max_lag_bytes (per-replica limits from READ_REPLICAS)", "seconds or bytes",
                        Comparison.ABOVE, Duration.ofMinutes(1), null, null, (now, t) -> lag()),
                new AlertRule("ReplicaReplayStalled", "WAL keeps arriving on a replica but replay does not advance",
                        "state", Comparison.AT_LEAST, Duration.ZERO, 1.0, null, (now, t) -> stalled(t)),
                new AlertRule("ReplicationSlotInactive", "A replication slot on the primary has no consumer; it "
                        + "keeps WAL until it is used or dropped", "state", Comparison.AT_LEAST, Duration.ofMinutes(5),
                        1.0, null, (now, t) -> slotsInactive()),
                new AlertRule("ReplicationSlotRetainingWal", "A replication slot holds back more WAL than this",
                        "bytes", Comparison.ABOVE, Duration.ZERO, GIB, null, (now, t) -> slotsRetaining()));
    }

    /** The replicas of the latest poll, or null before the first one (no data: alerts stay as they are). */
    private List<ReplicaStatus> polledReplicas() {
        ReplicasSnapshot snap = monitor.latest();
        return snap.polled() ? snap.replicas() : null;
    }

    private List<Observation> down(AlertRule.Thresholds t) {
        List<ReplicaStatus> replicas = polledReplicas();
        if (replicas == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (ReplicaStatus s : replicas) {
            boolean notStreaming = s.walReceiverStatus() != null && !"streaming".equals(s.walReceiverStatus());
            boolean broken = !s.reachable() || Boolean.FALSE.equals(s.inRecovery()) || notStreaming
                    || s.problems().stream().anyMatch(p -> p.startsWith("belongs to another cluster"));
            if (Boolean.FALSE.equals(s.healthy()) && broken) {
                out.add(new Observation(Map.of("replica", s.name()), 1, "critical", null,
                        "Replica " + s.name() + " is down",
                        s.name() + " (" + s.host() + ":" + s.port() + "): " + String.join("; ", s.problems())));
            }
        }
        return out;
    }

    private List<Observation> lag() {
        List<ReplicaStatus> replicas = polledReplicas();
        if (replicas == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (ReplicaStatus s : replicas) {
            if (s.lagSeconds() != null && s.lagSeconds() > s.maxLagSeconds()) {
                out.add(new Observation(Map.of("replica", s.name()), s.lagSeconds(), "warning", s.maxLagSeconds(),
                        String.format("Replica %s lags %.1f s behind the primary", s.name(), s.lagSeconds()),
                        String.format("Time lag %.1f s is above max_lag_seconds %.1f; byte lag %s. Replay paused: %s.",
                                s.lagSeconds(), s.maxLagSeconds(), s.lagBytes(), s.replayPaused())));
            } else if (s.lagBytes() != null && s.maxLagBytes() != null && s.lagBytes() > s.maxLagBytes()) {
                out.add(new Observation(Map.of("replica", s.name()), s.lagBytes(), "warning",
                        s.maxLagBytes().doubleValue(),
                        "Replica " + s.name() + " is " + s.lagBytes() + " bytes of WAL behind the primary",
                        "Byte lag " + s.lagBytes() + " is above max_lag_bytes " + s.maxLagBytes() + "; time lag "
                                + s.lagSeconds() + " s."));
            }
        }
        return out;
    }

    private List<Observation> stalled(AlertRule.Thresholds t) {
        List<ReplicaStatus> replicas = polledReplicas();
        if (replicas == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (ReplicaStatus s : replicas) {
            if (s.replayStalled()) {
                out.add(Observation.graded(Map.of("replica", s.name()), 1,
                        "Replica " + s.name() + " receives WAL but does not replay it",
                        "Receive LSN " + s.receiveLsn() + ", replay LSN " + s.replayLsn() + ". Replay paused: "
                                + s.replayPaused() + ". A long query on the replica with "
                                + "max_standby_streaming_delay=-1, or a paused replay, are the usual causes."));
            }
        }
        return out;
    }

    private List<Observation> slotsInactive() {
        PrimaryView p = monitor.latest().primary();
        if (p.currentLsn() == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (PrimaryView.Slot slot : p.slots()) {
            if (!slot.active()) {
                out.add(Observation.graded(Map.of("slot", slot.name()), 1,
                        "Replication slot " + slot.name() + " is inactive",
                        "Slot " + slot.name() + " (" + slot.type() + ", wal_status " + slot.walStatus() + ") has no "
                                + "consumer and retains " + slot.retainedBytes() + " bytes of WAL."));
            }
        }
        return out;
    }

    private List<Observation> slotsRetaining() {
        PrimaryView p = monitor.latest().primary();
        if (p.currentLsn() == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (PrimaryView.Slot slot : p.slots()) {
            if (slot.retainedBytes() != null) {
                out.add(Observation.graded(Map.of("slot", slot.name()), slot.retainedBytes(),
                        String.format("Replication slot %s retains %.2f GiB of WAL", slot.name(),
                                slot.retainedBytes() / GIB),
                        "Slot " + slot.name() + " (active: " + slot.active() + ", wal_status " + slot.walStatus()
                                + ") keeps WAL the primary cannot recycle; the disk under pg_wal fills."));
            }
        }
        return out;
    }
}
