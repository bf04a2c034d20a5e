package io.pgsidecar.db;

/** SQL of the agent's own schema. {@code %1$s} is the history table, schema-qualified and quoted. */
final class SchemaQueries {

    /** Whether the history table exists ({@code %1$s} as a string literal). */
    static final String HISTORY_EXISTS = """
            /* pgsidecar */
            SELECT pg_catalog.to_regclass(%1$s) IS NOT NULL
            """;

    /**
     * No migration is recorded as failed, and each of the agent's migrations ({@code %2$s}: rows of
     * version text and checksum, {@code %3$d} of them) succeeded with the checksum its file has now
     * (a row without a checksum is accepted, as the full path accepts it). Later versions, a newer
     * agent's, may be there too; the schema-creation row has no version.
     */
    static final String UP_TO_DATE = """
            /* pgsidecar */
            SELECT NOT EXISTS (SELECT 1 FROM %1$s WHERE NOT success)
                   AND (SELECT count(DISTINCT m.version)
                          FROM (VALUES %2$s) AS m (version, checksum)
                          JOIN %1$s h ON h.version = m.version AND h.success
                                     AND (h.checksum IS NULL OR h.checksum = m.checksum)) = %3$d
            """;

    /** Whether schema {@code ?} exists, and whether it holds any table, view, sequence or function. */
    static final String SCHEMA_STATE = """
            /* pgsidecar */
            SELECT n.oid IS NOT NULL,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relnamespace = n.oid)
                   OR EXISTS (SELECT 1 FROM pg_catalog.pg_proc p WHERE p.pronamespace = n.oid)
              FROM (SELECT (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = ?) AS oid) n
            """;

    /** Creates schema {@code %2$s} (quoted). */
    static final String CREATE_SCHEMA = """
            /* pgsidecar */
            CREATE SCHEMA %2$s
            """;

    /**
     * The history table, laid out as Flyway lays it out for PostgreSQL (earlier agents ran Flyway:
     * their rows and these are one history). {@code %3$s} is the table's unqualified name, quoted
     * parts of the constraint and index names follow it.
     */
    static final String CREATE_HISTORY = """
            /* pgsidecar */
            CREATE TABLE %1$s (
                installed_rank integer NOT NULL,
                version varchar(50),
                description varchar(200) NOT NULL,
                type varchar(20) NOT NULL,
                script varchar(1000) NOT NULL,
                checksum integer,
                installed_by varchar(100) NOT NULL,
                installed_on timestamp NOT NULL DEFAULT now(),
                execution_time integer NOT NULL,
                success boolean NOT NULL,
                CONSTRAINT "%3$s_pk" PRIMARY KEY (installed_rank)
            );
            CREATE INDEX "%3$s_s_idx" ON %1$s (success)
            """;

    /** The row that says the agent created the schema ({@code %2$s}, quoted, is the script). */
    static final String SCHEMA_CREATED = """
            /* pgsidecar */
            INSERT INTO %1$s (installed_rank, version, description, type, script, checksum, installed_by,
                              execution_time, success)
            VALUES (0, NULL, '<< Flyway Schema Creation >>', 'SCHEMA', ?, NULL, current_user, 0, true)
            """;

    /** The versioned rows: version, checksum, success. */
    static final String APPLIED = """
            /* pgsidecar */
            SELECT version, checksum, success
              FROM %1$s
             WHERE version IS NOT NULL
             ORDER BY installed_rank
            """;

    /** Records one applied migration: version, description, script, checksum, execution time (ms). */
    static final String RECORD = """
            /* pgsidecar */
            INSERT INTO %1$s (installed_rank, version, description, type, script, checksum, installed_by,
                              execution_time, success)
            SELECT coalesce(max(installed_rank), 0) + 1, ?, ?, 'SQL', ?, ?, current_user, ?, true
              FROM %1$s
            """;

    private SchemaQueries() {
    }
}
