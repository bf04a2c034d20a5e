package io.pgsidecar.connections;

/** SQL of the connections poll. */
final class ConnectionsQueries {

    /*
     * Every client session on the server (usage counts against max_connections are server-wide),
     * with ages in seconds. The agent's own sessions are recognised by application_name.
     */
    static final String ACTIVITY = """
            /* pgsidecar */
            SELECT a.pid, a.datname, a.usename, a.application_name, a.client_addr::text, a.state,
                   a.wait_event_type, a.wait_event,
                   extract(epoch FROM now() - a.xact_start)::float8 AS xact_age,
                   extract(epoch FROM now() - a.query_start)::float8 AS query_age,
                   extract(epoch FROM now() - a.state_change)::float8 AS state_age,
                   pg_catalog.left(a.query, ?) AS query,
                   a.pid = pg_catalog.pg_backend_pid() AS is_self
              FROM pg_catalog.pg_stat_activity a
             WHERE a.backend_type = 'client backend'
            """;

    /*
     * Usable connection slots: max_connections minus those reserved (superuser; 16+:
     * reserved_connections), and the age of this database's oldest unfrozen transaction id.
     */
    static final String CONNECTION_LIMITS = """
            /* pgsidecar */
            SELECT pg_catalog.current_setting('max_connections')::int AS max_connections,
                   pg_catalog.current_setting('superuser_reserved_connections')::int
                     + coalesce(pg_catalog.current_setting('reserved_connections', true)::int, 0) AS reserved,
                   (SELECT pg_catalog.age(d.datfrozenxid) FROM pg_catalog.pg_database d
                     WHERE d.datname = pg_catalog.current_database()) AS xid_age
            """;

    private ConnectionsQueries() {
    }
}
