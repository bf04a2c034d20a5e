package io.pgsidecar.maintenance;

/**
 * SQL of the maintenance tasks. Catalog reads are parameterised; the maintenance statements
 * themselves (ANALYZE, VACUUM, REINDEX, DELETE) take identifiers that were read from the catalog
 * and quoted by the agent, never text from a request.
 */
public final class MaintenanceQueries {

    private MaintenanceQueries() {
    }

    /*
     * Tables to ANALYZE: changed since their last analyze by more than the agent's threshold (the
     * factor times what autovacuum would use: threshold + scale factor × rows, per-table settings
     * first), or never analyzed at all while holding rows. Ordinary tables and materialized views,
     * outside the system schemas; most changed first.
     * Parameters: factor, limit.
     */
    static final String ANALYZE_CANDIDATES = """
            /* pgsidecar */
            SELECT s.schemaname, s.relname, s.n_mod_since_analyze::float8 AS metric,
                   coalesce(s.last_analyze, s.last_autoanalyze) IS NULL AS never,
                   ? * (coalesce(o.threshold, pg_catalog.current_setting('autovacuum_analyze_threshold')::float8)
                        + coalesce(o.scale, pg_catalog.current_setting('autovacuum_analyze_scale_factor')::float8)
                          * greatest(c.reltuples, 0)) AS threshold
              FROM pg_catalog.pg_stat_user_tables s
              JOIN pg_catalog.pg_class c ON c.oid = s.relid
              LEFT JOIN LATERAL (
                   SELECT max(option_value) FILTER (WHERE option_name = 'autovacuum_analyze_threshold')::float8 AS threshold,
                          max(option_value) FILTER (WHERE option_name = 'autovacuum_analyze_scale_factor')::float8 AS scale
                     FROM pg_catalog.pg_options_to_table(c.reloptions)) o ON true
             WHERE c.relkind IN ('r', 'm')
               AND ((coalesce(s.last_analyze, s.last_autoanalyze) IS NULL AND s.n_live_tup + s.n_mod_since_analyze > 0)
                    OR s.n_mod_since_analyze > ? * (coalesce(o.threshold, pg_catalog.current_setting('autovacuum_analyze_threshold')::float8)
                        + coalesce(o.scale, pg_catalog.current_setting('autovacuum_analyze_scale_factor')::float8)
                          * greatest(c.reltuples, 0)))
             ORDER BY s.n_mod_since_analyze DESC, s.relid
             LIMIT ?
            """;

    /*
     * Tables to VACUUM (ANALYZE) for dead rows: at least the minimum count and the minimum share of
     * the table's rows. Parameters: min dead, min ratio, limit.
     */
    static final String VACUUM_CANDIDATES = """
            /* pgsidecar */
            SELECT s.schemaname, s.relname, s.n_dead_tup::float8 AS metric
              FROM pg_catalog.pg_stat_user_tables s
              JOIN pg_catalog.pg_class c ON c.oid = s.relid
             WHERE c.relkind IN ('r', 'm')
               AND s.n_dead_tup >= ?
               AND s.n_dead_tup::float8 / greatest(s.n_live_tup + s.n_dead_tup, 1) >= ?
             ORDER BY s.n_dead_tup DESC, s.relid
             LIMIT ?
            """;

    /*
     * Tables to VACUUM (FREEZE): age(relfrozenxid) past the given share of autovacuum_freeze_max_age
     * (the table's own setting first); oldest first. Parameters: share, limit.
     */
    static final String FREEZE_CANDIDATES = """
            /* pgsidecar */
            SELECT n.nspname, c.relname, pg_catalog.age(c.relfrozenxid)::float8 AS metric
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'm')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
               AND pg_catalog.age(c.relfrozenxid) >= ? * coalesce(
                   (SELECT option_value::float8 FROM pg_catalog.pg_options_to_table(c.reloptions)
                     WHERE option_name = 'autovacuum_freeze_max_age'),
                   pg_catalog.current_setting('autovacuum_freeze_max_age')::float8)
             ORDER BY pg_catalog.age(c.relfrozenxid) DESC
             LIMIT ?
            """;

