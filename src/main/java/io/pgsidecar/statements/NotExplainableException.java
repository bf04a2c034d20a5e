package io.pgsidecar.statements;

/** The statement exists but cannot be explained without running it; the message says why. */
public final class NotExplainableException extends RuntimeException {

    private final long queryid;
    private final String reason;

    public NotExplainableException(long queryid, String reason) {
        super(reason);
        this.queryid = queryid;
        this.reason = reason;
    }

    public long queryid() {
        return queryid;
    }

    public String reason() {
        return reason;
    }
}
