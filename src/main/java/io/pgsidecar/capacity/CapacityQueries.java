package io.pgsidecar.capacity;

/** SQL of the capacity feature. */
final class CapacityQueries {

    /**
     * Vacuums running in this database, each progress row as JSON so that the fields of every
     * version are read as they are (17 counts dead items in bytes and indexes processed). $1: the
     * database's oid.
     */
    static final String VACUUM_PROGRESS = """
            /* pgsidecar */
            SELECT pg_catalog.to_jsonb(p)::text AS progress, p.relid::pg_catalog.regclass::text AS relation,
                   a.query LIKE 'autovacuum:%%' AS auto, a.query LIKE '%%(to prevent wraparound)%%' AS wraparound,
                   extract(epoch FROM pg_catalog.now() - a.xact_start)::float8 AS running_seconds,
                   pg_catalog.left(a.query, 200) AS query
              FROM pg_catalog.pg_stat_progress_vacuum p
              LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = p.pid
             WHERE p.datid = ?
            """.replace("%%", "%");

    /**
     * The tables autovacuum owes most: dead rows against each table's own threshold (its
     * reloptions, else the server's settings), with the time since its last vacuum, and how many
     * are past their threshold. $1: how many.
     */
    static final String OVERDUE = """
            /* pgsidecar */
            WITH t AS (
                SELECT s.relid, s.schemaname || '.' || s.relname AS tbl, s.n_live_tup, s.n_dead_tup,
                       s.n_mod_since_analyze,
                       extract(epoch FROM pg_catalog.now() - greatest(s.last_autovacuum, s.last_vacuum))::float8 AS since,
                       s.last_autovacuum,
                       coalesce(o.thr, pg_catalog.current_setting('autovacuum_vacuum_threshold')::float8)
                         + coalesce(o.sf, pg_catalog.current_setting('autovacuum_vacuum_scale_factor')::float8)
                           * greatest(c.reltuples, 0) AS threshold,
                       coalesce(o.enabled, true) AND pg_catalog.current_setting('autovacuum')::bool AS auto
                  FROM pg_catalog.pg_stat_user_tables s
                  JOIN pg_catalog.pg_class c ON c.oid = s.relid
                  LEFT JOIN LATERAL (
                      SELECT max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_threshold')::float8 AS thr,
                             max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_scale_factor')::float8 AS sf,
                             max(option_value) FILTER (WHERE option_name = 'autovacuum_enabled')::bool AS enabled
                        FROM pg_catalog.pg_options_to_table(c.reloptions)) o ON true)
            SELECT tbl, n_live_tup, n_dead_tup, n_mod_since_analyze, since, threshold, auto,
                   n_dead_tup / greatest(threshold, 1) AS ratio,
                   count(*) FILTER (WHERE n_dead_tup > threshold) OVER () AS overdue
              FROM t
             ORDER BY n_dead_tup / greatest(threshold, 1) DESC, tbl
             LIMIT ?
            """;

    /**
     * Transaction-id and multixact ages of every database on the server (wraparound is the whole
     * server's), the freeze settings, and the next transaction id (read from a snapshot: no id is
     * assigned) and next multixact id (from the last checkpoint, where the login may read it).
     */
    static final String WRAPAROUND = """
            /* pgsidecar */
            SELECT d.datname, pg_catalog.age(d.datfrozenxid)::bigint AS xid_age,
                   pg_catalog.mxid_age(d.datminmxid)::bigint AS mxid_age,
                   pg_catalog.current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max_age,
                   pg_catalog.current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mxid_freeze_max_age,
                   pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text::bigint AS next_xid,
                   CASE WHEN pg_catalog.has_function_privilege('pg_catalog.pg_control_checkpoint()', 'EXECUTE')
                        THEN (pg_catalog.pg_control_checkpoint()).next_multixact_id::text::bigint END AS next_mxid
              FROM pg_catalog.pg_database d
             WHERE d.datallowconn
             ORDER BY 2 DESC
            """;

    /** This database's tables with the oldest unfrozen transaction ids. $1: how many. */
    static final String OLDEST_TABLES = """
            /* pgsidecar */
            SELECT n.nspname || '.' || c.relname AS tbl, pg_catalog.age(c.relfrozenxid)::bigint AS xid_age,
                   pg_catalog.mxid_age(c.relminmxid)::bigint AS mxid_age,
                   pg_catalog.pg_total_relation_size(c.oid) AS bytes
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname !~ '^pg_toast'
             ORDER BY pg_catalog.age(c.relfrozenxid) DESC, 1
             LIMIT ?
            """;

