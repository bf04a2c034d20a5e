package io.pgsidecar.statements;

/** An action needs the pg_stat_statements extension, and this database does not have it installed. */
public final class PgStatStatementsMissingException extends RuntimeException {

    private final String database;

    public PgStatStatementsMissingException(String database) {
        super("pg_stat_statements is not installed in database " + database
                + " (CREATE EXTENSION pg_stat_statements)");
        this.database = database;
    }

    public String database() {
        return database;
    }
}
