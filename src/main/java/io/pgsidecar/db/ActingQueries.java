package io.pgsidecar.db;

/** SQL of the acting sessions ({@link ActingSession}): their limits, what they are, their advisory locks. */
final class ActingQueries {

    private ActingQueries() {
    }

    /** A new session's limits: statement_timeout and lock_timeout in ms (%1$d, %2$d), numbers the agent formed. */
    static final String LIMITS = "/* pgsidecar */ SET statement_timeout = %1$d; SET lock_timeout = %2$d";

    /** The acting role of the SET ROLE form (%1$s: the configured name, quoted). */
    static final String SET_ROLE = "/* pgsidecar */ SET ROLE %1$s";

    /** What a new session learns about itself in one round trip. */
    static final String OPENED = """
            /* pgsidecar */
            SELECT pg_catalog.pg_backend_pid(), pg_catalog.now(),
                   pg_catalog.current_setting('server_version_num')::int, pg_catalog.pg_is_in_recovery()
            """;

    /** The advisory lock on two int4 keys (the lock class, an object), without waiting. */
    static final String TRY_LOCK = """
            /* pgsidecar */
            SELECT pg_catalog.pg_try_advisory_lock(?, ?)
            """;

    /** The same, the object being hashtext of a name (a table's qualified name). */
    static final String TRY_LOCK_NAMED = """
            /* pgsidecar */
            SELECT pg_catalog.pg_try_advisory_lock(?, pg_catalog.hashtext(?))
            """;

    /** Releases what {@link #TRY_LOCK_NAMED} took. */
    static final String UNLOCK_NAMED = """
            /* pgsidecar */
            SELECT pg_catalog.pg_advisory_unlock(?, pg_catalog.hashtext(?))
            """;

    /** Releases every advisory lock of the session before it closes. */
    static final String UNLOCK_ALL = """
            /* pgsidecar */
            SELECT pg_catalog.pg_advisory_unlock_all()
            """;

    /**
     * The backend holding an advisory lock on two int4 keys (objsubid 2) in this database, if any.
     * Parameters: the lock class, the object.
     */
    static final String HOLDER = """
            /* pgsidecar */
            SELECT pid
              FROM pg_catalog.pg_locks
             WHERE locktype = 'advisory' AND granted AND classid = ?::int4::oid AND objid = ?::int4::oid
               AND objsubid = 2
               AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
             LIMIT 1
            """;
}