    /**
     * Every sequence with its last value and limits, and the integer column it feeds, if any (owned
     * by it, as serial and identity columns are, or named by a column default's nextval). A
     * sequence whose value the login may not read has a null last_value.
     */
    static final String SEQUENCES = """
            /* pgsidecar */
            SELECT s.schemaname || '.' || s.sequencename AS seq, s.data_type::text AS seq_type, s.last_value,
                   s.min_value, s.max_value, s.increment_by, s.cycle, col.tbl, col.col, col.col_type,
                   pg_catalog.has_sequence_privilege(sc.oid, 'SELECT')
                     OR pg_catalog.has_sequence_privilege(sc.oid, 'USAGE') AS readable
              FROM pg_catalog.pg_sequences s
              JOIN pg_catalog.pg_namespace sn ON sn.nspname = s.schemaname
              JOIN pg_catalog.pg_class sc ON sc.relnamespace = sn.oid AND sc.relname = s.sequencename
              LEFT JOIN LATERAL (
                  SELECT x.tbl, x.col, x.col_type
                    FROM (SELECT tn.nspname || '.' || tc.relname AS tbl, a.attname::text AS col,
                                 pg_catalog.format_type(a.atttypid, a.atttypmod) AS col_type, a.atttypid
                            FROM pg_catalog.pg_depend d
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                            JOIN pg_catalog.pg_class tc ON tc.oid = a.attrelid
                            JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
                           WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = sc.oid
                             AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i')
                          UNION ALL
                          SELECT tn.nspname || '.' || tc.relname, a.attname::text,
                                 pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid
                            FROM pg_catalog.pg_depend d
                            JOIN pg_catalog.pg_attrdef ad ON ad.oid = d.objid
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
                            JOIN pg_catalog.pg_class tc ON tc.oid = a.attrelid
                            JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
                           WHERE d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
                             AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = sc.oid) x
                   ORDER BY CASE x.atttypid WHEN 'int2'::pg_catalog.regtype THEN 1 WHEN 'int4'::pg_catalog.regtype THEN 2
                                            WHEN 'int8'::pg_catalog.regtype THEN 3 ELSE 4 END, x.tbl, x.col
                   LIMIT 1) col ON true
            """;

    /**
     * A statistics-based bloat estimate of each table from the given size on: the pages reltuples
     * rows of the columns' average width need (a 24-byte header, the data rounded up to 8 bytes,
     * a 4-byte line pointer) at the table's fillfactor, against the pages it has. Tables with a
     * column without statistics (never analyzed, or not readable by the login) are counted apart.
     * $1: least bytes; $2: how many.
     */
    static final String BLOAT = """
            /* pgsidecar */
            WITH t AS (
                SELECT c.oid, n.nspname, c.relname, c.relpages::float8 AS pages, greatest(c.reltuples, 0)::float8 AS tuples,
                       coalesce((SELECT option_value::int FROM pg_catalog.pg_options_to_table(c.reloptions)
                                  WHERE option_name = 'fillfactor'), 100) AS fillfactor,
                       pg_catalog.current_setting('block_size')::float8 AS bs
                  FROM pg_catalog.pg_class c
                  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                   AND n.nspname !~ '^pg_toast'
                   AND c.relpages * pg_catalog.current_setting('block_size')::float8 >= ?),
            w AS (
                SELECT t.oid, sum((1 - s.null_frac) * s.avg_width) AS width,
                       count(s.attname) = count(*) AS complete
                  FROM t
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
                  LEFT JOIN pg_catalog.pg_stats s
                         ON s.schemaname = t.nspname AND s.tablename = t.relname AND s.attname = a.attname
                 GROUP BY t.oid),
            est AS (
                SELECT t.*, w.complete,
                       ceil(t.tuples * (24 + ceil(coalesce(w.width, 0) / 8.0) * 8 + 4)
                            / ((t.bs - 24) * t.fillfactor / 100.0)) AS est_pages
                  FROM t JOIN w USING (oid))
            SELECT nspname || '.' || relname AS tbl, pages * bs AS bytes,
                   CASE WHEN complete THEN greatest(pages - est_pages, 0) * bs END AS wasted,
                   CASE WHEN complete THEN greatest(1 - est_pages / greatest(pages, 1), 0) END AS ratio
              FROM est
             ORDER BY complete DESC, greatest(pages - est_pages, 0) DESC, 1
             LIMIT ?
            """;

    /** The database's size (a walk of its files) and the WAL position (the replay position on a standby). */
    static final String SIZE = """
            /* pgsidecar */
            SELECT pg_catalog.pg_database_size(pg_catalog.current_database()) AS bytes
            """;

    /** The WAL position in bytes: written on a primary, replayed on a standby. */
    static final String WAL = """
            /* pgsidecar */
            SELECT (CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()
                         ELSE pg_catalog.pg_current_wal_lsn() END - '0/0'::pg_lsn)::bigint AS wal_bytes
            """;

    /** Checkpoints and background writes up to 16 (all in pg_stat_bgwriter). */
    static final String CHECKPOINTS_PG13 = """
            /* pgsidecar */
            SELECT checkpoints_timed, checkpoints_req, checkpoint_write_time, checkpoint_sync_time, buffers_checkpoint,
                   buffers_clean, maxwritten_clean, buffers_backend, buffers_alloc
              FROM pg_catalog.pg_stat_bgwriter
            """;

    /** From 17: checkpoints in pg_stat_checkpointer; backends' own writes only in pg_stat_io. */
    static final String CHECKPOINTS_PG17 = """
            /* pgsidecar */
            SELECT c.num_timed, c.num_requested, c.write_time, c.sync_time, c.buffers_written,
                   b.buffers_clean, b.maxwritten_clean, NULL::bigint AS buffers_backend, b.buffers_alloc
              FROM pg_catalog.pg_stat_checkpointer c, pg_catalog.pg_stat_bgwriter b
            """;

    /** From 16: IO by the kind of process, summed over objects and contexts (times in ms when track_io_timing). */
    static final String IO_PG16 = """
            /* pgsidecar */
            SELECT backend_type, sum(reads)::bigint AS reads, sum(read_time)::float8 AS read_time,
                   sum(writes)::bigint AS writes, sum(write_time)::float8 AS write_time,
                   sum(extends)::bigint AS extends, sum(hits)::bigint AS hits, sum(evictions)::bigint AS evictions,
                   sum(fsyncs)::bigint AS fsyncs
              FROM pg_catalog.pg_stat_io
             GROUP BY backend_type
             ORDER BY backend_type
            """;

    private CapacityQueries() {
    }
}
