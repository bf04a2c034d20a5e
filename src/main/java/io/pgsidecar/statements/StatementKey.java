package io.pgsidecar.statements;

/** One pg_stat_statements entry of this database: a statement as run by one role, top level or nested. */
public record StatementKey(long userid, long queryid, boolean toplevel) {
}
