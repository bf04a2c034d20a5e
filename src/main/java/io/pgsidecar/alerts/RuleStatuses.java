package io.pgsidecar.alerts;

import io.pgsidecar.db.SnapshotStore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What each rule did at its last evaluation, for the rules API: kept by the leader, stored for the
 * followers every few seconds.
 */
public final class RuleStatuses {

    static final String SNAPSHOT_KIND = "alert_rules";
    private static final Duration STORE_EVERY = Duration.ofSeconds(15);

    /** One rule as the rules API shows it. */
    @RegisterForReflection
    public record RuleStatus(String name, String description, boolean enabled, String unit, String comparison,
                             Double warning, Double critical, String forDuration, Instant lastEvaluation,
                             String lastOutcome, int pending, int firing) {

        static RuleStatus of(AlertRule rule, RuleSettings s, Instant evaluated, String outcome, int pending,
                             int firing) {
            return new RuleStatus(rule.name(), rule.description(), s.enabled(), rule.unit(),
                    rule.comparison().name().toLowerCase(Locale.ROOT), s.warning(), s.critical(),
                    s.forDuration().toString(), evaluated, outcome, pending, firing);
        }
    }

    /** Every rule, and who evaluated them when. */
    @RegisterForReflection
    public record RulesView(String evaluatedBy, Instant evaluatedAt, List<RuleStatus> rules) {
    }

    private final SnapshotStore snapshots;
    private final Map<String, RuleStatus> byName = new LinkedHashMap<>();
    private volatile RulesView published;
    private Instant storedAt = Instant.EPOCH;

    RuleStatuses(SnapshotStore snapshots) {
        this.snapshots = snapshots;
    }

    synchronized void put(RuleStatus status) {
        byName.put(status.name(), status);
    }

    /** Publishes this round's statuses (and stores them for the followers, at most every few seconds). */
    void publish(Instant now) {
        RulesView view;
        synchronized (this) {
            view = new RulesView("leader", now, List.copyOf(byName.values()));
        }
        published = view;
        if (Duration.between(storedAt, now).compareTo(STORE_EVERY) >= 0) {
            storedAt = now;
            snapshots.save(SNAPSHOT_KIND, view);
        }
    }

    void forget() {
        published = null;
    }

    /**
     * The rules with their settings and last evaluation: this leader's own view, or on a follower
     * the leader's stored one (the settings shown are this instance's configuration).
     */
    RulesView view(List<AlertRule> rules, Function<AlertRule, RuleSettings> settings, boolean leader,
                   boolean enabled) {
        RulesView mine = leader ? published : null;
        RulesView source = mine != null ? mine : snapshots.load(SNAPSHOT_KIND, RulesView.class).orElse(null);
        Map<String, RuleStatus> evaluated = new HashMap<>();
        String by = "none yet";
        Instant at = null;
        if (source != null) {
            source.rules().forEach(r -> evaluated.put(r.name(), r));
            by = mine != null ? "this instance (leader)" : "the leader";
            at = source.evaluatedAt();
        }
        List<RuleStatus> out = new ArrayList<>();
        for (AlertRule rule : rules) {
            RuleSettings s = settings.apply(rule);
            RuleStatus e = evaluated.get(rule.name());
            out.add(e == null ? RuleStatus.of(rule, s, null, "not evaluated yet", 0, 0)
                    : RuleStatus.of(rule, s, e.lastEvaluation(), e.lastOutcome(), e.pending(), e.firing()));
        }
        return new RulesView(enabled ? by : "nobody: alerts are disabled (DB_ALERTS_ENABLED=false)", at, out);
    }
}
