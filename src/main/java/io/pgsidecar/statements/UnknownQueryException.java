package io.pgsidecar.statements;

/** No statement with this query id is known: not in pg_stat_statements, the snapshot or the history. */
public final class UnknownQueryException extends RuntimeException {

    private final long queryid;

    public UnknownQueryException(long queryid) {
        super("query id '" + queryid + "' does not exist");
        this.queryid = queryid;
    }

    public long queryid() {
        return queryid;
    }
}
