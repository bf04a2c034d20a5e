package io.pgsidecar.capacity;

import io.pgsidecar.replicas.PrimaryView;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the leader read of vacuum, wraparound, what runs out, and checkpoints and IO. The first
 * two and the last come from the reads every {@code interval}; sequences, bloat and the database
 * size from those every {@code size-interval}.
 */
@RegisterForReflection
public record CapacitySnapshot(Instant capturedAt, VacuumView vacuum, WraparoundView wraparound, RunsOutView runsOut,
                               IoView io) {

    static CapacitySnapshot pending() {
        return new CapacitySnapshot(null, null, null, null, null);
    }

    /**
     * @param overdueCount tables whose dead rows are past their autovacuum threshold
     */
    @RegisterForReflection
    public record VacuumView(Instant capturedAt, List<RunningVacuum> running, List<OverdueTable> overdue,
                             int overdueCount) {
    }

    /**
     * A vacuum running now (pg_stat_progress_vacuum).
     *
     * @param scannedRatio heap blocks scanned over the table's blocks
     * @param fields every field of the progress row as this server's version has it (17 counts dead
     *               items in bytes and indexes processed)
     */
    @RegisterForReflection
    public record RunningVacuum(int pid, String relation, boolean autovacuum, boolean toPreventWraparound, String phase,
                                Long heapBlocksTotal, Long heapBlocksScanned, Long heapBlocksVacuumed,
                                Long indexVacuumCount, Double scannedRatio, Double runningSeconds,
                                Map<String, Object> fields) {
    }

    /**
     * A table by how much autovacuum owes it.
     *
     * @param threshold dead rows from which autovacuum vacuums it (its reloptions, else the server's)
     * @param ratio dead rows over that threshold: 1 or more is overdue
     */
    @RegisterForReflection
    public record OverdueTable(String table, long liveRows, long deadRows, double threshold, double ratio,
                               Long rowsModifiedSinceAnalyze, Double secondsSinceVacuum, boolean autovacuumEnabled) {
    }

    /**
     * Transaction-id and multixact ages against their limits.
     *
     * @param xid the estimate for transaction ids (the server's oldest database)
     * @param multixact the same for multixact ids
     */
    @RegisterForReflection
    public record WraparoundView(Instant capturedAt, long freezeMaxAge, long multixactFreezeMaxAge,
                                 List<DatabaseAge> databases, List<TableAge> oldestTables, Estimate xid,
                                 Estimate multixact) {
    }

    @RegisterForReflection
    public record DatabaseAge(String database, long xidAge, long multixactAge) {
    }

    @RegisterForReflection
    public record TableAge(String table, long xidAge, long multixactAge, long bytes) {
    }

    /**
     * How far the oldest age is from the point where the server stops assigning ids (2^31 minus the
     * 3 million it keeps back), and when it gets there at the rate measured over the readings.
     *
     * @param perSecond ids consumed per second, null until two readings (or when the login cannot
     *                  read the next multixact id)
     * @param secondsToLimit at that rate; null when unknown or not growing
     * @param secondsToFreezeMaxAge until the oldest age reaches autovacuum's freeze_max_age (when an
     *                              anti-wraparound autovacuum starts), 0 when past it
     */
    @RegisterForReflection
    public record Estimate(String kind, String oldestDatabase, long oldestAge, long limit, long remaining,
                           Double perSecond, Double measuredOverSeconds, Double secondsToLimit, Instant reachesLimitAt,
                           Double secondsToFreezeMaxAge) {
    }

    /**
     * @param sequencesNearLimit sequences at half of their limit or more
     * @param sequencesUnreadable sequences whose value the login may not read (GRANT SELECT on them)
     * @param bloatUnestimated tables from the size on without statistics to estimate from
     * @param slots the primary's replication slots and the WAL each retains (from the replica monitor)
     */
    @RegisterForReflection
    public record RunsOutView(Instant capturedAt, List<SequenceUse> sequences, int sequencesNearLimit,
                              int sequencesUnreadable, List<TableBloat> bloat, int bloatUnestimated, Growth databaseSize,
                              Growth wal, List<PrimaryView.Slot> slots) {
    }

    /**
     * A sequence against the smaller of its own maximum and the integer column it feeds.
     *
     * @param limitedBy {@code sequence}, or {@code column} when the column's type ends first
     * @param exhaustedAt when it reaches the limit at the rate measured, null when unknown or idle
     */
    @RegisterForReflection
    public record SequenceUse(String sequence, String dataType, Long lastValue, long limit, String limitedBy,
                              String table, String column, String columnType, Double usedRatio, Double perSecond,
                              Instant exhaustedAt, boolean cycles) {
    }

    /** @param wastedBytes null when it cannot be estimated (a column without statistics) */
    @RegisterForReflection
    public record TableBloat(String table, long bytes, Long wastedBytes, Double ratio) {
    }

    /**
     * A quantity and its growth over the readings kept.
     *
     * @param current bytes now (the database's size, or the WAL position)
     */
    @RegisterForReflection
    public record Growth(Long current, Double perSecond, Double perDay, Double measuredOverSeconds) {
    }

    /**
     * @param checkpoints the server's counters, and the last hour's from the readings
     * @param io by kind of process (16+; empty before)
     */
    @RegisterForReflection
    public record IoView(Instant capturedAt, Checkpoints checkpoints, List<IoByBackend> io) {
    }

    /**
     * @param buffersBackend buffers written by backends themselves (up to 16; from 17 see {@code io})
     * @param requestedShareLastHour requested checkpoints over all checkpoints in the last hour read
     */
    @RegisterForReflection
    public record Checkpoints(long timed, long requested, double writeSeconds, double syncSeconds, long buffersWritten,
                              long buffersClean, long maxwrittenClean, Long buffersBackend, long buffersAllocated,
                              Long timedLastHour, Long requestedLastHour, Double requestedShareLastHour) {
    }

    /** IO of one kind of process, summed over objects and contexts (times null without track_io_timing). */
    @RegisterForReflection
    public record IoByBackend(String backendType, long reads, Double readSeconds, long writes, Double writeSeconds,
                              long extended, long hits, long evictions, long fsyncs) {
    }
}
