package io.pgsidecar.statements;

/**
 * SQL of query monitoring. The pg_stat_statements variants are chosen from the installed
 * extension's version (not the server's: an extension that was never upgraded keeps its old
 * columns). {@code %1$s} is the extension's schema, checked against the catalog and quoted.
 */
final class StatementsQueries {

    /** Whether the library is preloaded, whether the extension is installed, its version and schema. */
    static final String EXTENSION = """
            /* pgsidecar */
            SELECT 'pg_stat_statements' = ANY (pg_catalog.string_to_array(pg_catalog.replace(
                       pg_catalog.current_setting('shared_preload_libraries'), ' ', ''), ',')) AS loaded,
                   e.extversion, n.nspname
              FROM (SELECT 1) one
              LEFT JOIN pg_catalog.pg_extension e ON e.extname = 'pg_stat_statements'
              LEFT JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
            """;

    static final String CREATE_EXTENSION = "/* pgsidecar */ CREATE EXTENSION IF NOT EXISTS pg_stat_statements";

    /*
     * Counters of this database's statements, without query texts (showtext => false: the text
     * file is not read). Rows whose queryid is hidden from this role are skipped.
     */
    private static final String COUNTERS = """
            /* pgsidecar */
            SELECT s.userid::bigint, s.queryid, %2$s AS toplevel, s.calls,
                   s.total_exec_time, s.min_exec_time, s.max_exec_time, s.mean_exec_time, s.stddev_exec_time,
                   s.rows, s.shared_blks_hit, s.shared_blks_read, s.temp_blks_written,
                   %3$s AS io_read_time, %4$s AS stats_since
              FROM %1$s.pg_stat_statements(false) s
             WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
               AND s.queryid IS NOT NULL
            """;

    /** An entry's key and calls in one int8, as StatementsReader.fingerprint makes it; %s is toplevel. */
    static final String FINGERPRINT = "(s.queryid # (s.userid::int8 << 1 | (%s)::int) # (s.calls << 33) # (s.calls >> 31))";

    /*
     * The same rows, without those the agent already holds unchanged: ? is the fingerprints of the
     * entries it holds (int8[]), each made from the entry's key and its calls exactly as
     * StatementsReader.fingerprint makes it. Every counter of an execution is added together with
     * its call, so an entry whose calls did not move did not change (the plan counters, which move
     * alone, are not read). The server still reads every entry (the floor), but sends only the
     * changed ones: at 20,000 entries a hash of the fingerprints instead of 20,000 rows for the
     * agent to receive and parse.
     */
    private static String changed(String counters, String toplevel) {
        return counters + """
                   AND NOT EXISTS (SELECT FROM pg_catalog.unnest(?::int8[]) held(fingerprint)
                                    WHERE held.fingerprint = %s)
                """.formatted(FINGERPRINT.formatted(toplevel));
    }

    /** 1.8 (PostgreSQL 13): no toplevel column. */
    static final String COUNTERS_V1_8 = COUNTERS.formatted("%1$s", "true", "s.blk_read_time", "NULL::timestamptz");
    /** 1.9 and 1.10 (PostgreSQL 14 to 16): toplevel; I/O time still blk_read_time. */
    static final String COUNTERS_V1_9 = COUNTERS.formatted("%1$s", "s.toplevel", "s.blk_read_time", "NULL::timestamptz");
    /** 1.11 and later (PostgreSQL 17+): shared_blk_read_time and stats_since. */
    static final String COUNTERS_V1_11 = COUNTERS.formatted("%1$s", "s.toplevel", "s.shared_blk_read_time",
            "s.stats_since");

    /** The changed entries only, per version (the same columns as the full read). */
    static final String CHANGED_V1_8 = changed(COUNTERS_V1_8, "true");
    static final String CHANGED_V1_9 = changed(COUNTERS_V1_9, "s.toplevel");
    static final String CHANGED_V1_11 = changed(COUNTERS_V1_11, "s.toplevel");

    /** Entries evicted to make room, and the last full reset (1.9+). */
    static final String INFO = """
            /* pgsidecar */
            SELECT dealloc, stats_reset FROM %1$s.pg_stat_statements_info
            """;

    /** Texts of the given query ids only, cut to a length. */
    static final String TEXTS = """
            /* pgsidecar */
            SELECT s.queryid, pg_catalog.left(s.query, ?)
              FROM %1$s.pg_stat_statements(true) s
             WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
               AND s.queryid = ANY (?)
            """;

    static final String RESET = "/* pgsidecar */ SELECT %1$s.pg_stat_statements_reset()";

    /** This database's transaction and error counters, and when the server started. */
    static final String DATABASE_STATS = """
            /* pgsidecar */
            SELECT xact_commit, xact_rollback, deadlocks, conflicts, temp_files, temp_bytes,
                   blks_hit, blks_read, stats_reset, pg_catalog.pg_postmaster_start_time() AS started
              FROM pg_catalog.pg_stat_database
             WHERE datname = pg_catalog.current_database()
            """;

    /** A table's row count by its statistics (-1 when never analysed), for the plan summary. */
    static final String TABLE_ROWS = """
            /* pgsidecar */
            SELECT c.reltuples::float8 FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ?
            """;

    // ---- the agent's history ----------------------------------------------------------------

    static final String INSERT_HISTORY = """
            /* pgsidecar */
            INSERT INTO %1$s.statement_history
                (captured_at, interval_seconds, queryid, userid, toplevel, calls, total_exec_ms, rows,
                 shared_blks_hit, shared_blks_read, temp_blks_written)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """;

    static final String INSERT_TOTALS = """
            /* pgsidecar */
            INSERT INTO %1$s.statement_totals
                (captured_at, interval_seconds, statements, calls, total_exec_ms, rows, by_type,
                 rebaselined, dealloc, xact_commit, xact_rollback, deadlocks, conflicts, temp_files, temp_bytes)
            VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """;

    static final String HISTORY_OF = """
            /* pgsidecar */
            SELECT captured_at, interval_seconds, sum(calls), sum(total_exec_ms), sum(rows),
                   sum(shared_blks_hit), sum(shared_blks_read), sum(temp_blks_written)
              FROM %1$s.statement_history
             WHERE queryid = ? AND captured_at >= now() - make_interval(secs => ?)
             GROUP BY captured_at, interval_seconds
             ORDER BY captured_at DESC
             LIMIT ?
            """;

    /*
     * Regressions: per query id, the calls and total time stored in [from, to), the most called
     * first. Both periods are asked whole at most hourly; at the polls in between only for the rows
     * that left the recent window and the rows stored since (StatementHistory).
     * Parameters: from, to, at most this many ids.
     */
    static final String SUMS_BETWEEN = """
            /* pgsidecar */
            SELECT queryid, sum(calls)::int8 AS calls, sum(total_exec_ms) AS total
              FROM %1$s.statement_history
             WHERE captured_at >= ? AND captured_at < ?
             GROUP BY queryid
             ORDER BY 2 DESC
             LIMIT ?
            """;

    static final String PRUNE_HISTORY = """
            /* pgsidecar */
            DELETE FROM %1$s.statement_history
             WHERE ctid IN (SELECT ctid FROM %1$s.statement_history
                             WHERE captured_at < now() - make_interval(secs => ?) LIMIT 50000)
            """;

    static final String PRUNE_TOTALS = """
            /* pgsidecar */
            DELETE FROM %1$s.statement_totals WHERE captured_at < now() - make_interval(secs => ?)
            """;

    private StatementsQueries() {
    }
}
