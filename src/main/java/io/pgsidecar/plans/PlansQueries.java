package io.pgsidecar.plans;

/** SQL of the plan history, in the agent's schema ({@code %1$s}). */
final class PlansQueries {

    /** The latest shape of a statement, and whether it was seen within the plan interval ($2, seconds). */
    static final String LATEST = """
            /* pgsidecar */
            SELECT id, shape_hash, last_seen > now() - make_interval(secs => ?) AS recent, shape, last_seen, sizes::text
              FROM %1$s.plan_history
             WHERE queryid = ?
             ORDER BY first_seen DESC, id DESC
             LIMIT 1
            """;

    static final String SEEN_AGAIN = """
            /* pgsidecar */
            UPDATE %1$s.plan_history SET last_seen = now(), planned_as = ?, total_cost = ? WHERE id = ?
            """;

    static final String INSERT = """
            /* pgsidecar */
            INSERT INTO %1$s.plan_history (queryid, shape_hash, first_seen, last_seen, planned_as, total_cost, shape, plan,
                                           causes, sizes)
            VALUES (?, ?, now(), now(), ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)
            """;

    /** Keeps a statement's newest shapes only. $1 queryid, $2 how many. */
    static final String TRIM_STATEMENT = """
            /* pgsidecar */
            DELETE FROM %1$s.plan_history
             WHERE queryid = ? AND id NOT IN (SELECT id FROM %1$s.plan_history WHERE queryid = ?
                                               ORDER BY first_seen DESC, id DESC LIMIT ?)
            """;

    /** A statement's shapes, newest first. $1 queryid, $2 how many. */
    static final String HISTORY = """
            /* pgsidecar */
            SELECT id, shape_hash, first_seen, last_seen, planned_as, total_cost, shape, plan::text, causes::text
              FROM %1$s.plan_history
             WHERE queryid = ?
             ORDER BY first_seen DESC, id DESC
             LIMIT ?
            """;

    /** Shapes not seen for the retention ($1 seconds), in batches ($2). */
    static final String PRUNE_OLD = """
            /* pgsidecar */
            DELETE FROM %1$s.plan_history
             WHERE id IN (SELECT id FROM %1$s.plan_history WHERE last_seen < now() - make_interval(secs => ?) LIMIT ?)
            """;

    /** The least recently seen rows beyond the total bound ($1), in batches ($2). */
    static final String PRUNE_EXCESS = """
            /* pgsidecar */
            DELETE FROM %1$s.plan_history
             WHERE id IN (SELECT id FROM %1$s.plan_history ORDER BY last_seen DESC, id DESC OFFSET ? LIMIT ?)
            """;

    private PlansQueries() {
    }
}
