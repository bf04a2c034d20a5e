package io.pgsidecar.replicas;

/** No replica can take reads and the fallback is {@code unavailable}. */
public final class NoReplicaAvailableException extends RuntimeException {

    private final int configured;

    public NoReplicaAvailableException(int configured) {
        super("no healthy replica to read from (" + configured + " configured)");
        this.configured = configured;
    }

    public int configured() {
        return configured;
    }
}
