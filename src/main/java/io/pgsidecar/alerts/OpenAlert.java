package io.pgsidecar.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The engine's working copy of one alert lifecycle; only the evaluating thread touches it. */
final class OpenAlert {

    final String fingerprint;
    final String alertname;
    final String severity;
    /** The rule's labels plus severity (not alertname). */
    final Map<String, String> labels;
    long id;
    String summary;
    String description;
    Double value;
    Double threshold;
    AlertState state;
    Instant pendingSince;
    Instant firingSince;
    Instant resolvedAt;
    Instant updatedAt;
    /** When the row was last written; values are refreshed in the database at most once a minute. */
    Instant storedAt;
    /** When it was last sent to Alertmanager while firing. */
    Instant sentAt;
    private boolean insertedInThisWrite;

    OpenAlert(String fingerprint, String alertname, String severity, Map<String, String> labels) {
        this.fingerprint = fingerprint;
        this.alertname = alertname;
        this.severity = severity;
        this.labels = Map.copyOf(labels);
    }

    static String fingerprint(String alertname, Map<String, String> labels) {
        StringBuilder b = new StringBuilder(alertname).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append(e.getKey()).append("=\"").append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return b.append('}').toString();
    }

    void markInserting() {
        insertedInThisWrite = id == 0;
    }

    void pendingInsertRolledBack() {
        if (insertedInThisWrite) {
            id = 0;
        }
        insertedInThisWrite = false;
    }

    Map<String, String> allLabels() {
        return Alert.withName(alertname, labels);
    }

    Alert view(List<Long> silencedBy) {
        return new Alert(id, alertname, severity, labels, summary, description, value, threshold, state, pendingSince,
                firingSince, resolvedAt, updatedAt, silencedBy);
    }
}
