package io.pgsidecar.statements;

/**
 * What one entry did during one interval.
 *
 * @param rebaselined the entry was new or had been reset/evicted since the previous poll: the figures
 *                    are its counters since then, which all fall within the interval
 */
public record StatementDelta(StatementKey key, long calls, double totalMs, long rows, long sharedBlksHit,
                             long sharedBlksRead, long tempBlksWritten, double ioReadMs, Counters cumulative,
                             boolean rebaselined) {

    public double meanMs() {
        return calls == 0 ? 0 : totalMs / calls;
    }

    /** Share of shared blocks found in the buffer cache; null when none were touched. */
    public Double cacheHitRatio() {
        long all = sharedBlksHit + sharedBlksRead;
        return all == 0 ? null : sharedBlksHit / (double) all;
    }
}
