package io.pgsidecar.replicas;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/**
 * One poll of the primary and every configured replica, as this instance saw it. Immutable; the
 * metrics, the alert rules, routing and the API read the latest one.
 *
 * @param capturedAt when the poll finished, null before the first
 */
@RegisterForReflection
public record ReplicasSnapshot(Instant capturedAt, List<ReplicaStatus> replicas, PrimaryView primary) {

    /** Whether a poll has completed (the rules say "no data" until then). */
    public boolean polled() {
        return capturedAt != null;
    }
}
