package io.pgsidecar.connections;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Client sessions as the server saw them at one poll.
 *
 * @param usable max_connections minus the reserved slots
 * @param agent this agent's own sessions (application_name pgsidecar*), counted apart
 * @param xidAge age of this database's oldest unfrozen transaction id (wraparound comes at 2^31)
 */
@RegisterForReflection
public record ConnectionsSnapshot(Instant capturedAt, int maxConnections, int reserved, int usable, int total,
                                  double usageRatio, Map<String, Integer> byState, List<Application> byApplication,
                                  int agent, List<Session> idleInTransaction, List<Session> longTransactions,
                                  List<Session> runningSlow, Long xidAge) {

    /** XID age as a share of the 2^31 transactions after which PostgreSQL stops accepting writes. */
    public Double xidAgeRatio() {
        return xidAge == null ? null : xidAge / 2147483648.0;
    }

    /**
     * Sessions of one application_name, with its peak of concurrently active sessions over the
     * peak window and the pool size that suggests: ceil(peak × 0.5) + buffer.
     */
    @RegisterForReflection
    public record Application(String applicationName, int total, int active, int idle, int idleInTransaction,
                              int peakActive, int recommendedPoolSize, String basis) {
    }

    @RegisterForReflection
    public record Session(int pid, String database, String user, String applicationName, String clientAddress,
                          String state, String waitEventType, String waitEvent, Double transactionAgeSeconds,
                          Double queryAgeSeconds, Double stateAgeSeconds, String query) {
    }

    static ConnectionsSnapshot pending() {
        return new ConnectionsSnapshot(null, 0, 0, 0, 0, 0, Map.of(), List.of(), 0, List.of(), List.of(), List.of(), null);
    }
}
