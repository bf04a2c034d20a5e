package io.pgsidecar.db;

/** SQL of the agent's own schema. {@code %1$s} is the history table, schema-qualified and quoted. */
final class SchemaQueries {

    /** Whether Flyway's history table exists ({@code %1$s} as a string literal). */
    static final String HISTORY_EXISTS = """
            /* pgsidecar */
            SELECT pg_catalog.to_regclass(%1$s) IS NOT NULL
            """;

    /**
     * No migration failed, and each of versions 1 to {@code %2$d} succeeded (later ones, a newer
     * agent's, may be there too; the schema-creation row is version 0).
     */
    static final String UP_TO_DATE = """
            /* pgsidecar */
            SELECT coalesce(bool_and(success), false)
                   AND count(DISTINCT version) FILTER (WHERE success AND version::int BETWEEN 1 AND %2$d) = %2$d
              FROM %1$s
             WHERE version ~ '^[0-9]{1,9}$'
            """;

    private SchemaQueries() {
    }
}
