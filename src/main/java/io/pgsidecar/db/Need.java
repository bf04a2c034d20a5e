package io.pgsidecar.db;

/**
 * A right an action of the agent needs on its acting sessions, on one relation (schema and name),
 * on any of the application's tables (both null: whether the task can act anywhere), or none
 * (signalling, resetting statistics).
 */
public record Need(Kind kind, String schema, String name) {

    /** The kinds of rights, by what the action does. */
    public enum Kind {
        /** VACUUM and ANALYZE: MAINTAIN on 17+; the table's or the database's owner before. */
        VACUUM_ANALYZE,
        /** REINDEX: MAINTAIN on 17+; the table's owner before. */
        REINDEX,
        /** DDL on the relation (CREATE INDEX, partitions, DROP INDEX): its owner, whatever the version. */
        OWN,
        /** CREATE TABLE in the schema (a new partition). */
        CREATE_IN_SCHEMA,
        /** Deleting old rows: SELECT and DELETE on the table. */
        DELETE,
        /** Ending another role's session: pg_signal_backend. */
        SIGNAL,
        /** pg_stat_statements_reset(): EXECUTE on it. */
        RESET_STATEMENTS
    }

    public static Need on(Kind kind, String schema, String name) {
        return new Need(kind, schema, name);
    }

    /** The right on at least one of the application's tables. */
    public static Need anywhere(Kind kind) {
        return new Need(kind, null, null);
    }

    public static Need of(Kind kind) {
        return new Need(kind, null, null);
    }

    /** What the right allows, in words. */
    public String describe() {
        String on = schema == null ? "" : " on " + (name == null ? "schema " + Identifiers.display(schema)
                : Identifiers.display(schema) + "." + Identifiers.display(name));
        return switch (kind) {
            case VACUUM_ANALYZE -> "VACUUM and ANALYZE" + (schema == null ? " on any application table" : on);
            case REINDEX -> "REINDEX" + (schema == null ? " on any application table" : on);
            case OWN -> "owning" + (schema == null ? " any application table" : on.replace(" on ", " "));
            case CREATE_IN_SCHEMA -> "CREATE" + on;
            case DELETE -> "SELECT and DELETE" + (schema == null ? " on the retention rules' tables" : on);
            case SIGNAL -> "ending other roles' sessions (pg_signal_backend; pg_read_all_stats to re-check the session)";
            case RESET_STATEMENTS -> "resetting pg_stat_statements (EXECUTE on pg_stat_statements_reset)";
        };
    }
}
