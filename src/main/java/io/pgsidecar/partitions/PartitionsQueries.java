package io.pgsidecar.partitions;

/** The SQL of the partitions feature. Identifiers spliced in are quoted by the caller. */
final class PartitionsQueries {

    private PartitionsQueries() {
    }

    /*
     * Every top-level partitioned table with its partitions, in one round trip: the strategy, the
     * key (one plain column, or nothing for an expression or multi-column key), whether pg_partman
     * manages it, and per partition its bound, estimated rows, size, a pending detach and the last
     * histogram bound of the key (the newest value the statistics have seen). It reads the catalog
     * only and takes no lock on any table (sizes from relpages, bounds deparsed without opening the
     * table), so a table someone holds ACCESS EXCLUSIVE does not stall it. %1$s: the agent's schema
     * (for partman_parents); %2$s: the pending-detach column (PostgreSQL 14+) or false; %3$s: empty,
     * or {@link #ONE_TABLE}.
     */
    static final String STATUS = """
            /* pgsidecar */
            SELECT pn.nspname, p.relname, pt.partstrat::text, ka.attname,
                   pg_catalog.format_type(ka.atttypid, ka.atttypmod), pm.parent IS NOT NULL,
                   cn.nspname, c.relname, pg_catalog.pg_get_expr(c.relpartbound, 0), c.reltuples::float8,
                   ((c.relpages + coalesce(tc.relpages, 0)
                     + coalesce((SELECT sum(ic.relpages) FROM pg_catalog.pg_index x
                                  JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid WHERE x.indrelid = c.oid), 0))
                    * pg_catalog.current_setting('block_size')::bigint)::bigint, %2$s,
                   c.relkind::text,
                   (SELECT (s.histogram_bounds::text::text[])[pg_catalog.cardinality(s.histogram_bounds::text::text[])]
                      FROM pg_catalog.pg_stats s
                     WHERE s.schemaname = cn.nspname AND s.tablename = c.relname AND s.attname = ka.attname
                       AND c.reltuples > 0)
              FROM pg_catalog.pg_partitioned_table pt
              JOIN pg_catalog.pg_class p ON p.oid = pt.partrelid
              JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
              LEFT JOIN pg_catalog.pg_attribute ka
                     ON ka.attrelid = p.oid AND pt.partnatts = 1 AND ka.attnum = pt.partattrs[0] AND pt.partattrs[0] <> 0
              LEFT JOIN (SELECT %1$s.partman_parents() AS parent) pm ON pm.parent = pn.nspname || '.' || p.relname
              LEFT JOIN pg_catalog.pg_inherits i ON i.inhparent = p.oid
              LEFT JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
              LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
              LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid
             WHERE NOT p.relispartition AND pn.nspname NOT IN ('pg_catalog', 'information_schema') %3$s
             ORDER BY pn.nspname, p.relname
            """;

    /** Narrows {@link #STATUS} to one parent. Parameters: schema, table. */
    static final String ONE_TABLE = "AND pn.nspname = ? AND p.relname = ?";

    static final String DETACH_PENDING = "i.inhdetachpending";

    /** What a table is: relkind ('p' partitioned, 'r' plain, ...), or no row. Parameters: schema, table. */
    static final String RELKIND = """
            /* pgsidecar */
            SELECT c.relkind::text, pg_catalog.pg_get_userbyid(c.relowner), current_user
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ?
            """;

    /** What a configured set's table is: relkind, strategy, the one key column and its type. Parameters: schema, table. */
    static final String SET_TABLE = """
            /* pgsidecar */
            SELECT c.relkind::text, pt.partstrat::text, ka.attname, pg_catalog.format_type(ka.atttypid, ka.atttypmod)
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_catalog.pg_partitioned_table pt ON pt.partrelid = c.oid
              LEFT JOIN pg_catalog.pg_attribute ka
                     ON ka.attrelid = c.oid AND pt.partnatts = 1 AND ka.attnum = pt.partattrs[0] AND pt.partattrs[0] <> 0
             WHERE n.nspname = ? AND c.relname = ?
            """;

    /** The schema pg_partman is installed in, if it is. */
    static final String PARTMAN_SCHEMA = """
            /* pgsidecar */
            SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
             WHERE e.extname = 'pg_partman'
            """;

