package io.pgsidecar.capacity;

import io.pgsidecar.alerts.AlertRule;
import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.alerts.AlertRuleProvider;
import io.pgsidecar.capacity.CapacitySnapshot.Checkpoints;
import io.pgsidecar.capacity.CapacitySnapshot.Estimate;
import io.pgsidecar.capacity.CapacitySnapshot.SequenceUse;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code WraparoundApproaching} on the estimated time to the id limit (30 days warning, 7 critical:
 * time to schedule a freeze, then time to run one), {@code SequenceNearLimit} on the share of its
 * limit a sequence used (0.75, 0.9: the first leaves weeks for a migration to bigint on most
 * tables), and {@code CheckpointsRequested} when requested checkpoints outnumber timed ones over the
 * last hour (max_wal_size is too small for the write load).
 */
@ApplicationScoped
public class CapacityAlertRules implements AlertRuleProvider {

    private static final double DAY = 86_400;

    private final CapacityPoller poller;

    public CapacityAlertRules(CapacityPoller poller) {
        this.poller = poller;
    }

    @Override
    public List<AlertRule> rules() {
        return List.of(
                new AlertRule("WraparoundApproaching", "Days until the server stops assigning transaction (or "
                        + "multixact) ids, at the rate measured over the readings", "days", Comparison.BELOW,
                        Duration.ZERO, 30.0, 7.0, (now, t) -> wraparound()),
                new AlertRule("SequenceNearLimit", "Share of its limit a sequence has used (its maximum, or the "
                        + "integer column it feeds where that ends first)", "ratio", Comparison.AT_LEAST, Duration.ZERO,
                        0.75, 0.9, (now, t) -> sequences()),
                new AlertRule("CheckpointsRequested", "Share of the last hour's checkpoints that were requested (WAL "
                        + "filled max_wal_size) rather than timed", "ratio", Comparison.ABOVE, Duration.ZERO, 0.5, null,
                        (now, t) -> checkpoints()));
    }

    private CapacitySnapshot snapshot() {
        CapacitySnapshot s = poller.latest();
        return s.capturedAt() == null ? null : s;
    }

    private List<Observation> wraparound() {
        CapacitySnapshot s = snapshot();
        if (s == null || s.wraparound() == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (Estimate e : List.of(s.wraparound().xid(), s.wraparound().multixact())) {
            if (e == null || e.secondsToLimit() == null) {
                continue;
            }
            double days = e.secondsToLimit() / DAY;
            out.add(Observation.graded(Map.of("kind", e.kind()), days, String.format(Locale.ROOT,
                    "%s ids run out in %.1f days (database %s)", e.kind(), days, e.oldestDatabase()),
                    String.format(Locale.ROOT, "The oldest %s age is %d of the %d ids the server assigns before it "
                            + "refuses writes; %.1f ids a second are consumed (measured over %.0f s), so the limit comes "
                            + "at %s. VACUUM (FREEZE) the oldest tables (GET .../activity/vacuum lists them) and check "
                            + "that nothing holds the xmin horizon back.", e.kind(), e.oldestAge(), e.limit(),
                            e.perSecond(), e.measuredOverSeconds(), e.reachesLimitAt())));
        }
        return out;
    }

    private List<Observation> sequences() {
        CapacitySnapshot s = snapshot();
        if (s == null || s.runsOut() == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (SequenceUse u : s.runsOut().sequences()) {
            if (u.usedRatio() == null || u.cycles()) {
                continue;
            }
            out.add(Observation.graded(Map.of("sequence", u.sequence()), u.usedRatio(), String.format(Locale.ROOT,
                    "Sequence %s has used %.0f %% of its limit", u.sequence(), u.usedRatio() * 100),
                    "Last value " + u.lastValue() + " of " + u.limit() + " (limited by the "
                            + (u.limitedBy().equals("column") ? u.columnType() + " column " + u.table() + "." + u.column()
                            : u.dataType() + " sequence") + "); "
                            + (u.exhaustedAt() == null ? "no growth measured yet" : "at the rate measured it runs out at "
                            + u.exhaustedAt()) + ". Widen the column (and the sequence) to bigint before then."));
        }
        return out;
    }

    private List<Observation> checkpoints() {
        CapacitySnapshot s = snapshot();
        if (s == null || s.io() == null || s.io().checkpoints() == null) {
            return null;
        }
        Checkpoints c = s.io().checkpoints();
        if (c.requestedShareLastHour() == null) {
            return List.of();
        }
        return List.of(Observation.graded(Map.of(), c.requestedShareLastHour(), String.format(Locale.ROOT,
                "%d of the last hour's %d checkpoints were requested", c.requestedLastHour(),
                c.requestedLastHour() + c.timedLastHour()), "Requested checkpoints come when WAL fills max_wal_size "
                + "before checkpoint_timeout: each one writes every dirty buffer, and the first change of every page "
                + "after it writes a full page image to WAL. Raise max_wal_size so that checkpoints are timed."));
    }
}