    /*
     * Invalid indexes that no build is working on (no CREATE INDEX or REINDEX in progress on their
     * table), with whether they are leftovers of an interrupted concurrent rebuild (_ccnew, _ccold).
     */
    static final String INVALID_INDEXES = """
            /* pgsidecar */
            SELECT n.nspname, ci.relname, ct.relname AS table_name, i.indisunique,
                   ci.relname ~ '_cc(new|old)[0-9]*$' AS leftover,
                   pg_catalog.pg_relation_size(ci.oid)::float8 AS metric
              FROM pg_catalog.pg_index i
              JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
              JOIN pg_catalog.pg_class ct ON ct.oid = i.indrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = ci.relnamespace
             WHERE NOT i.indisvalid
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_create_index p WHERE p.relid = i.indrelid)
             ORDER BY leftover DESC, n.nspname, ci.relname
            """;

    /*
     * A statistics-based bloat estimate of the valid btree indexes from the given size on: the leaf
     * pages needed for reltuples entries of the average width (the key columns' pg_stats.avg_width,
     * rounded up to 8 bytes, plus an 8-byte tuple header and a 4-byte line pointer) at the index's
     * fillfactor (90 unless set), one per cent for the inner pages and the meta page, against the
     * pages it has. Indexes with an expression or a column without statistics are left out: there
     * is nothing to estimate from. Parameters: min bytes, min ratio, limit.
     */
    public static final String BLOATED_INDEXES = """
            /* pgsidecar */
            WITH idx AS (
                SELECT i.indexrelid, i.indrelid, n.nspname, ci.relname AS index_name, ct.relname AS table_name,
                       ci.relpages::float8 AS pages, greatest(ci.reltuples, 0)::float8 AS tuples,
                       coalesce((SELECT option_value::int FROM pg_catalog.pg_options_to_table(ci.reloptions)
                                  WHERE option_name = 'fillfactor'), 90) AS fillfactor,
                       pg_catalog.current_setting('block_size')::float8 AS bs, i.indkey::int2[] AS keys
                  FROM pg_catalog.pg_index i
                  JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
                  JOIN pg_catalog.pg_class ct ON ct.oid = i.indrelid
                  JOIN pg_catalog.pg_namespace n ON n.oid = ci.relnamespace
                  JOIN pg_catalog.pg_am am ON am.oid = ci.relam
                 WHERE am.amname = 'btree' AND i.indisvalid AND i.indexprs IS NULL
                   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
                   AND ci.relpages * pg_catalog.current_setting('block_size')::float8 >= ?),
            width AS (
                SELECT idx.indexrelid, sum(ceil(s.avg_width / 8.0) * 8) AS w, count(s.avg_width) = count(*) AS complete
                  FROM idx
                  CROSS JOIN LATERAL unnest(idx.keys) AS k(attnum)
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = idx.indrelid AND a.attnum = k.attnum
                  LEFT JOIN pg_catalog.pg_stats s
                         ON s.schemaname = idx.nspname AND s.tablename = idx.table_name AND s.attname = a.attname
                 GROUP BY idx.indexrelid),
            est AS (
                SELECT idx.*, ceil(idx.tuples * (8 + width.w + 4) / ((idx.bs - 40) * idx.fillfactor / 100.0) * 1.01) + 1
                         AS est_pages
                  FROM idx JOIN width USING (indexrelid)
                 WHERE width.complete)
            SELECT nspname, index_name, table_name, pages * bs AS metric, 1 - est_pages / greatest(pages, 1) AS ratio
              FROM est
             WHERE pages > est_pages AND 1 - est_pages / greatest(pages, 1) >= ?
             ORDER BY (pages - est_pages) DESC
             LIMIT ?
            """;

    /** The server's version and whether it is a standby. */
    static final String SERVER = """
            /* pgsidecar */
            SELECT pg_catalog.current_setting('server_version_num')::int, pg_catalog.pg_is_in_recovery()
            """;

