package io.pgsidecar.replicas;

/**
 * What one poll of a replica returned: its answers, or why there were none.
 *
 * @param receiver the WAL receiver's status ({@code streaming}, ...), null when none runs
 * @param active client sessions busy on the replica (for least-connections routing)
 */
record Observation(boolean reachable, Boolean inRecovery, String receiveLsn, String replayLsn, Double replayAge,
                   Boolean paused, String receiver, Integer active, String systemIdentifier, Double responseSeconds,
                   String error) {

    static Observation failed(String error) {
        return new Observation(false, null, null, null, null, null, null, null, null, null, error);
    }
}
