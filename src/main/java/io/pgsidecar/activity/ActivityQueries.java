package io.pgsidecar.activity;

/** SQL of the activity feature: the sample, the blocking read, the deadlock count, the signals. */
final class ActivityQueries {

    /**
     * One sample: this database's sessions that are not idle, without their texts. The view's joins
     * (database and role names) are removed by the planner because no column of theirs is read, and
     * pg_blocking_pids, which briefly locks the lock manager, runs only for a session waiting on a
     * lock. $1: the database's oid. The sampling session itself is left out.
     */
    static final String SAMPLE = """
            /* pgsidecar */
            SELECT a.pid, a.backend_type, a.state, a.wait_event_type, a.wait_event, a.application_name, a.query_id,
                   CASE WHEN a.wait_event_type = 'Lock' THEN pg_catalog.pg_blocking_pids(a.pid) END AS blocked_by
              FROM pg_catalog.pg_stat_activity a
             WHERE a.datid = ? AND a.state IS DISTINCT FROM 'idle' AND a.pid <> pg_catalog.pg_backend_pid()
            """;

    /** Before 14 there is no query_id. */
    static final String SAMPLE_PG13 = SAMPLE.replace("a.query_id,", "NULL::bigint AS query_id,");

    /**
     * Who blocks whom, in detail: every session of this database waiting on a lock, every session
     * it waits for (wherever it is), what each waits for, and what each holds that others wait for.
     * pg_locks is read once (a materialized CTE: each read locks every lock-manager partition).
     * $1: the database's oid; $2: how much of each text.
     */
    static final String BLOCKING = """
            /* pgsidecar */
            WITH l AS MATERIALIZED (
                SELECT pid, locktype, database, relation, page, tuple, virtualxid, transactionid, classid, objid,
                       objsubid, mode, granted, waitstart
                  FROM pg_catalog.pg_locks),
            waiting AS (
                SELECT a.pid, pg_catalog.pg_blocking_pids(a.pid) AS blocked_by
                  FROM pg_catalog.pg_stat_activity a
                 WHERE a.wait_event_type = 'Lock' AND a.datid = ?),
            involved AS (
                SELECT pid FROM waiting
                UNION
                SELECT pg_catalog.unnest(blocked_by) FROM waiting)
            SELECT a.pid, a.backend_type, a.usename, a.application_name, a.client_addr::text AS client_addr, a.state,
                   a.wait_event_type, a.wait_event, a.query_id, pg_catalog.left(a.query, ?) AS query,
                   pg_catalog.to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS backend_start,
                   extract(epoch FROM pg_catalog.now() - a.xact_start)::float8 AS xact_age,
                   extract(epoch FROM pg_catalog.now() - a.query_start)::float8 AS query_age,
                   w.blocked_by,
                   wl.locktype AS wait_locktype, wl.mode AS wait_mode,
                   OBJECT(wl) AS wait_object,
                   extract(epoch FROM pg_catalog.now() - wl.waitstart)::float8 AS wait_age,
                   (SELECT pg_catalog.array_agg(DISTINCT h.mode || ' on ' || h.locktype || ' '
                           || coalesce(OBJECT(h), '?'))
                      FROM l h
                      JOIN l x ON NOT x.granted AND x.locktype = h.locktype
                           AND x.database IS NOT DISTINCT FROM h.database AND x.relation IS NOT DISTINCT FROM h.relation
                           AND x.page IS NOT DISTINCT FROM h.page AND x.tuple IS NOT DISTINCT FROM h.tuple
                           AND x.virtualxid IS NOT DISTINCT FROM h.virtualxid
                           AND x.transactionid IS NOT DISTINCT FROM h.transactionid
                           AND x.classid IS NOT DISTINCT FROM h.classid AND x.objid IS NOT DISTINCT FROM h.objid
                           AND x.objsubid IS NOT DISTINCT FROM h.objsubid
                     WHERE h.pid = a.pid AND h.granted) AS holds,
                   (SELECT pg_catalog.array_agg(DISTINCT r.mode || ' on ' || r.relation::pg_catalog.regclass::text)
                      FROM l r
                     WHERE r.pid = a.pid AND r.granted AND r.locktype = 'relation'
                       AND r.database = ? AND r.relation >= 16384) AS relations
              FROM pg_catalog.pg_stat_activity a
              JOIN involved i ON i.pid = a.pid
              LEFT JOIN waiting w ON w.pid = a.pid
              LEFT JOIN l wl ON wl.pid = a.pid AND NOT wl.granted
            """.replace("OBJECT(wl)", object("wl")).replace("OBJECT(h)", object("h"));

