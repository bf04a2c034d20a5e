package io.pgsidecar.db;

/**
 * The start-up check on the agent's own schema (Flyway does the rest). {@code %1$s} is the history
 * table, schema-qualified and quoted.
 */
final class SchemaQueries {

    /** Whether the history table exists ({@code %1$s} as a string literal). */
    static final String HISTORY_EXISTS = """
            /* pgsidecar */
            SELECT pg_catalog.to_regclass(%1$s) IS NOT NULL
            """;

    /**
     * No migration is recorded as failed, and each of the agent's migrations ({@code %2$s}: rows of
     * version text and checksum, {@code %3$d} of them) succeeded with the checksum its file has now
     * (a row without a checksum is accepted, as Flyway's validation accepts it). Later versions, a newer
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

    private SchemaQueries() {
    }
}
