package io.pgsidecar.capacity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * What the server is about to run out of, and whether its background work keeps up: autovacuum
 * and wraparound, sequences and integer columns, table bloat, database size and WAL, checkpoints
 * and IO. Read by the leader.
 */
@ConfigMapping(prefix = "pgsidecar.capacity")
public interface CapacityConfig {

    /**
     * Read the vacuum, wraparound, WAL and checkpoint figures on the leader. A handful of catalog
     * and statistics reads a minute (docs/benchmarks.md), so it is on by default.
     */
    @WithDefault("true")
    boolean enabled();

    /** How often the leader reads vacuum progress, wraparound ages, WAL, checkpoints and IO. */
    @WithDefault("1m")
    Duration interval();

    /**
     * How often the leader reads the costlier figures: sequences (each one's page is read), the
     * table bloat estimate (from pg_stats) and the database's size (a walk of its files).
     */
    @WithDefault("15m")
    Duration sizeInterval();

    /** Rates (transaction ids, WAL, growth) are measured over at most this much of the readings. */
    @WithDefault("1h")
    Duration rateWindow();

    /** Tables listed per list (most overdue, oldest, most bloated), and with their own series. */
    @WithDefault("10")
    int topTables();

    /** Tables smaller than this are not estimated for bloat. */
    @WithDefault("1M")
    io.quarkus.runtime.configuration.MemorySize bloatMinSize();
}
