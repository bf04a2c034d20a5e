package io.pgsidecar.indexes;

/** The statements of the index analysis and of index builds. */
final class IndexesQueries {

    private IndexesQueries() {
    }

    /*
     * Every index of the application's schemas (not the catalog, TOAST or the agent's own schema %1$s)
     * with what the checks need: key columns in order (NULL for an expression), the definition's
     * shape (opclasses, options, collations, predicate, expressions), flags, size and scans, and
     * whether a build is working on its table now.
     */
    static final String INDEXES = """
            /* pgsidecar */
            SELECT n.nspname, ct.relname, ci.relname, i.indexrelid::bigint, am.amname, ct.relkind::text,
                   i.indisunique, i.indisprimary, i.indisvalid, (i.indisexclusion OR k.conname IS NOT NULL),
                   i.indnkeyatts::int, i.indnatts::int,
                   ARRAY(SELECT a.attname::text
                           FROM pg_catalog.unnest(i.indkey::int2[]) WITH ORDINALITY AS x(attnum, ord)
                           LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = x.attnum
                          ORDER BY x.ord),
                   i.indclass::text, i.indoption::text, i.indcollation::text,
                   pg_catalog.pg_get_expr(i.indexprs, i.indrelid), pg_catalog.pg_get_expr(i.indpred, i.indrelid),
                   pg_catalog.pg_relation_size(i.indexrelid), coalesce(s.idx_scan, 0), coalesce(s.idx_tup_read, 0),
                   EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_create_index p
                            WHERE p.relid = i.indrelid OR p.index_relid = i.indexrelid),
                   pg_catalog.pg_get_indexdef(i.indexrelid), i.indisreplident
              FROM pg_catalog.pg_index i
              JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
              JOIN pg_catalog.pg_class ct ON ct.oid = i.indrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = ct.relnamespace
              JOIN pg_catalog.pg_am am ON am.oid = ci.relam
              LEFT JOIN pg_catalog.pg_stat_all_indexes s ON s.indexrelid = i.indexrelid
              LEFT JOIN pg_catalog.pg_constraint k ON k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')
                                                  AND k.conrelid = i.indrelid
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', '%1$s') AND n.nspname !~ '^pg_toast'
               AND ct.relkind IN ('r', 'm', 'p')
            """;

    /*
     * Tables of the application's schemas: rows, size, the writes counted since the statistics
     * began, and the deletes and non-HOT updates among them (an upper bound of the changes of a
     * referenced key: a HOT update changed no indexed column, so no foreign key check ran).
     */
    static final String TABLES = """
            /* pgsidecar */
            SELECT n.nspname, c.relname, c.relkind::text, greatest(c.reltuples, 0)::float8,
                   pg_catalog.pg_total_relation_size(c.oid),
                   coalesce(s.n_tup_ins + s.n_tup_upd + s.n_tup_del, 0),
                   coalesce(s.n_tup_del + s.n_tup_upd - s.n_tup_hot_upd, 0),
                   coalesce(s.seq_scan, 0), c.relpages::bigint
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
             WHERE c.relkind IN ('r', 'm', 'p')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema', '%1$s') AND n.nspname !~ '^pg_toast'
            """;

    /* Foreign keys (declared ones: a partition's inherited copy is left out), with their columns in order. */
    static final String FOREIGN_KEYS = """
            /* pgsidecar */
            SELECT k.conname, n.nspname, c.relname,
                   ARRAY(SELECT a.attname::text
                           FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY AS x(attnum, ord)
                           JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.attnum
                          ORDER BY x.ord),
                   rn.nspname, r.relname
              FROM pg_catalog.pg_constraint k
              JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_catalog.pg_class r ON r.oid = k.confrelid
              JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
             WHERE k.contype = 'f' AND k.conparentid = 0
               AND n.nspname NOT IN ('pg_catalog', 'information_schema', '%1$s') AND n.nspname !~ '^pg_toast'
            """;

    /* Since when the cumulative statistics count: the last reset of this database's, else the server's start. */
    static final String STATS_SINCE = """
            /* pgsidecar */
            SELECT coalesce(d.stats_reset, pg_catalog.pg_postmaster_start_time()), now(),
                   pg_catalog.current_setting('server_version_num')::int, pg_catalog.pg_is_in_recovery(),
                   (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'hypopg'),
                   EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'hypopg')
              FROM pg_catalog.pg_stat_database d WHERE d.datname = pg_catalog.current_database()
            """;

    /* The top statements by total time over the window (seconds), from the agent's stored history %1$s. */
    static final String TOP_STATEMENTS = """
            /* pgsidecar */
            SELECT queryid, sum(total_exec_ms), sum(calls)
              FROM %1$s.statement_history
             WHERE captured_at > now() - make_interval(secs => ?)
             GROUP BY queryid
             ORDER BY 2 DESC
             LIMIT ?
            """;

    /* Seconds of polls stored over the window: what the statements' total time is spread over. */
    static final String COVERED_SECONDS = """
            /* pgsidecar */
            SELECT coalesce(sum(interval_seconds), 0) FROM %1$s.statement_totals
             WHERE captured_at > now() - make_interval(secs => ?)
            """;

