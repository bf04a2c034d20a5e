package io.pgsidecar.alerts;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** A rule's settings after the configuration's overrides. */
public record RuleSettings(boolean enabled, Duration forDuration, Double warning, Double critical) {

    /** Rule names as config keys match: without case, '-' or '_' (environment variables are upper case). */
    public static String normalize(String ruleName) {
        return ruleName.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    static RuleSettings of(AlertRule rule, AlertsConfig config) {
        AlertsConfig.Rule o = null;
        for (Map.Entry<String, AlertsConfig.Rule> e : config.rules().entrySet()) {
            if (normalize(e.getKey()).equals(normalize(rule.name()))) {
                o = e.getValue();
            }
        }
        if (o == null) {
            return new RuleSettings(true, rule.defaultFor(), rule.defaultWarning(), rule.defaultCritical());
        }
        return new RuleSettings(o.enabled().orElse(true), o.forDuration().orElse(rule.defaultFor()),
                o.warning().orElse(rule.defaultWarning()), o.critical().orElse(rule.defaultCritical()));
    }
}
