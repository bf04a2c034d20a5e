package io.pgsidecar.statements;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * The statements tests on the fork's shared server: one application that polls and analyses only
 * when a test asks, with {@link PlanAttack}'s roles and functions in its database. Members run in
 * class-name order, {@code StatementsIT} last (it resets pg_stat_statements and drops the
 * extension); {@code ChangedEntriesReadIT} resets it before it counts the agent's reads. See
 * {@link io.pgsidecar.DefaultAppSuiteIT} for how a suite shares one start.
 */
@Suite(failIfNoTests = false)
@SelectClasses(names = {"io.pgsidecar.statements.ChangedEntriesReadIT", "io.pgsidecar.statements.PlanSafetyIT",
    "io.pgsidecar.statements.RegressionBaselineIT",
    "io.pgsidecar.statements.StatementsIT"})
public class StatementsSuiteIT {

    /** The database as the members need it before the agent starts. */
    public static final String SQL = PlanAttack.ROLES + PlanAttack.MALLORY;

    /** {@link PlanAttack.Profile}, and StatementsIT's thresholds. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> all = new HashMap<>(new PlanAttack.Profile().getConfigOverrides());
            all.putAll(Map.of("SLOW_QUERY_THRESHOLD", "0.2",
                    "pgsidecar.statements.n-plus-one-min-calls", "200",
                    "pgsidecar.statements.regression-window", "3s",
                    "pgsidecar.statements.regression-min-calls", "5"));
            return all;
        }
    }
}
