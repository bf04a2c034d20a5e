package io.pgsidecar.indexes;

import io.pgsidecar.alerts.AlertRule;
import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.alerts.AlertRuleProvider;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Alert rules over the latest index analysis: invalid indexes. */
@ApplicationScoped
public class IndexAlertRules implements AlertRuleProvider {

    private final IndexService indexes;

    public IndexAlertRules(IndexService indexes) {
        this.indexes = indexes;
    }

    @Override
    public List<AlertRule> rules() {
        return List.of(new AlertRule("InvalidIndex", "An index is invalid (a failed or cancelled concurrent build) and "
                + "no build works on it: every write maintains it, no query uses it", "indexes", Comparison.ABOVE,
                Duration.ofMinutes(10), 0.0, null, (now, t) -> invalid()));
    }

    private List<Observation> invalid() {
        IndexAnalysis a = indexes.latest();
        if (a == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (IndexAnalysis.Invalid i : a.invalidIndexes()) {
            out.add(Observation.graded(Map.of("index", i.index()), 1, "Index " + i.index() + " is invalid",
                    i.reason() + ". Repair: " + i.sql() + " (see GET .../indexes/analysis, invalid_indexes)."));
        }
        return out;
    }
}
