package io.pgsidecar.health;

/** SQL behind the health report and readiness. */
final class HealthQueries {

    static final String PING = "/* pgsidecar */ SELECT 1";

    /*
     * One round trip for the whole report:
     * - usable connections = max_connections minus the slots reserved for superusers and, on 16+,
     *   for pg_use_reserved_connections (reserved_connections is NULL before 16);
     * - connections counts client backends only (not autovacuum, walsenders, background workers);
     * - the oldest open transaction ignores this session;
     * - XID age is the oldest over all databases, since wraparound is cluster-wide;
     * - pg_stat_statements is "loaded" when it is in shared_preload_libraries and "installed"
     *   when CREATE EXTENSION ran in this database.
     */
    static final String REPORT = """
            /* pgsidecar */
            SELECT pg_catalog.current_setting('server_version_num')::int AS version_num,
                   pg_catalog.current_setting('server_version') AS version,
                   pg_catalog.pg_is_in_recovery() AS in_recovery,
                   extract(epoch FROM now() - pg_catalog.pg_postmaster_start_time())::float8 AS uptime_seconds,
                   pg_catalog.current_setting('max_connections')::int AS max_connections,
                   pg_catalog.current_setting('superuser_reserved_connections')::int
                     + coalesce(pg_catalog.current_setting('reserved_connections', true)::int, 0)
                     AS reserved_connections,
                   (SELECT count(*) FROM pg_catalog.pg_stat_activity
                     WHERE backend_type = 'client backend') AS connections,
                   (SELECT sum(blks_hit)::float8 / nullif(sum(blks_hit) + sum(blks_read), 0)
                      FROM pg_catalog.pg_stat_database
                     WHERE datname = pg_catalog.current_database()) AS cache_hit_ratio,
                   (SELECT extract(epoch FROM max(now() - xact_start))::float8
                      FROM pg_catalog.pg_stat_activity
                     WHERE xact_start IS NOT NULL AND backend_type = 'client backend'
                       AND pid <> pg_catalog.pg_backend_pid()) AS oldest_xact_seconds,
                   (SELECT datname FROM pg_catalog.pg_database
                     ORDER BY pg_catalog.age(datfrozenxid) DESC LIMIT 1) AS oldest_xid_database,
                   (SELECT max(pg_catalog.age(datfrozenxid)) FROM pg_catalog.pg_database) AS max_xid_age,
                   'pg_stat_statements' = ANY (pg_catalog.string_to_array(pg_catalog.replace(
                       pg_catalog.current_setting('shared_preload_libraries'), ' ', ''), ',')) AS pgss_loaded,
                   (SELECT extversion FROM pg_catalog.pg_extension
                     WHERE extname = 'pg_stat_statements') AS pgss_version
            """;

    private HealthQueries() {
    }
}