    /*
     * What holds the xmin horizon back, oldest first: client sessions with a snapshot (not the
     * agent's own), replication slots, prepared transactions, standbys with hot_standby_feedback.
     * Seconds are how long it has been held where that is known.
     */
    static final String HORIZON_HOLDERS = """
            /* pgsidecar */
            SELECT kind, holder, detail, xid_age, seconds FROM (
                SELECT 'session' AS kind, a.pid::text AS holder, coalesce(a.application_name, '') AS detail,
                       pg_catalog.age(a.backend_xmin)::float8 AS xid_age,
                       extract(epoch FROM now() - coalesce(a.xact_start, a.backend_start))::float8 AS seconds
                  FROM pg_catalog.pg_stat_activity a
                 WHERE a.backend_xmin IS NOT NULL AND a.backend_type = 'client backend'
                   AND a.pid <> pg_catalog.pg_backend_pid() AND coalesce(a.application_name, '') NOT LIKE 'pgsidecar%'
                UNION ALL
                SELECT 'replication slot', slot_name, slot_type,
                       greatest(pg_catalog.age(xmin), pg_catalog.age(catalog_xmin))::float8, NULL
                  FROM pg_catalog.pg_replication_slots
                 WHERE xmin IS NOT NULL OR catalog_xmin IS NOT NULL
                UNION ALL
                SELECT 'prepared transaction', gid, owner, pg_catalog.age(transaction)::float8,
                       extract(epoch FROM now() - prepared)::float8
                  FROM pg_catalog.pg_prepared_xacts
                UNION ALL
                SELECT 'standby', coalesce(application_name, client_addr::text), 'hot_standby_feedback',
                       pg_catalog.age(backend_xmin)::float8, NULL
                  FROM pg_catalog.pg_stat_replication
                 WHERE backend_xmin IS NOT NULL) h
             ORDER BY xid_age DESC
             LIMIT 5
            """;

    /** Progress of a maintenance session's statement, from whichever progress view has it. Parameter: pid ×3. */
    static final String PROGRESS = """
            /* pgsidecar */
            SELECT 'vacuum', phase, heap_blks_scanned::float8, heap_blks_total::float8
              FROM pg_catalog.pg_stat_progress_vacuum WHERE pid = ?
            UNION ALL
            SELECT 'analyze', phase, sample_blks_scanned::float8, sample_blks_total::float8
              FROM pg_catalog.pg_stat_progress_analyze WHERE pid = ?
            UNION ALL
            SELECT 'create_index', phase, blocks_done::float8, blocks_total::float8
              FROM pg_catalog.pg_stat_progress_create_index WHERE pid = ?
            """;

    /**
     * Invalid leftovers a failed REINDEX CONCURRENTLY of an index left: {index}_ccnew, _ccnew1, ...
     * Parameters: schema, index name ×3.
     */
    static final String REBUILD_LEFTOVERS = """
            /* pgsidecar */
            SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
             WHERE n.nspname = ? AND pg_catalog.left(c.relname, pg_catalog.length(?)) = ?
               AND pg_catalog.substr(c.relname, pg_catalog.length(?) + 1) ~ '^_ccnew[0-9]*$' AND NOT i.indisvalid
            """;

    /** Whether a session with this pid is a live maintenance session. */
    static final String SESSION_ALIVE = """
            /* pgsidecar */
            SELECT count(*) > 0 FROM pg_catalog.pg_stat_activity
             WHERE pid = ? AND application_name = 'pgsidecar-maintenance'
            """;

    /*
     * Cancels a maintenance session's statement, re-checking in the same query that the pid is still
     * that session: a maintenance session that began no later than the given server time (when the
     * run's session was known to be alive). A pid reused since then belongs to a later backend and is
     * left alone. Parameters: pid, that time.
     */
    static final String CANCEL_BACKEND = """
            /* pgsidecar */
            SELECT pg_catalog.pg_cancel_backend(a.pid) FROM pg_catalog.pg_stat_activity a
             WHERE a.pid = ? AND a.application_name = 'pgsidecar-maintenance' AND a.backend_start <= ?
            """;

