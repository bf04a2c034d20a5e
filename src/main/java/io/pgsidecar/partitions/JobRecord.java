package io.pgsidecar.partitions;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * One run of the partition job (or of a manual create or cleanup) for one set.
 *
 * @param outcome {@code ok}; {@code blocked} (a lock not available, rows in the default partition, a
 *                partition in the way); {@code failed}
 */
@RegisterForReflection
public record JobRecord(String parent, String trigger, String instance, Instant startedAt, Instant finishedAt,
                        String outcome, int created, int detached, int dropped, Integer runway, Long defaultRows,
                        String newest, String message) {
}
