package io.pgsidecar.replicas;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/**
 * One replica as the agent sees it. Never carries the password.
 *
 * @param healthy the state after hysteresis (null before the first poll)
 * @param checkPassed whether the latest poll alone was good
 * @param lagSeconds 0 when the replica has replayed everything the primary had written, else the
 *                   age of its last replayed transaction
 * @param lagBytes primary's current WAL position minus the replica's replay position
 * @param replayStalled receive position advancing while replay is not, for several polls
 */
@RegisterForReflection
public record ReplicaStatus(String name, String host, int port, String database, String user, int weight,
                            double maxLagSeconds, Long maxLagBytes, Boolean healthy, boolean checkPassed,
                            List<String> problems, boolean reachable, Boolean inRecovery, String receiveLsn,
                            String replayLsn, Double lagSeconds, Long lagBytes, Boolean replayPaused,
                            boolean replayStalled, String walReceiverStatus, Integer activeConnections,
                            Double responseSeconds, String systemIdentifier, String lastError,
                            Instant lastChange, Instant checkedAt) {
}
