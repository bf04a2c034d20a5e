package io.pgsidecar.plans;

import io.pgsidecar.alerts.AlertRule;
import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.alerts.AlertRuleProvider;
import io.pgsidecar.alerts.AlertTexts;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.statements.StatementsSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code PlanRegression}: a statement regressed (its recent mean at least the regression factor
 * above its baseline, as {@code QueryRegression} judges it) and its plan changed within
 * {@code pgsidecar.plans.regression-window}. The alert carries both plans, their difference in
 * words, the likely causes and what to do. A plan change without a slowdown is recorded, not alerted.
 */
@ApplicationScoped
public class PlanAlertRules implements AlertRuleProvider {

    private static final int SHAPE_LINES = 12;

    private final StatementsPoller statements;
    private final PlanHistory history;

    public PlanAlertRules(StatementsPoller statements, PlanHistory history) {
        this.statements = statements;
        this.history = history;
    }

    @Override
    public List<AlertRule> rules() {
        return List.of(new AlertRule("PlanRegression", "A statement regressed and its generic plan changed within the "
                + "regression window; the factor is its recent mean over its baseline", "factor", Comparison.AT_LEAST,
                Duration.ZERO, 2.0, null, (now, t) -> regressions(now)));
    }

    private List<Observation> regressions(Instant now) {
        if (!history.config().enabled()) {
            return List.of();
        }
        StatementsSnapshot s = statements.latest();
        if (s.capturedAt() == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (Map.Entry<StatementsSnapshot.Regression, PlanHistory.Change> e : history.regressedSinceAChange().entrySet()) {
            StatementsSnapshot.Regression r = e.getKey();
            PlanHistory.Change c = e.getValue();
            String causes = c.causes().isEmpty() ? "none the agent can see (the data itself may have changed)"
                    : c.causes().stream().map(PlanHistory.Cause::detail).collect(Collectors.joining("; "));
            String actions = c.causes().stream().filter(x -> x.action() != null).map(PlanHistory.Cause::action)
                    .distinct().collect(Collectors.joining("; "));
            out.add(Observation.graded(Map.of("queryid", r.queryid()), r.factor(), String.format(Locale.ROOT,
                    "Statement %s is %.1f× slower since its plan changed at %s: %s", r.queryid(), r.factor(), c.at(),
                    c.difference().isEmpty() ? "another plan" : c.difference().get(0)),
                    String.format(Locale.ROOT, "Mean %.2f ms against a baseline of %.2f ms. ", r.recentMeanMs(),
                            r.baselineMeanMs())
                            + "What changed: " + String.join("; ", c.difference()) + ". Likely causes: " + causes + ". "
                            + (actions.isEmpty() ? "" : "To do: " + actions + ". ")
                            + "Plan before: " + shape(c.before()) + ". Plan now: " + shape(c.after()) + ". Query: "
                            + AlertTexts.clip(r.query()) + ". Both plans: GET /api/v1/admin/database/performance/queries/"
                            + r.queryid() + "/plans."));
        }
        return out;
    }

    private static String shape(List<String> lines) {
        String s = lines.stream().limit(SHAPE_LINES).map(String::strip).collect(Collectors.joining(" / "));
        return lines.size() > SHAPE_LINES ? s + " / ..." : s;
    }
}
