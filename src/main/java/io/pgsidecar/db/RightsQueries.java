package io.pgsidecar.db;

/** SQL of the acting rights, asked of the catalog about a named role from any session. */
final class RightsQueries {

    private RightsQueries() {
    }

    /*
     * What owning lets a role do to the application: the database's owner, the owners of its schemas
     * (DROP SCHEMA ... CASCADE takes other owners' tables with it) and of its tables (ALTER, TRUNCATE,
     * DROP: what partition and index DDL act with), outside the catalogs and the agent's own schema
     * ($1). One pass over pg_class. %% because the queries that begin with it are formatted.
     */
    private static final String OWNERS = """
            WITH ns AS (
              SELECT n.oid, n.nspowner FROM pg_catalog.pg_namespace n
               WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname <> ?
                 AND n.nspname NOT LIKE 'pg\\_temp\\_%%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%%'),
            owners AS (
              SELECT datdba AS owner, 'owns the database' AS what FROM pg_catalog.pg_database
               WHERE datname = pg_catalog.current_database()
              UNION SELECT nspowner, 'owns a schema' FROM ns
              UNION SELECT c.relowner, 'owns tables' FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
               WHERE c.relkind IN ('r', 'p', 'm'))
            """;

    /*
     * The login of this session and every role it can become (SET ROLE follows membership whatever
     * INHERIT says, and a function can RESET ROLE back to the login): the ones that could act. Acting
     * is being superuser, CREATEROLE or REPLICATION, a member of a built-in role that signals, writes
     * or reads server files, runs programs, writes all data or maintains tables, or of the roles the
     * agent acts with ($2), or owning the database, an application schema or table (OWNERS, $1).
     * Reading (pg_monitor, pg_read_all_data) is not acting.
     */
    static final String REACH = (OWNERS + """
            , acting AS (SELECT pg_catalog.unnest(?::text[]) AS name)
            SELECT pg_catalog.session_user()::text,
                   pg_catalog.current_setting('server_version_num')::int,
                   ARRAY(SELECT r.rolname || CASE WHEN r.rolsuper THEN ' (superuser)'
                                                  WHEN r.rolcreaterole THEN ' (CREATEROLE)'
                                                  WHEN r.rolreplication THEN ' (REPLICATION)'
                                                  WHEN r.rolname IN (SELECT name FROM acting) THEN ''
                                                  ELSE ' (' || (SELECT o.what FROM owners o WHERE o.owner = r.oid
                                                                 ORDER BY o.what LIMIT 1) || ')' END
                           FROM pg_catalog.pg_roles r
                          WHERE pg_catalog.pg_has_role(pg_catalog.session_user(), r.oid, 'MEMBER')
                            AND (r.rolsuper OR r.rolcreaterole OR r.rolreplication
                                 OR r.rolname IN (SELECT name FROM acting) OR r.oid IN (SELECT owner FROM owners))
                          ORDER BY r.rolsuper DESC, r.rolname
                          LIMIT 5)
            """).formatted();

    /** Built-in roles whose rights act (those of the server at hand are matched; the rest ignored). */
    static final String[] ACTING_BUILT_IN_ROLES = {"pg_signal_backend", "pg_execute_server_program",
        "pg_read_server_files", "pg_write_server_files", "pg_write_all_data", "pg_maintain", "pg_checkpoint",
        "pg_create_subscription", "pg_signal_autovacuum_worker"};

    /**
     * The role: whether it exists, is superuser, may end other roles' sessions (pg_signal_backend,
     * and pg_read_all_stats to see the session it re-checks in the statement that ends it); the
     * server's version.
     */
    static final String ROLE = """
            /* pgsidecar */
            SELECT r.oid, r.rolname, r.rolsuper,
                   pg_catalog.pg_has_role(r.oid, 'pg_signal_backend', 'USAGE')
                   AND pg_catalog.pg_has_role(r.oid, 'pg_read_all_stats', 'USAGE'),
                   pg_catalog.current_setting('server_version_num')::int,
                   pg_catalog.pg_has_role(COALESCE(?, pg_catalog.session_user()::text), r.oid, 'MEMBER')
              FROM (SELECT 1) one
              LEFT JOIN pg_catalog.pg_roles r ON r.rolname = COALESCE(?, pg_catalog.session_user()::text)
            """;

    /*
     * Per named relation or schema: whether it exists, its owner, and what the role ($1) holds on it:
     * the owner's rights (through membership with inheritance), the database owner's, MAINTAIN (17+,
     * %1$s), SELECT and DELETE, CREATE on the schema. Needs come as parallel arrays ($2..$4).
     */
    static final String ON_RELATIONS = """
            /* pgsidecar */
            SELECT n.i, ns.oid IS NOT NULL, c.oid IS NOT NULL, pg_catalog.pg_get_userbyid(c.relowner),
                   COALESCE(pg_catalog.pg_has_role(?::oid, c.relowner, 'USAGE'), false),
                   COALESCE(pg_catalog.pg_has_role(?::oid, d.datdba, 'USAGE'), false),
                   %1$s,
                   COALESCE(pg_catalog.has_table_privilege(?::oid, c.oid, 'SELECT')
                            AND pg_catalog.has_table_privilege(?::oid, c.oid, 'DELETE'), false),
                   COALESCE(pg_catalog.has_schema_privilege(?::oid, ns.oid, 'CREATE'), false),
                   COALESCE(pg_catalog.has_schema_privilege(?::oid, ns.oid, 'USAGE'), false)
              FROM ROWS FROM (pg_catalog.unnest(?::int[]), pg_catalog.unnest(?::text[]), pg_catalog.unnest(?::text[]))
                   AS n(i, nsp, rel)
              CROSS JOIN (SELECT datdba FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) d
              LEFT JOIN pg_catalog.pg_namespace ns ON ns.nspname = n.nsp
              LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = ns.oid AND c.relname = n.rel
            """;

