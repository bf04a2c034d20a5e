package io.pgsidecar.db;

/** SQL of the agent's own schema. {@code %1$s} is the history table, schema-qualified and quoted. */
final class SchemaQueries {

    /** Whether Flyway's history table exists ({@code %1$s} as a string literal). */
    static final String HISTORY_EXISTS = """
            /* pgsidecar */
            SELECT pg_catalog.to_regclass(%1$s) IS NOT NULL
            """;

    /** Every migration succeeded and the highest applied is at least {@code %2$d}. */
    static final String UP_TO_DATE = """
            /* pgsidecar */
            SELECT bool_and(success) AND coalesce(max(version::int) FILTER (WHERE success), 0) >= %2$d
              FROM %1$s
             WHERE version ~ '^[0-9]+$'
            """;

    private SchemaQueries() {
    }
}
