package io.pgsidecar.db;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The agent's own pool at one moment.
 *
 * @param awaiting threads waiting for a connection right now
 * @param maxUsed most connections held at once since start
 * @param leaks connections reported as held longer than the leak-detection interval
 */
@RegisterForReflection
public record PoolStats(int max, long active, long idle, long awaiting, long maxUsed, long acquired,
                        long created, long leaks, double acquireAvgSeconds, double acquireMaxSeconds) {
}
