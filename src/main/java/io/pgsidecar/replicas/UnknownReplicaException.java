package io.pgsidecar.replicas;

/** No replica of this name is configured. */
public final class UnknownReplicaException extends RuntimeException {

    private final String name;

    public UnknownReplicaException(String name) {
        super("replica '" + name + "' does not exist");
        this.name = name;
    }

    public String name() {
        return name;
    }
}