    static final String MAINTAIN_17 =
            "COALESCE(pg_catalog.has_table_privilege(?::oid, c.oid, 'MAINTAIN'), false)";
    static final String MAINTAIN_BEFORE_17 = "(?::oid IS NULL AND false)";

    /*
     * On the application's tables (not the catalogs, not information_schema, not the agent's own
     * schema $2): whether the role ($1) may VACUUM and ANALYZE at least one (MAINTAIN on 17+, %1$s,
     * else owner or database owner), REINDEX at least one (MAINTAIN, else owner), owns at least one;
     * and up to three owners of tables, for the GRANT that would give it the rest.
     */
    static final String ANYWHERE = """
            /* pgsidecar */
            WITH app AS (
              SELECT c.oid, c.relowner FROM pg_catalog.pg_class c
                JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
               WHERE c.relkind IN ('r', 'p', 'm')
                 AND ns.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ns.nspname <> ?
                 AND ns.nspname NOT LIKE 'pg\\_temp\\_%%' AND ns.nspname NOT LIKE 'pg\\_toast\\_temp\\_%%')
            SELECT COALESCE(bool_or(%1$s OR pg_catalog.pg_has_role(?::oid, a.relowner, 'USAGE')), false)
                       OR pg_catalog.pg_has_role(?::oid, (SELECT datdba FROM pg_catalog.pg_database
                                                         WHERE datname = pg_catalog.current_database()), 'USAGE'),
                   COALESCE(bool_or(%1$s OR pg_catalog.pg_has_role(?::oid, a.relowner, 'USAGE')), false),
                   COALESCE(bool_or(pg_catalog.pg_has_role(?::oid, a.relowner, 'USAGE')), false),
                   ARRAY(SELECT DISTINCT pg_catalog.pg_get_userbyid(relowner) FROM app ORDER BY 1 LIMIT 3)
              FROM app a
            """;

    static final String MAINTAIN_ANY_17 = "pg_catalog.has_table_privilege(?::oid, a.oid, 'MAINTAIN')";
    static final String MAINTAIN_ANY_BEFORE_17 = "(?::oid IS NULL AND false)";

    /** Whether the role ($1) may run pg_stat_statements_reset, and its signature for the GRANT. */
    static final String RESET_STATEMENTS = """
            /* pgsidecar */
            SELECT p.oid::pg_catalog.regprocedure::text,
                   pg_catalog.has_function_privilege(?::oid, p.oid, 'EXECUTE')
              FROM pg_catalog.pg_proc p
              JOIN pg_catalog.pg_extension e ON e.extname = 'pg_stat_statements' AND e.extnamespace = p.pronamespace
             WHERE p.proname = 'pg_stat_statements_reset'
             ORDER BY p.pronargs DESC
             LIMIT 1
            """;

    /** The owner of a relation. Parameters: schema, name. */
    static final String OWNER = """
            /* pgsidecar */
            SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
             WHERE ns.nspname = ? AND c.relname = ?
            """;


    /** The owners of the application's tables (not the catalogs, not the agent's schema $1), superusers left out. */
    static final String APPLICATION_OWNERS = """
            /* pgsidecar */
            SELECT DISTINCT r.rolname FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
              JOIN pg_catalog.pg_roles r ON r.oid = c.relowner
             WHERE c.relkind IN ('r', 'p', 'm') AND NOT r.rolsuper
               AND ns.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ns.nspname <> ?
               AND ns.nspname NOT LIKE 'pg\\_temp\\_%' AND ns.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
             ORDER BY 1
            """;

    /** The schema pg_stat_statements is installed in, if it is. */
    static final String STATEMENTS_SCHEMA = """
            /* pgsidecar */
            SELECT n.nspname FROM pg_catalog.pg_extension e
              JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'
            """;

    /*
     * The roles that ran statements in this database (from pg_stat_statements, %1$s its schema), with
     * whether each could act itself: a member (itself included) of a superuser, CREATEROLE or
     * REPLICATION role, of a role of $2, or of an owner (OWNERS, $1). The planning role is granted
     * only those that cannot, or the observer's reach would act.
     */
    static final String STATEMENT_ROLES = OWNERS + """
            , acting AS (
              SELECT b.oid FROM pg_catalog.pg_roles b
               WHERE b.rolsuper OR b.rolcreaterole OR b.rolreplication OR b.rolname = ANY (?::text[])
              UNION SELECT owner FROM owners)
            SELECT r.rolname, EXISTS (SELECT 1 FROM acting a WHERE pg_catalog.pg_has_role(r.oid, a.oid, 'MEMBER'))
              FROM pg_catalog.pg_roles r
             WHERE r.oid IN (SELECT s.userid FROM %1$s.pg_stat_statements(false) s
                              WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database
                                               WHERE datname = pg_catalog.current_database()))
             ORDER BY 1
            """;

    /** The schema pg_partman is installed in, if it is. */
    static final String PARTMAN_SCHEMA = """
            /* pgsidecar */
            SELECT n.nspname FROM pg_catalog.pg_extension e
              JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_partman'
            """;

    /** The schemas of the application's tables (not the catalogs, not the agent's $1, not public). */
    static final String APPLICATION_SCHEMAS = """
            /* pgsidecar */
            SELECT DISTINCT ns.nspname FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'm')
               AND ns.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public') AND ns.nspname <> ?
               AND ns.nspname NOT LIKE 'pg\\_temp\\_%' AND ns.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
             ORDER BY 1
            """;

}
