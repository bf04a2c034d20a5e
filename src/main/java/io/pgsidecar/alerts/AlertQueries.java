package io.pgsidecar.alerts;

/** SQL of the alert engine, on the agent's own schema ({@code %1$s}). */
final class AlertQueries {

    private AlertQueries() {
    }

    static final String OPEN = """
            /* pgsidecar */
            SELECT id, fingerprint, alertname, severity, labels::text, summary, description, value, threshold, state,
                   pending_since, firing_since, resolved_at, updated_at
            FROM %1$s.alerts WHERE state <> 'resolved'
            """;

    static final String LIST = """
            /* pgsidecar */
            SELECT id, fingerprint, alertname, severity, labels::text, summary, description, value, threshold, state,
                   pending_since, firing_since, resolved_at, updated_at
            FROM %1$s.alerts
            WHERE (?::text = 'all' OR state = ?::text)
            ORDER BY CASE state WHEN 'firing' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END,
                     coalesce(resolved_at, firing_since, pending_since) DESC, id DESC
            LIMIT ?
            """;

    static final String INSERT = """
            /* pgsidecar */
            INSERT INTO %1$s.alerts (fingerprint, alertname, severity, labels, summary, description, value, threshold,
                                     state, pending_since, firing_since, resolved_at, updated_at)
            VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING id
            """;

    static final String UPDATE = """
            /* pgsidecar */
            UPDATE %1$s.alerts SET summary = ?, description = ?, value = ?, threshold = ?, state = ?,
                                   firing_since = ?, resolved_at = ?, updated_at = ?
            WHERE id = ?
            """;

    /** A pending alert whose condition cleared before it fired leaves no history. */
    static final String DELETE = "/* pgsidecar */ DELETE FROM %1$s.alerts WHERE id = ?";

    static final String PRUNE = """
            /* pgsidecar */
            DELETE FROM %1$s.alerts WHERE state = 'resolved' AND resolved_at < ?
            """;

    static final String PRUNE_SILENCES = """
            /* pgsidecar */
            DELETE FROM %1$s.alert_silences WHERE ends_at < ?
            """;

    static final String SILENCES_ACTIVE = """
            /* pgsidecar */
            SELECT id, matchers::text, starts_at, ends_at, comment, created_by, created_at
            FROM %1$s.alert_silences WHERE ends_at > now() ORDER BY id
            """;

    static final String SILENCE_INSERT = """
            /* pgsidecar */
            INSERT INTO %1$s.alert_silences (matchers, starts_at, ends_at, comment, created_by, created_at)
            VALUES (?::jsonb, ?, ?, ?, ?, ?)
            RETURNING id
            """;

    /** Expires a silence now; the row stays until it is pruned with the history. */
    static final String SILENCE_EXPIRE = """
            /* pgsidecar */
            UPDATE %1$s.alert_silences SET ends_at = least(ends_at, ?) WHERE id = ? AND ends_at > ?
            RETURNING id
            """;

    static final String SILENCE_EXISTS = "/* pgsidecar */ SELECT 1 FROM %1$s.alert_silences WHERE id = ?";
}
