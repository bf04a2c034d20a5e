package io.pgsidecar.alerts;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert lifecycle as the API shows it.
 *
 * @param labels the alert's identity beyond its name, severity included
 * @param value the observed value at the latest evaluation (while open) or the last one (resolved)
 * @param silencedBy ids of active silences that match it: it is not notified while any do
 */
@RegisterForReflection
public record Alert(long id, String alertname, String severity, Map<String, String> labels, String summary,
                    String description, Double value, Double threshold, AlertState state,
                    Instant pendingSince,
                    Instant firingSince,
                    Instant resolvedAt,
                    Instant updatedAt,
                    List<Long> silencedBy) {

    /** Labels as silences and Alertmanager see them: alertname and severity plus the rule's labels. */
    Map<String, String> allLabels() {
        return withName(alertname, labels);
    }

    static Map<String, String> withName(String alertname, Map<String, String> labels) {
        Map<String, String> all = new TreeMap<>(labels);
        all.put("alertname", alertname);
        return all;
    }
}
