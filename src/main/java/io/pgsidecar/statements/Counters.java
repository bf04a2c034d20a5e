package io.pgsidecar.statements;

import java.time.Instant;

/**
 * Cumulative counters of one entry as read from pg_stat_statements. Times are milliseconds;
 * min/max/mean/stddev are the extension's own, over the entry's lifetime.
 *
 * @param statsSince when the entry was created (extension 1.11+), else null
 */
public record Counters(long calls, double totalMs, double minMs, double maxMs, double meanMs, double stddevMs,
                       long rows, long sharedBlksHit, long sharedBlksRead, long tempBlksWritten, double ioReadMs,
                       Instant statsSince) {
}
