package io.pgsidecar.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.config.ConfigProblems;
import io.pgsidecar.testing.TestConfig;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rule overrides name a rule that exists (matched without case, '-' or '_'); receivers are URLs. */
class AlertsConfigCheckTest {

    static final Set<String> KNOWN = Set.of("SlowQuery", "ReplicaLagHigh");

    @Test
    void unknownRulesAndBadReceiversAreNamed() {
        ConfigProblems p = new ConfigProblems();
        AlertsConfigCheck.check(TestConfig.mapping(AlertsConfig.class, Map.of(
                "pgsidecar.alerts.rules.nosuchrule.enabled", "false",
                "pgsidecar.alerts.rules.SLOWQUERY.for", "-1m",
                "pgsidecar.alerts.notifications.alertmanager-urls", "alertmanager:9093")), KNOWN, p);
        assertThat(p.list()).containsExactlyInAnyOrder(
                "pgsidecar.alerts.rules.nosuchrule: no such rule; known rules: ReplicaLagHigh, SlowQuery",
                "pgsidecar.alerts.rules.SLOWQUERY.for='PT-1M': expected a duration of zero or more",
                "pgsidecar.alerts.notifications.alertmanager-urls='alertmanager:9093': expected an http:// or https:// "
                        + "URL with a host");
    }

    @Test
    void ruleNamesMatchWithoutCaseDashesOrUnderscores() {
        ConfigProblems p = new ConfigProblems();
        AlertsConfigCheck.check(TestConfig.mapping(AlertsConfig.class, Map.of(
                "pgsidecar.alerts.rules.replica-lag_high.warning", "3")), KNOWN, p);
        assertThat(p.list()).isEmpty();
    }
}
