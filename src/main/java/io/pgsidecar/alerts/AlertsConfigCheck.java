package io.pgsidecar.alerts;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The alert engine: rule overrides must name a rule that exists; receivers must be URLs. */
@Singleton
public class AlertsConfigCheck implements ConfigCheck {

    private final AlertsConfig alerts;
    private final Instance<AlertRuleProvider> providers;

    public AlertsConfigCheck(AlertsConfig alerts, Instance<AlertRuleProvider> providers) {
        this.alerts = alerts;
        this.providers = providers;
    }

    @Override
    public void check(ConfigProblems problems) {
        Set<String> known = new TreeSet<>();
        for (AlertRuleProvider p : providers) {
            p.rules().forEach(r -> known.add(r.name()));
        }
        check(alerts, known, problems);
    }

    /** The check itself, given the names of the rules that exist. */
    static void check(AlertsConfig alerts, Set<String> knownRules, ConfigProblems problems) {
        Set<String> known = new TreeSet<>(knownRules);
        Set<String> knownNormalized = new HashSet<>();
        for (String k : known) {
            knownNormalized.add(RuleSettings.normalize(k));
        }
        alerts.rules().forEach((name, rule) -> {
            String key = "pgsidecar.alerts.rules." + name;
            if (!knownNormalized.contains(RuleSettings.normalize(name))) {
                problems.add(key + ": no such rule; known rules: " + String.join(", ", known));
            }
            rule.forDuration().ifPresent(d -> problems.notNegative(key + ".for", d));
            rule.warning().filter(v -> v.isNaN() || v.isInfinite())
                    .ifPresent(v -> problems.add(key + ".warning='" + v + "': expected a number"));
            rule.critical().filter(v -> v.isNaN() || v.isInfinite())
                    .ifPresent(v -> problems.add(key + ".critical='" + v + "': expected a number"));
        });
        problems.positive("pgsidecar.alerts.evaluation-interval", alerts.evaluationInterval());
        problems.positive("pgsidecar.alerts.history-retention", alerts.historyRetention());
        problems.atLeast("pgsidecar.alerts.max-alerts-per-rule", alerts.maxAlertsPerRule(), 1);
        AlertsConfig.Notifications n = alerts.notifications();
        for (String u : n.alertmanagerUrls().orElse(List.of())) {
            problems.httpUrl("pgsidecar.alerts.notifications.alertmanager-urls", u);
        }
        Set<String> names = new HashSet<>();
        for (WebhookReceiver.Target t : WebhookReceiver.targets(n.webhookUrls().orElse(List.of()))) {
            problems.httpUrl("pgsidecar.alerts.notifications.webhook-urls", t.url());
            if (!names.add(t.name())) {
                problems.add("pgsidecar.alerts.notifications.webhook-urls: two webhooks are named '" + t.name()
                        + "'; each needs a name of its own (name=url), which its delivery counters carry");
            }
        }
        n.webhookSecretFile().ifPresent(f -> problems.readableFile("pgsidecar.alerts.notifications.webhook-secret-file", f));
        n.generatorUrl().ifPresent(u -> problems.httpUrl("pgsidecar.alerts.notifications.generator-url", u));
        problems.positive("pgsidecar.alerts.notifications.resend-interval", n.resendInterval());
        problems.positive("pgsidecar.alerts.notifications.retry-backoff", n.retryBackoff());
        problems.positive("pgsidecar.alerts.notifications.timeout", n.timeout());
        problems.atLeast("pgsidecar.alerts.notifications.queue-size", n.queueSize(), 1);
        problems.atLeast("pgsidecar.alerts.notifications.max-attempts", n.maxAttempts(), 1);
    }
}
