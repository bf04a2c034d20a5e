package io.pgsidecar.alerts;

import java.util.List;

/** A bean that contributes alert rules; each feature package has one for its own data. */
public interface AlertRuleProvider {
    List<AlertRule> rules();
}
