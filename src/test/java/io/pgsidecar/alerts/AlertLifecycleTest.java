package io.pgsidecar.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alert lifecycle as a pure state machine: pending → firing → resolved, and what gets written. */
class AlertLifecycleTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Map<String, String> LABELS = Map.of("queryid", "42", "severity", "warning");

    final AlertLifecycle lifecycle = new AlertLifecycle(Duration.ofMinutes(1));

    private AlertLifecycle.Round round(Instant now, boolean breaching, Duration forDuration) {
        lifecycle.begin();
        if (breaching) {
            lifecycle.observe("SlowQuery", "warning", LABELS, "slow", "very slow", 2.0, 1.0, forDuration, now);
        }
        return lifecycle.end(now);
    }

    @Test
    void withoutForAnAlertFiresAtOnceAndResolvesWhenItsConditionGoes() {
        AlertLifecycle.Round first = round(T0, true, Duration.ZERO);
        assertThat(first.fired()).hasSize(1);
        OpenAlert a = first.fired().get(0);
        assertThat(a.state).isEqualTo(AlertState.FIRING);
        assertThat(a.firingSince).isEqualTo(T0);
        assertThat(first.toWrite()).containsExactly(a);

        AlertLifecycle.Round gone = round(T0.plusSeconds(30), false, Duration.ZERO);
        assertThat(gone.resolved()).containsExactly(a);
        assertThat(a.state).isEqualTo(AlertState.RESOLVED);
        assertThat(a.resolvedAt).isEqualTo(T0.plusSeconds(30));
        assertThat(gone.toWrite()).containsExactly(a);
        assertThat(lifecycle.open()).isEmpty();
    }

    @Test
    void anAlertStaysPendingForItsForAndThenFiresOnce() {
        Duration forDuration = Duration.ofMinutes(5);
        AlertLifecycle.Round r1 = round(T0, true, forDuration);
        assertThat(r1.fired()).isEmpty();
        assertThat(lifecycle.open()).singleElement().satisfies(a -> assertThat(a.state).isEqualTo(AlertState.PENDING));
        assertThat(round(T0.plus(Duration.ofMinutes(4)), true, forDuration).fired()).isEmpty();
        AlertLifecycle.Round r3 = round(T0.plus(forDuration), true, forDuration);
        assertThat(r3.fired()).hasSize(1);
        assertThat(r3.fired().get(0).pendingSince).isEqualTo(T0);
        assertThat(round(T0.plus(Duration.ofMinutes(6)), true, forDuration).fired()).as("fires once").isEmpty();
    }

    @Test
    void aPendingAlertWhoseConditionClearsLeavesNoHistory() {
        round(T0, true, Duration.ofMinutes(5));
        OpenAlert pending = lifecycle.open().iterator().next();
        pending.id = 7;
        AlertLifecycle.Round cleared = round(T0.plusSeconds(30), false, Duration.ofMinutes(5));
        assertThat(cleared.resolved()).isEmpty();
        assertThat(cleared.toWrite()).isEmpty();
        assertThat(cleared.toDelete()).containsExactly(7L);
        assertThat(lifecycle.open()).isEmpty();
    }

    @Test
    void aRuleWithoutDataKeepsItsAlertsAsTheyAre() {
        round(T0, true, Duration.ZERO);
        OpenAlert a = lifecycle.open().iterator().next();
        a.storedAt = T0;
        lifecycle.begin();
        lifecycle.keep("SlowQuery");
        AlertLifecycle.Round kept = lifecycle.end(T0.plusSeconds(10));
        assertThat(kept.resolved()).isEmpty();
        assertThat(kept.toWrite()).as("stored and unchanged: nothing to write").isEmpty();
        assertThat(a.state).isEqualTo(AlertState.FIRING);
    }

    @Test
    void unchangedOpenAlertsAreWrittenOnlyWhenTheirStoredValuesAreOld() {
        round(T0, true, Duration.ZERO);
        OpenAlert a = lifecycle.open().iterator().next();
        a.storedAt = T0;
        assertThat(round(T0.plusSeconds(30), true, Duration.ZERO).toWrite()).isEmpty();
        assertThat(round(T0.plusSeconds(61), true, Duration.ZERO).toWrite()).containsExactly(a);
    }

    @Test
    void identityIsNameAndLabelsSoTwoSeveritiesAreTwoAlerts() {
        lifecycle.begin();
        lifecycle.observe("ConnectionUsageHigh", "warning", Map.of("severity", "warning"), "s", "d", 0.96, 0.8,
                Duration.ZERO, T0);
        lifecycle.observe("ConnectionUsageHigh", "critical", Map.of("severity", "critical"), "s", "d", 0.96, 0.95,
                Duration.ZERO, T0);
        AlertLifecycle.Round r = lifecycle.end(T0);
        assertThat(r.fired()).hasSize(2);
        assertThat(lifecycle.counts("ConnectionUsageHigh")).isEqualTo(new AlertLifecycle.Counts(0, 2));
    }

    @Test
    void storedOpenAlertsAreContinuedByANewLeader() {
        OpenAlert stored = new OpenAlert(OpenAlert.fingerprint("SlowQuery", LABELS), "SlowQuery", "warning", LABELS);
        stored.id = 3;
        stored.state = AlertState.FIRING;
        stored.pendingSince = T0;
        stored.firingSince = T0;
        stored.storedAt = T0;
        lifecycle.load(List.of(stored));
        AlertLifecycle.Round r = round(T0.plusSeconds(5), true, Duration.ZERO);
        assertThat(r.fired()).as("already firing: not fired again").isEmpty();
        assertThat(lifecycle.open()).containsExactly(stored);
    }
}
