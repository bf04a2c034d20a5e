package io.pgsidecar.replicas;

/**
 * What one poll of a replica returned: its answers, or why there were none.
 *
 * @param receiver the WAL receiver's status ({@code streaming}, ...), null when none runs
 * @param active client sessions busy on the replica (for least-connections routing)
 * @param refused the replica answered but would not let the agent in (connection refused,
 *                authentication failed, no free slots, starting up or shutting down): unlike a
 *                timeout, that is not a blip to ride out
 */
record Observation(boolean reachable, Boolean inRecovery, String receiveLsn, String replayLsn, Double replayAge,
                   Boolean paused, String receiver, Integer active, String systemIdentifier, Double responseSeconds,
                   String error, boolean refused) {

    static Observation failed(String error) {
        return new Observation(false, null, null, null, null, null, null, null, null, null, error, false);
    }

    static Observation refused(String error) {
        return new Observation(false, null, null, null, null, null, null, null, null, null, error, true);
    }
}
