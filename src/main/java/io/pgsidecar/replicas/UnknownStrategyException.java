package io.pgsidecar.replicas;

/** A routing strategy that does not exist was asked for. */
public final class UnknownStrategyException extends RuntimeException {

    private final String given;

    public UnknownStrategyException(String given) {
        super("unknown routing strategy '" + given + "': expected round_robin, weighted_random or least_connections");
        this.given = given;
    }

    public String given() {
        return given;
    }
}
