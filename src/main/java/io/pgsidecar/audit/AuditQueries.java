package io.pgsidecar.audit;

/** SQL of the audit log; {@code %s} is the agent's schema, validated and quoted at start-up. */
final class AuditQueries {

    /** A whole entry, or the intent of a changing call (outcome {@code pending}); returns its id. */
    static final String INSERT = """
            /* pgsidecar */
            INSERT INTO %s.audit_log
                (occurred_at, caller, client_address, instance, action, parameters, outcome,
                 http_status, detail, duration_ms)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)
            RETURNING id
            """;

    /** The outcome of a call whose intent was stored first. */
    static final String OUTCOME = """
            /* pgsidecar */
            UPDATE %s.audit_log
               SET action = ?, parameters = ?::jsonb, outcome = ?, http_status = ?, detail = ?, duration_ms = ?
             WHERE id = ?
            """;

    /**
     * Intents this instance stored in an earlier run whose outcome it never recorded (it stopped in
     * between): said so, rather than left pending for ever.
     */
    static final String STALE_PENDING = """
            /* pgsidecar */
            UPDATE %s.audit_log
               SET outcome = 'unknown', detail = 'the agent stopped before it recorded the outcome'
             WHERE instance = ? AND outcome = 'pending' AND occurred_at < ?
            """;

    /** Newest first; the optional action filter is matched exactly. */
    static final String LIST = """
            /* pgsidecar */
            SELECT id, occurred_at, caller, client_address, instance, action, parameters::text,
                   outcome, http_status, detail, duration_ms
              FROM %s.audit_log
             WHERE (?::text IS NULL OR action = ?::text)
             ORDER BY occurred_at DESC, id DESC
             LIMIT ?
            """;

    /** Rows past the retention period; deleted in bounded batches so no run holds locks for long. */
    static final String PRUNE = """
            /* pgsidecar */
            DELETE FROM %s.audit_log
             WHERE id IN (SELECT id FROM %s.audit_log
                           WHERE occurred_at < now() - make_interval(secs => ?)
                           LIMIT 10000)
            """;

    private AuditQueries() {
    }
}
