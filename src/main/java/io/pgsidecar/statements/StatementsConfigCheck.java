package io.pgsidecar.statements;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import jakarta.inject.Singleton;

/** Query monitoring's intervals, thresholds and sizes. */
@Singleton
public class StatementsConfigCheck implements ConfigCheck {

    private final StatementsConfig statements;

    public StatementsConfigCheck(StatementsConfig statements) {
        this.statements = statements;
    }

    @Override
    public void check(ConfigProblems problems) {
        problems.positive("pgsidecar.statements.interval", statements.interval());
        problems.positive("pgsidecar.statements.slow-query-threshold (SLOW_QUERY_THRESHOLD)",
                statements.slowQueryThreshold());
        problems.positive("pgsidecar.statements.history-retention", statements.historyRetention());
        problems.positive("pgsidecar.statements.regression-window", statements.regressionWindow());
        problems.positive("pgsidecar.statements.regression-baseline", statements.regressionBaseline());
        problems.positive("pgsidecar.statements.plan-timeout", statements.planTimeout());
        problems.atLeast("pgsidecar.statements.text-cache-size", statements.textCacheSize(), 1);
        problems.atLeast("pgsidecar.statements.max-text-length", statements.maxTextLength(), 64);
        problems.atLeast("pgsidecar.statements.stored-top-n", statements.storedTopN(), 0);
        problems.atLeast("pgsidecar.statements.metrics-top-n", statements.metricsTopN(), 0);
        statements.plannerRole().ifPresent(r -> problems.roleName("pgsidecar.statements.planner-role", r));
        statements.planTrustedRoles().ifPresent(l -> l.forEach(r ->
                problems.roleName("pgsidecar.statements.plan-trusted-roles", r)));
        if (!(statements.regressionFactor() > 1)) {
            problems.add("pgsidecar.statements.regression-factor='" + statements.regressionFactor()
                    + "': expected a number above 1");
        }
    }
}