    /*
     * A retention rule's table and column as the catalog has them: the table's kind, the column's
     * type, and its single-column primary key if it has one. Parameters: schema, table, column.
     */
    static final String RULE_TARGET = """
            /* pgsidecar */
            SELECT c.relkind::text, pg_catalog.format_type(a.atttypid, a.atttypmod),
                   (SELECT pk.attname FROM pg_catalog.pg_index i
                      JOIN pg_catalog.pg_attribute pk ON pk.attrelid = i.indrelid AND pk.attnum = i.indkey[0]
                     WHERE i.indrelid = c.oid AND i.indisprimary AND i.indnatts = 1)
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = ? AND a.attnum > 0
                                                 AND NOT a.attisdropped
             WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')
            """;

    /*
     * Client sessions past the connection-health thresholds: idle in transaction for long, or in a
     * transaction open for long. Not the agent's own. Parameters: idle seconds, transaction seconds.
     */
    static final String STALE_SESSIONS = """
            /* pgsidecar */
            SELECT a.pid, coalesce(a.application_name, ''), a.usename, a.client_addr::text, a.state,
                   extract(epoch FROM now() - a.state_change)::float8, extract(epoch FROM now() - a.xact_start)::float8,
                   pg_catalog.left(a.query, 200), 
                   pg_catalog.to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
                   pg_catalog.to_char(a.state_change AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')
              FROM pg_catalog.pg_stat_activity a
             WHERE a.backend_type = 'client backend' AND a.pid <> pg_catalog.pg_backend_pid()
               AND coalesce(a.application_name, '') NOT LIKE 'pgsidecar%'
               AND ((a.state LIKE 'idle in transaction%' AND now() - a.state_change >= make_interval(secs => ?))
                    OR (a.xact_start IS NOT NULL AND now() - a.xact_start >= make_interval(secs => ?)))
             ORDER BY a.xact_start NULLS LAST
            """;

    /** Tables a run may name in {@code tables}: ordinary, partitioned and materialized. Parameters: schema, table. */
    static final String TABLE_EXISTS = """
            /* pgsidecar */
            SELECT count(*) > 0 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p', 'm')
            """;

    /*
     * Everything the tasks would pick now, in one round trip for the status page: each task's
     * candidate query (same conditions as the runs use), at most the given number each, with what
     * its figure is and the figure's unit (a session's is its transaction's age).
     * Parameters: analyze factor ×2 and limit; vacuum min dead, ratio, limit; freeze share, limit;
     * bloat min bytes, ratio, limit; idle seconds, transaction seconds.
     */
    static final String CANDIDATES = """
            /* pgsidecar */
            SELECT 'update_statistics' AS task, a.schemaname || '.' || a.relname AS target,
                   CASE WHEN a.never THEN 'never analyzed' ELSE 'rows changed since the last analyze' END AS detail,
                   a.metric, 'rows_changed_since_analyze' AS metric_name, 'rows' AS unit
              FROM (%s) a
            UNION ALL
            SELECT 'vacuum', v.schemaname || '.' || v.relname, 'dead rows', v.metric, 'dead_rows', 'rows' FROM (%s) v
            UNION ALL
            SELECT 'vacuum', f.nspname || '.' || f.relname, 'age(relfrozenxid): freeze', f.metric, 'xid_age', 'transactions'
              FROM (%s) f
            UNION ALL
            SELECT 'maintain_indexes', i.nspname || '.' || i.relname,
                   CASE WHEN i.leftover THEN 'invalid leftover of an interrupted rebuild' ELSE 'invalid index' END, i.metric,
                   'index_size', 'bytes'
              FROM (%s) i
            UNION ALL
            SELECT 'maintain_indexes', b.nspname || '.' || b.index_name, 'estimated bloat ratio', b.ratio,
                   'estimated_bloat_ratio', 'ratio'
              FROM (%s) b
            UNION ALL
            SELECT 'connection_health', 'pid ' || s.pid || ' (' || s.app || ')', s.state, s.xact_age,
                   'transaction_age', 'seconds'
              FROM (%s) s(pid, app, usename, client, state, state_age, xact_age, query)
            """.formatted(ANALYZE_CANDIDATES, VACUUM_CANDIDATES, FREEZE_CANDIDATES, INVALID_INDEXES, BLOATED_INDEXES,
            STALE_SESSIONS);
}