    /**
     * What a lock of {@code l} is on, in words: a relation (with the page and tuple of a tuple
     * lock), a transaction id, a virtual transaction, an advisory lock's keys, or an object's oid.
     */
    private static String object(String l) {
        return ("CASE %1$s.locktype WHEN 'tuple' THEN %1$s.relation::pg_catalog.regclass::text || ' ('"
                + " || %1$s.page || ',' || %1$s.tuple || ')'"
                + " WHEN 'advisory' THEN %1$s.classid || ':' || %1$s.objid || ':' || %1$s.objsubid"
                + " ELSE coalesce(%1$s.relation::pg_catalog.regclass::text, %1$s.transactionid::text, %1$s.virtualxid,"
                + " %1$s.objid::text) END").formatted(l);
    }

    /** Before 14: no query_id, no waitstart (a waiter's wait is then its statement's age). */
    static final String BLOCKING_PG13 = BLOCKING
            .replace("a.query_id,", "NULL::bigint AS query_id,")
            .replace("objsubid, mode, granted, waitstart", "objsubid, mode, granted, NULL::timestamptz AS waitstart");

    /**
     * The texts sessions of this database run now for query ids whose statement is not in
     * pg_stat_statements yet (its first execution has not ended). $1: the database's oid; $2: how
     * much of each text; $3: the query ids.
     */
    static final String RUNNING_TEXTS = """
            /* pgsidecar */
            SELECT DISTINCT ON (a.query_id) a.query_id, pg_catalog.left(a.query, ?) AS query
              FROM pg_catalog.pg_stat_activity a
             WHERE a.datid = ? AND a.query_id = ANY (?)
             ORDER BY a.query_id, a.query_start
            """;

    /** The database's deadlocks since its statistics were reset. $1: its oid. */
    static final String DEADLOCKS = """
            /* pgsidecar */
            SELECT pg_catalog.pg_stat_get_db_deadlocks(?)
            """;

    /** One session as a signal would find it. $1: how much of its text; $2: its pid. */
    static final String SESSION = """
            /* pgsidecar */
            SELECT a.pid, a.datname, a.datid, a.backend_type, a.usename, a.application_name,
                   a.client_addr::text AS client_addr, a.state, a.wait_event_type, a.wait_event,
                   pg_catalog.left(a.query, ?) AS query,
                   pg_catalog.to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS backend_start,
                   extract(epoch FROM pg_catalog.now() - a.xact_start)::float8 AS xact_age,
                   extract(epoch FROM pg_catalog.now() - a.query_start)::float8 AS query_age,
                   a.query LIKE 'autovacuum:%(to prevent wraparound)' AS wraparound
              FROM pg_catalog.pg_stat_activity a
             WHERE a.pid = ?
            """;

    /**
     * The signal, re-checking in the same statement that the pid is still the session judged (its
     * start), in this database, and none of the kinds refused unless forced. One row, true, when
     * the signal was sent; no row when the session ended or is another one.
     * {@code %s}: pg_cancel_backend or pg_terminate_backend. $1 pid, $2 backend_start, $3 database
     * oid, $4..$6 forced: agent session, replication, wraparound autovacuum.
     */
    static final String SIGNAL = """
            /* pgsidecar */
            SELECT pg_catalog.%s(a.pid)
              FROM pg_catalog.pg_stat_activity a
             WHERE a.pid = ? AND a.backend_start = ?::timestamptz
               AND (a.datid = ? OR a.datid IS NULL AND a.backend_type = 'walsender')
               AND (? OR coalesce(a.application_name, '') NOT LIKE 'pgsidecar%%')
               AND (? OR a.backend_type <> 'walsender')
               AND (? OR NOT (a.backend_type = 'autovacuum worker'
                              AND coalesce(a.query, '') LIKE 'autovacuum:%%(to prevent wraparound)'))
            """;

    private ActivityQueries() {
    }
}
