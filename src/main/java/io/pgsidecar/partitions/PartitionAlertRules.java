package io.pgsidecar.partitions;

import io.pgsidecar.alerts.AlertRule;
import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.alerts.AlertRuleProvider;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Alert rules over the partition job's latest state: runway, the default partition, failed jobs. */
@ApplicationScoped
public class PartitionAlertRules implements AlertRuleProvider {

    private final PartitionJob job;

    public PartitionAlertRules(PartitionJob job) {
        this.job = job;
    }

    @Override
    public List<AlertRule> rules() {
        return List.of(
                new AlertRule("PartitionRunwayLow", "A configured partition set has fewer future partitions than half "
                        + "its premake (per-set limit): inserts past the last one would fail or land in the default "
                        + "partition", "intervals", Comparison.BELOW, Duration.ZERO, null, null, (now, t) -> runway()),
                new AlertRule("DefaultPartitionHasRows", "Rows sit in a default partition (counted for a configured "
                        + "set, estimated for another table); rows inside a range keep that partition from being made",
                        "rows", Comparison.ABOVE, Duration.ZERO, 0.0, null, (now, t) -> defaultRows()),
                new AlertRule("PartitionMaintenanceFailed", "The partition job for a set ended blocked or failed and "
                        + "has not ended ok since", "state", Comparison.AT_LEAST, Duration.ZERO, 1.0, null,
                        (now, t) -> failed()));
    }

    private PartitionsState state() {
        PartitionsState s = job.state();
        return s.at() == null ? null : s;
    }

    private List<Observation> runway() {
        PartitionsState s = state();
        if (s == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (PartitionsState.TableState t : s.tables().values()) {
            if (t.configured() && t.premake() != null && t.runway() < t.premake() / 2.0) {
                out.add(new Observation(Map.of("table", t.table()), t.runway(), "warning", t.premake() / 2.0,
                        "Partition runway of " + t.table() + " is " + t.runway() + " interval(s)",
                        "The set keeps " + t.premake() + " future partitions; " + t.runway() + " are there. See the "
                                + "job's last outcome in GET .../partitions/status."));
            }
        }
        return out;
    }

    private List<Observation> defaultRows() {
        PartitionsState s = state();
        if (s == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (PartitionsState.TableState t : s.tables().values()) {
            if (t.defaultRows() != null && t.defaultRows() > 0) {
                out.add(Observation.graded(Map.of("table", t.table()), t.defaultRows(),
                        "The default partition of " + t.table() + " holds " + t.defaultRows() + " row(s)",
                        "Rows that fit no partition went to the default one. Rows inside a range the set is about "
                                + "to make keep that partition from being made."));
            }
        }
        return out;
    }

    private List<Observation> failed() {
        PartitionsState s = state();
        if (s == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (PartitionSet set : job.sets()) {
            if (s.failing(set.qualified())) {
                out.add(Observation.graded(Map.of("table", set.qualified()), 1,
                        "Partition job for " + set.qualified() + " did not end ok",
                        "Its last job ended blocked or failed at " + s.endings().notOk().get(set.qualified())
                                + "; the reason is in GET .../partitions/status (last_job.message)."));
            }
        }
        return out;
    }
}
