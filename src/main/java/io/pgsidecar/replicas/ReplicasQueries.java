package io.pgsidecar.replicas;

/** SQL of replica monitoring. */
final class ReplicasQueries {

    /** The primary's current WAL position (NULL when the agent's own database is a standby). */
    static final String PRIMARY_POSITION = """
            /* pgsidecar */
            SELECT CASE WHEN pg_catalog.pg_is_in_recovery() THEN NULL
                        ELSE pg_catalog.pg_current_wal_lsn()::text END AS lsn,
                   pg_catalog.pg_is_in_recovery() AS in_recovery
            """;

    /** Cluster identity: replicas of this primary share it. */
    static final String SYSTEM_IDENTIFIER = "/* pgsidecar */ SELECT system_identifier::text FROM pg_catalog.pg_control_system()";

    /** Every standby as the primary sees it; lags in seconds (NULL when the standby is idle and caught up). */
    static final String STANDBYS = """
            /* pgsidecar */
            SELECT application_name, client_addr::text, state, sync_state, sent_lsn::text, write_lsn::text,
                   flush_lsn::text, replay_lsn::text,
                   extract(epoch FROM write_lag)::float8, extract(epoch FROM flush_lag)::float8,
                   extract(epoch FROM replay_lag)::float8
              FROM pg_catalog.pg_stat_replication
             ORDER BY application_name
            """;

    /** Replication slots and the WAL each holds back from removal. */
    static final String SLOTS = """
            /* pgsidecar */
            SELECT slot_name, slot_type, active, wal_status,
                   CASE WHEN pg_catalog.pg_is_in_recovery() OR restart_lsn IS NULL THEN NULL
                        ELSE pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), restart_lsn)::bigint END
              FROM pg_catalog.pg_replication_slots
             ORDER BY slot_name
            """;

    /*
     * On a replica: recovery state, receive/replay positions, age of the last replayed transaction,
     * whether replay is paused (only asked in recovery: it errors otherwise), the WAL receiver's
     * status, and sessions busy right now (for least-connections routing).
     */
    static final String REPLICA = """
            /* pgsidecar */
            SELECT pg_catalog.pg_is_in_recovery() AS in_recovery,
                   pg_catalog.pg_last_wal_receive_lsn()::text AS receive_lsn,
                   pg_catalog.pg_last_wal_replay_lsn()::text AS replay_lsn,
                   extract(epoch FROM now() - pg_catalog.pg_last_xact_replay_timestamp())::float8 AS replay_age,
                   CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_is_wal_replay_paused()
                        ELSE false END AS paused,
                   (SELECT status FROM pg_catalog.pg_stat_wal_receiver LIMIT 1) AS receiver,
                   (SELECT count(*) FROM pg_catalog.pg_stat_activity
                     WHERE state = 'active' AND backend_type = 'client backend'
                       AND pid <> pg_catalog.pg_backend_pid())::int AS active
            """;

    private ReplicasQueries() {
    }

    /*
     * Index scans counted on a replica (its own statistics: a standby counts its own reads), and
     * how long those statistics have counted (since their reset, else the server's start).
     */
    static final String INDEX_SCANS = """
            /* pgsidecar */
            SELECT schemaname || '.' || indexrelname, idx_scan,
                   extract(epoch FROM now() - coalesce((SELECT d.stats_reset FROM pg_catalog.pg_stat_database d
                                                        WHERE d.datname = pg_catalog.current_database()),
                                                       pg_catalog.pg_postmaster_start_time()))::float8
              FROM pg_catalog.pg_stat_user_indexes
            """;
}
