package io.pgsidecar.partitions;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Range partitions made ahead of time and removed after their retention, for the sets given in
 * {@link #strategies()}; the status and the analysis cover every partitioned table.
 */
@ConfigMapping(prefix = "pgsidecar.partitions")
public interface PartitionsConfig {

    /**
     * Create and remove partitions (env PARTITIONING_ENABLED). Off by default: nothing is created
     * or removed unless this is on. The status, the analysis and manual calls work either way.
     */
    @WithDefault("false")
    boolean enabled();

    /** The scheduled job makes the missing future partitions of each set (env AUTO_CREATE_PARTITIONS). */
    @WithDefault("true")
    boolean autoCreate();

    /** Months kept by sets whose retention is on and gives no months of its own (env PARTITION_RETENTION_MONTHS). */
    @WithDefault("12")
    int retentionMonths();

    /** The sets, as JSON (env PARTITION_STRATEGIES); see the README for the shape. */
    Optional<String> strategies();

    /** How often the leader runs the partition job. */
    @WithDefault("1h")
    Duration interval();

    /**
     * How often each agent looks whether the job is due: an interval is kept to within a tick, and
     * a new leader runs the job on its first tick. From 1 s, the resolution of Quarkus' scheduler.
     */
    @WithDefault("10s")
    Duration tick();

    /** lock_timeout of every partition DDL statement: no application query waits behind one longer. */
    @WithDefault("2s")
    Duration lockTimeout();

    /** Attempts per statement when its lock is not available, with a doubling backoff between them. */
    @WithDefault("3")
    int lockAttempts();

    /** Wait before the second attempt on a busy lock. */
    @WithDefault("1s")
    Duration lockBackoff();

    /** statement_timeout of each statement of the job (a count of rows in the default partition, say). */
    @WithDefault("30s")
    Duration statementTimeout();

    /** Most partitions one create call may make. */
    @WithDefault("1000")
    int maxCreate();

    /** Job history kept this long. */
    @WithDefault("30d")
    Duration historyRetention();

    /** Besides the configured sets, the largest partitioned tables with their own metric series. */
    @WithDefault("10")
    int metricsTopTables();

    /** What makes a table a candidate for partitioning (GET .../partitions/analyze). */
    Analysis analysis();

    interface Analysis {
        /** Tables from this size on (table, indexes and TOAST). */
        @WithDefault("1G")
        MemorySize minSize();

        /** ... and this many rows. */
        @WithDefault("1000000")
        long minRows();

        /** The size a partition should reach: the suggested interval is the one closest to it. */
        @WithDefault("2G")
        MemorySize targetPartitionSize();

        /** Smallest |pg_stats.correlation| of the column: values follow the insert order. */
        @WithDefault("0.9")
        double minCorrelation();

        /** Largest share of updates and deletes among the table's writes: insert-mostly. */
        @WithDefault("0.1")
        double maxChangeShare();
    }
}
