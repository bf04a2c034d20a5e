package io.pgsidecar.maintenance;

/** SQL of the maintenance history in the agent's schema ({@code %1$s}). */
final class RunQueries {

    private RunQueries() {
    }

    static final String COLUMNS = """
            id, task, trigger, instance, requested_by, reason, started_at, finished_at, outcome, error,
            items_done, items_skipped, items_failed, backend_pid, heartbeat_at, cancel_requested""";

    static final String START = """
            /* pgsidecar */
            INSERT INTO %1$s.maintenance_runs (task, trigger, instance, requested_by, reason, started_at, heartbeat_at,
                                               backend_pid, outcome)
            VALUES (?, ?, ?, ?, ?, now(), now(), ?, 'running')
            RETURNING id
            """;

    /** A run that ended without starting: missed, or skipped before it began. */
    static final String RECORD = """
            /* pgsidecar */
            INSERT INTO %1$s.maintenance_runs (task, trigger, instance, requested_by, reason, started_at, finished_at,
                                               heartbeat_at, outcome, error)
            VALUES (?, ?, ?, ?, ?, ?, now(), now(), ?, ?)
            RETURNING id
            """;

    static final String ITEM = """
            /* pgsidecar */
            INSERT INTO %1$s.maintenance_items (run_id, seq, target, action, sql, started_at, duration_ms,
                                                rows_affected, outcome, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;

    static final String FINISH = """
            /* pgsidecar */
            UPDATE %1$s.maintenance_runs
               SET finished_at = now(), outcome = ?, error = ?, items_done = ?, items_skipped = ?, items_failed = ?
             WHERE id = ? AND outcome = 'running'
            """;

    static final String HEARTBEAT = """
            /* pgsidecar */
            UPDATE %1$s.maintenance_runs SET heartbeat_at = now() WHERE id = ANY (?) AND outcome = 'running'
            """;

    static final String RUNNING = """
            /* pgsidecar */
            SELECT %2$s FROM %1$s.maintenance_runs WHERE task = ? AND outcome = 'running'
            """;

    /**
     * Running runs whose agent stopped beating. The heartbeat was written with the server's now(),
     * so it is judged against the server's now() too: the pods' clocks never enter it.
     */
    static final String ORPHANED = """
            /* pgsidecar */
            SELECT %2$s FROM %1$s.maintenance_runs
             WHERE outcome = 'running' AND heartbeat_at < pg_catalog.now() - make_interval(secs => ?)
             ORDER BY id
            """;

    static final String ALL_RUNNING = """
            /* pgsidecar */
            SELECT %2$s FROM %1$s.maintenance_runs WHERE outcome = 'running' ORDER BY id
            """;

    static final String GET = """
            /* pgsidecar */
            SELECT %2$s FROM %1$s.maintenance_runs WHERE id = ?
            """;

    static final String ITEMS = """
            /* pgsidecar */
            SELECT seq, target, action, sql, started_at, duration_ms, rows_affected, outcome, reason
              FROM %1$s.maintenance_items WHERE run_id = ? ORDER BY seq
            """;

    /** Newest first, optionally one task and one outcome. */
    static final String LIST = """
            /* pgsidecar */
            SELECT %2$s FROM %1$s.maintenance_runs
             WHERE (?::text IS NULL OR task = ?::text) AND (?::text IS NULL OR outcome = ?::text)
             ORDER BY started_at DESC, id DESC
             LIMIT ?
            """;

    /** The latest run of each task, and its latest success. */
    static final String LATEST = """
            /* pgsidecar */
            SELECT DISTINCT ON (task) %2$s FROM %1$s.maintenance_runs ORDER BY task, started_at DESC, id DESC
            """;

    /** Per task, when a run last ended well (ok, partial) and when one last ended badly (failed, interrupted). */
    static final String LAST_ENDINGS = """
            /* pgsidecar */
            SELECT task, max(finished_at) FILTER (WHERE outcome IN ('ok', 'partial')),
                   max(finished_at) FILTER (WHERE outcome IN ('failed', 'interrupted'))
            FROM %1$s.maintenance_runs WHERE outcome IN ('ok', 'partial', 'failed', 'interrupted') GROUP BY task
            """;

    static final String REQUEST_CANCEL = """
            /* pgsidecar */
            UPDATE %1$s.maintenance_runs SET cancel_requested = true WHERE id = ? AND outcome = 'running'
            RETURNING backend_pid, started_at
            """;

    static final String INTERRUPTED = """
            /* pgsidecar */
            UPDATE %1$s.maintenance_runs SET outcome = 'interrupted', finished_at = now(), error = ?
             WHERE id = ? AND outcome = 'running' AND heartbeat_at < pg_catalog.now() - make_interval(secs => ?)
            """;

    /** One batch of {@link io.pgsidecar.db.BatchedPrune}: ended runs past the retention; the batch size last. */
    static final String PRUNE = """
            /* pgsidecar */
            DELETE FROM %1$s.maintenance_runs
             WHERE id IN (SELECT id FROM %1$s.maintenance_runs
                           WHERE outcome <> 'running' AND started_at < now() - make_interval(secs => ?) LIMIT ?)
            """;
}
