package io.pgsidecar.replicas;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The primary's side of replication: its WAL position, every connected standby, every slot.
 *
 * @param error why the view could not be read, else null
 */
@RegisterForReflection
public record PrimaryView(String currentLsn, boolean inRecovery, String systemIdentifier, List<Standby> standbys,
                          List<Slot> slots, String error) {

    @RegisterForReflection
    public record Standby(String applicationName, String clientAddress, String state, String syncState, String sentLsn,
                          String writeLsn, String flushLsn, String replayLsn, Double writeLagSeconds,
                          Double flushLagSeconds, Double replayLagSeconds) {
    }

    static PrimaryView notPolled() {
        return new PrimaryView(null, false, null, List.of(), List.of(), "not polled yet");
    }

    /** @param retainedBytes WAL held back by the slot (current position minus its restart position) */
    @RegisterForReflection
    public record Slot(String name, String type, boolean active, String walStatus, Long retainedBytes) {
    }
}