    /** A schema exists. Parameter: name. */
    static final String SCHEMA_EXISTS = """
            /* pgsidecar */
            SELECT count(*) > 0 FROM pg_catalog.pg_namespace WHERE nspname = ?
            """;

    /** The server version and whether it is a standby. */
    static final String SERVER = """
            /* pgsidecar */
            SELECT pg_catalog.current_setting('server_version_num')::int, pg_catalog.pg_is_in_recovery()
            """;

    /*
     * Candidates for partitioning: big plain tables with a NOT NULL date or timestamp column whose
     * values follow the physical (insert) order, written mostly by inserts. Sizes from relpages (as
     * of the last VACUUM or ANALYZE), so no table is locked. Parameters: min rows, min |correlation|,
     * max share of updates and deletes (the size threshold is applied by the caller).
     */
    static final String CANDIDATES = """
            /* pgsidecar */
            SELECT n.nspname, c.relname, (c.relpages::float8 + coalesce(tc.relpages, 0)
                     + coalesce((SELECT sum(ic.relpages) FROM pg_catalog.pg_index x
                                  JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid WHERE x.indrelid = c.oid), 0))
                    * pg_catalog.current_setting('block_size')::float8 AS bytes, c.reltuples::float8,
                   a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), s.correlation::float8,
                   coalesce(t.n_tup_ins, 0)::float8, coalesce(t.n_tup_upd, 0)::float8, coalesce(t.n_tup_del, 0)::float8,
                   (s.histogram_bounds::text::text[])[1],
                   (s.histogram_bounds::text::text[])[pg_catalog.cardinality(s.histogram_bounds::text::text[])],
                   EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.confrelid = c.oid) AS referenced
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull
              JOIN pg_catalog.pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname
              LEFT JOIN pg_catalog.pg_stat_user_tables t ON t.relid = c.oid
              LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid
             WHERE c.relkind = 'r' AND NOT c.relispartition
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
               AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
               AND c.reltuples >= ?
               AND abs(s.correlation) >= ?
               AND (coalesce(t.n_tup_upd, 0) + coalesce(t.n_tup_del, 0))
                   <= ? * greatest(coalesce(t.n_tup_ins, 0) + coalesce(t.n_tup_upd, 0) + coalesce(t.n_tup_del, 0), 1)
             ORDER BY c.relpages DESC, abs(s.correlation) DESC
             LIMIT 100
            """;

    /** The job history's latest row per parent. %1$s: the agent's schema. */
    static final String LATEST_JOBS = """
            /* pgsidecar */
            SELECT DISTINCT ON (parent) parent, trigger, instance, started_at, finished_at, outcome, created, detached,
                   dropped, runway, default_rows, newest, message
              FROM %1$s.partition_jobs ORDER BY parent, started_at DESC, id DESC
            """;

    /** Per parent, the end of its last ok job and of its last job that was not ok. %1$s: the agent's schema. */
    static final String LAST_ENDINGS = """
            /* pgsidecar */
            SELECT parent, max(finished_at) FILTER (WHERE outcome = 'ok'), max(finished_at) FILTER (WHERE outcome <> 'ok')
              FROM %1$s.partition_jobs GROUP BY parent
            """;

    static final String INSERT_JOB = """
            /* pgsidecar */
            INSERT INTO %1$s.partition_jobs (parent, trigger, instance, started_at, finished_at, outcome, created, detached,
                                             dropped, runway, default_rows, newest, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;

    /** One batch of {@link io.pgsidecar.db.BatchedPrune}: jobs started before a time; the batch size last. */
    static final String PRUNE_JOBS = """
            /* pgsidecar */
            DELETE FROM %1$s.partition_jobs
             WHERE id IN (SELECT id FROM %1$s.partition_jobs WHERE started_at < ? LIMIT ?)
            """;

    /** Sessions in a transaction older than the given one's snapshot would need: what a concurrent detach waits for. */
    static final String OLD_TRANSACTIONS = """
            /* pgsidecar */
            SELECT a.pid, coalesce(a.application_name, ''), a.state,
                   extract(epoch FROM now() - a.xact_start)::float8
              FROM pg_catalog.pg_stat_activity a
             WHERE a.xact_start IS NOT NULL AND a.pid <> ? AND a.backend_type = 'client backend'
               AND a.datname = pg_catalog.current_database()
             ORDER BY a.xact_start
             LIMIT 3
            """;
}
