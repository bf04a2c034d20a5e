package io.pgsidecar.health;

import io.pgsidecar.db.PoolStats;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/**
 * The composite report of {@code GET /api/v1/admin/database/health}.
 *
 * @param overall {@code healthy}, {@code degraded} or {@code unhealthy}; {@link #reasons} says why
 */
@RegisterForReflection
public record HealthReport(String overall, List<String> reasons, Instant checkedAt, Server server,
                           Connections connections, Double cacheHitRatio, Double oldestTransactionSeconds,
                           TransactionIds transactionIds, PgStatStatements pgStatStatements, PoolStats agentPool,
                           Leader leader, Migrations migrations) {

    @RegisterForReflection
    public record Server(String version, int versionNum, boolean inRecovery, double uptimeSeconds) {
    }

    /** @param usable max_connections minus the reserved slots */
    @RegisterForReflection
    public record Connections(long current, int maxConnections, int reserved, int usable, double usageRatio) {
    }

    /** @param ageRatio age of the oldest datfrozenxid as a share of 2^31 */
    @RegisterForReflection
    public record TransactionIds(long maxAge, String oldestDatabase, double ageRatio) {
    }

    @RegisterForReflection
    public record PgStatStatements(boolean loaded, boolean installed, String version) {
    }

    @RegisterForReflection
    public record Leader(boolean leader, boolean electionEnabled, Instant since, String lastError) {
    }

    @RegisterForReflection
    public record Migrations(boolean done, String lastError) {
    }
}
