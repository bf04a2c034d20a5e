package io.pgsidecar.replicas;

/**
 * A configured replica with its connection details parsed. The password is not here: it goes into
 * the replica's pool only.
 */
record ReplicaTarget(String name, String host, int port, String database, String user, int weight,
                     double maxLagSeconds, Long maxLagBytes) {
}