    /* Mean time per call of these statements over [from, to) from the stored history. */
    static final String MEANS = """
            /* pgsidecar */
            SELECT queryid, sum(total_exec_ms) / nullif(sum(calls), 0)
              FROM %1$s.statement_history
             WHERE queryid = ANY (?) AND captured_at >= ? AND captured_at < ?
             GROUP BY queryid
            """;

    /* Average widths of a table's columns, for a size estimate. */
    static final String WIDTHS = """
            /* pgsidecar */
            SELECT attname::text, avg_width FROM pg_catalog.pg_stats WHERE schemaname = ? AND tablename = ?
            """;

    static final String HYPO_EXTENSION = "/* pgsidecar */ CREATE EXTENSION IF NOT EXISTS hypopg";
    static final String HYPO_CREATE = "/* pgsidecar */ SELECT indexrelid::bigint, indexname FROM hypopg_create_index(?)";
    static final String HYPO_SIZE = "/* pgsidecar */ SELECT hypopg_relation_size(?::oid)";
    static final String HYPO_RESET = "/* pgsidecar */ SELECT hypopg_reset()";

    /* One table's columns (name to type) and its kind; nothing when it does not exist. */
    static final String COLUMNS = """
            /* pgsidecar */
            SELECT c.relkind::text, a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod)
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE n.nspname = ? AND c.relname = ?
            """;

    /* The first schema of the search path that holds a relation of this name. */
    static final String RESOLVE_SCHEMA = """
            /* pgsidecar */
            SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relname = ? AND n.nspname = ANY (pg_catalog.current_schemas(false))
             ORDER BY pg_catalog.array_position(pg_catalog.current_schemas(false), n.nspname::name) LIMIT 1
            """;

    /* An index of this name in the schema: valid or not, and its definition. */
    static final String INDEX_BY_NAME = """
            /* pgsidecar */
            SELECT i.indisvalid, pg_catalog.pg_get_indexdef(i.indexrelid), c.relkind::text
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
             WHERE n.nspname = ? AND c.relname = ?
            """;

    /* Definitions of a table's valid indexes, to find one the request would only repeat. */
    static final String TABLE_INDEXES = """
            /* pgsidecar */
            SELECT c.relname, pg_catalog.pg_get_indexdef(i.indexrelid)
              FROM pg_catalog.pg_index i
              JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
              JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
             WHERE n.nspname = ? AND t.relname = ? AND i.indisvalid
            """;

    /* A partitioned table's direct partitions: name and kind (a partitioned partition is refused). */
    static final String PARTITIONS = """
            /* pgsidecar */
            SELECT cn.nspname, c.relname, c.relkind::text
              FROM pg_catalog.pg_inherits h
              JOIN pg_catalog.pg_class c ON c.oid = h.inhrelid
              JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
              JOIN pg_catalog.pg_class p ON p.oid = h.inhparent
              JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
             WHERE pn.nspname = ? AND p.relname = ?
             ORDER BY c.relname
            """;

    static final String IS_VALID = """
            /* pgsidecar */
            SELECT i.indisvalid FROM pg_catalog.pg_index i
             WHERE i.indexrelid = pg_catalog.to_regclass(?)
            """;

    static final String PROGRESS = """
            /* pgsidecar */
            SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total, partitions_done, partitions_total
              FROM pg_catalog.pg_stat_progress_create_index WHERE pid = ?
            """;

    static final String PID_ALIVE = "/* pgsidecar */ SELECT count(*) > 0 FROM pg_catalog.pg_stat_activity WHERE pid = ?";

    /* Build history in the agent's schema %1$s. */
    static final String INSERT_BUILD = """
            /* pgsidecar */
            INSERT INTO %1$s.index_builds (requested_at, instance, caller, table_name, index_name, statement,
                                           recommendation_id, state, before_means)
            VALUES (now(), ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
            RETURNING id
            """;

    static final String BUILD_STARTED = """
            /* pgsidecar */
            UPDATE %1$s.index_builds SET state = 'running', started_at = now(), pid = ? WHERE id = ?
            """;

    static final String BUILD_ENDED = """
            /* pgsidecar */
            UPDATE %1$s.index_builds SET state = ?, ended_at = now(), message = ? WHERE id = ?
            """;

    static final String BUILD = """
            /* pgsidecar */
            SELECT id, requested_at, started_at, ended_at, instance, caller, table_name, index_name, statement,
                   recommendation_id, state, message, pid, before_means::text
              FROM %1$s.index_builds WHERE id = ?
            """;

    static final String RECENT_BUILDS = """
            /* pgsidecar */
            SELECT id, requested_at, started_at, ended_at, instance, caller, table_name, index_name, statement,
                   recommendation_id, state, message, pid, before_means::text
              FROM %1$s.index_builds WHERE requested_at > now() - make_interval(secs => ?)
             ORDER BY id DESC LIMIT ?
            """;

    /** One batch of {@link io.pgsidecar.db.BatchedPrune}: builds past the retention; the batch size last. */
    static final String PRUNE_BUILDS = """
            /* pgsidecar */
            DELETE FROM %1$s.index_builds
             WHERE id IN (SELECT id FROM %1$s.index_builds
                           WHERE requested_at < now() - make_interval(secs => ?) LIMIT ?)
            """;
}
