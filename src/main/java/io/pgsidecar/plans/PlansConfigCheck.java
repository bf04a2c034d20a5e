package io.pgsidecar.plans;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import jakarta.inject.Singleton;

/** The plan history's interval and bounds. */
@Singleton
public class PlansConfigCheck implements ConfigCheck {

    private final PlansConfig plans;

    public PlansConfigCheck(PlansConfig plans) {
        this.plans = plans;
    }

    @Override
    public void check(ConfigProblems problems) {
        problems.tick("pgsidecar.plans.plan-interval", plans.planInterval());
        problems.positive("pgsidecar.plans.retention", plans.retention());
        problems.positive("pgsidecar.plans.regression-window", plans.regressionWindow());
        if (plans.topStatements() < 1 || plans.topStatements() > 500) {
            problems.add("pgsidecar.plans.top-statements='" + plans.topStatements() + "': expected 1 to 500");
        }
        problems.atLeast("pgsidecar.plans.per-statement", plans.perStatement(), 2);
        problems.atLeast("pgsidecar.plans.max-rows", plans.maxRows(), 100);
    }
}
