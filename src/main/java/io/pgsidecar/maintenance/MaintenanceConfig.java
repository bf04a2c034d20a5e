package io.pgsidecar.maintenance;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scheduled maintenance: ANALYZE, VACUUM, index repair, data retention and connection health, run
 * by the leader on a dedicated session, lock-safe, once per database, with history.
 */
@ConfigMapping(prefix = "pgsidecar.maintenance")
public interface MaintenanceConfig {

    /**
     * Schedule the maintenance tasks (env DB_MAINTENANCE_ENABLED). Off by default: a sidecar
     * installed next to a production database does not start VACUUM or REINDEX on its own until
     * asked to. Manual runs through the API work either way; the agent's own housekeeping (its
     * history and audit retention) always runs.
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * When the heavy tasks (vacuum, maintain_indexes, cleanup_old_data) may run, for example
     * {@code Sat-Sun 01:00-05:00} or {@code Mon-Fri 22:00-02:00}; unset: any time. Scheduled runs of
     * heavy tasks start only inside it and are cancelled at its end plus the grace.
     */
    Optional<String> window();

    /**
     * Time zone of the window and of every task's cron: both are read in it, so a schedule meant
     * to fall inside the window stays inside it across daylight saving time.
     */
    @WithDefault("UTC")
    String windowTimeZone();

    /** How long a heavy run may go on after the window closes before it is cancelled. */
    @WithDefault("5m")
    Duration windowGrace();

    /** lock_timeout of every maintenance statement: no application query waits behind one longer. */
    @WithDefault("2s")
    Duration lockTimeout();

    /** Attempts per item when its lock is not available, with a doubling backoff between them. */
    @WithDefault("3")
    int lockAttempts();

    /** Wait before the second attempt on a busy lock. */
    @WithDefault("1s")
    Duration lockBackoff();

    /** Runs at once at most (each on its own session outside the agent's pool). */
    @WithDefault("1")
    int maxConcurrentRuns();

    /** Runs and their items older than this are deleted by the housekeeping task. */
    @WithDefault("30d")
    Duration historyRetention();

    /**
     * How often the scheduler looks at the clock: on each tick every agent beats its runs'
     * heartbeats, and the leader starts the tasks whose cron fired, cancels heavy runs the window
     * outlived, marks runs of vanished agents interrupted and reads the xmin horizon. From 1 s (the
     * scheduler's resolution) to 15 s, so a live run beats at least three times before it could
     * count as orphaned (45 s) and a fire is seen well within the minute after which it is missed.
     */
    @WithDefault("10s")
    Duration tick();

    /**
     * A run whose heartbeat is older than this, by the database server's clock, has lost its agent:
     * the leader marks it interrupted. At least three ticks, so a live run beats at least three
     * times within it.
     */
    @WithDefault("45s")
    Duration orphanedAfter();

    /** ANALYZE of tables changed enough since their last analyze (or never analyzed). */
    UpdateStatistics updateStatistics();

    /** VACUUM (ANALYZE) of tables with many dead rows; VACUUM (FREEZE) of tables close to wraparound. */
    Vacuum vacuum();

    /** REINDEX CONCURRENTLY of invalid and bloated indexes; leftovers of interrupted rebuilds dropped. */
    MaintainIndexes maintainIndexes();

    /** Deletes rows past their retention, from explicitly configured tables only, in small batches. */
    CleanupOldData cleanupOldData();

    /** The retention rules cleanup_old_data applies; none by default, so nothing is ever deleted. */
    Cleanup cleanup();

    /** Checks the agent's pool and lists (and, where configured, ends) sessions left idle in transaction. */
    ConnectionHealth connectionHealth();

    /** The agent's own housekeeping: history, alert and audit retention. */
    Housekeeping housekeeping();

    /** What every task has. */
    interface TaskSettings {
        /** Whether the task is scheduled (manual runs work either way). */
        boolean enabled();

        /**
         * When it runs: a Quartz cron expression (seconds minutes hours day-of-month month
         * day-of-week), in {@code window-time-zone}.
         */
        String cron();

        /** statement_timeout of each of its statements. */
        Duration statementTimeout();

        /** A run stops starting new items after this long. */
        Duration timeBudget();
    }

    interface UpdateStatistics extends TaskSettings {
        @Override
        @WithDefault("true")
        boolean enabled();

        @Override
        @WithDefault("0 0 * * * ?")
        String cron();

        @Override
        @WithDefault("10m")
        Duration statementTimeout();

        @Override
        @WithDefault("30m")
        Duration timeBudget();

        /**
         * Share of autovacuum's own analyze threshold (threshold + scale factor × rows) at which the
         * agent analyzes a table: below 1, so it gets there before autovacuum does.
         */
        @WithDefault("0.5")
        double thresholdFactor();

        /** Tables analyzed per run at most, most changed first. */
        @WithDefault("100")
        int maxTables();
    }

    interface Vacuum extends TaskSettings {
        @Override
        @WithDefault("true")
        boolean enabled();

        @Override
        @WithDefault("0 30 3 * * ?")
        String cron();

        @Override
        @WithDefault("1h")
        Duration statementTimeout();

        @Override
        @WithDefault("2h")
        Duration timeBudget();

        /** Dead rows a table needs before it is vacuumed ... */
        @WithDefault("10000")
        long minDeadTuples();

        /** ... and their share of the table's rows. */
        @WithDefault("0.1")
        double minDeadRatio();

        /** age(relfrozenxid) as a share of autovacuum_freeze_max_age at which a table gets VACUUM (FREEZE). */
        @WithDefault("0.75")
        double freezeAgeShare();

        /** vacuum_cost_delay of the maintenance session (I/O throttling, as autovacuum does). */
        @WithDefault("2ms")
        Duration costDelay();

        /** vacuum_cost_limit of the maintenance session. */
        @WithDefault("200")
        int costLimit();

        /** Tables vacuumed per run at most. */
        @WithDefault("50")
        int maxTables();
    }

    interface MaintainIndexes extends TaskSettings {
        @Override
        @WithDefault("true")
        boolean enabled();

        @Override
        @WithDefault("0 0 4 ? * SUN")
        String cron();

        @Override
        @WithDefault("2h")
        Duration statementTimeout();

        @Override
        @WithDefault("4h")
        Duration timeBudget();

        /** What to do with an invalid index no build is working on: rebuild, drop or report. */
        @WithDefault("rebuild")
        String invalidAction();

        /** A btree index is rebuilt for bloat only from this size ... */
        @WithDefault("100M")
        MemorySize minSize();

        /** ... and this estimated share of wasted space. */
        @WithDefault("0.4")
        double minBloatRatio();

        /** Indexes rebuilt per run at most (one at a time). */
        @WithDefault("10")
        int maxIndexes();
    }

    interface CleanupOldData extends TaskSettings {
        @Override
        @WithDefault("true")
        boolean enabled();

        @Override
        @WithDefault("0 0 2 * * ?")
        String cron();

        /** statement_timeout of each batch. */
        @Override
        @WithDefault("30s")
        Duration statementTimeout();

        @Override
        @WithDefault("1h")
        Duration timeBudget();

        /**
         * Rows deleted per batch (one short transaction each) when a rule does not say. Small on
         * purpose: a batch competes with the application for CPU and WAL while it runs, and the
         * application's p99 feels the size of one batch (docs/benchmarks.md).
         */
        @WithDefault("500")
        int batchSize();

        /** Pause between two batches, so the application's writes and replication keep up. */
        @WithDefault("50ms")
        Duration batchPause();
    }

    /** The retention rules of cleanup_old_data, as one JSON list, per table, or both. */
    interface Cleanup {
        /**
         * As JSON: {@code [{"table": "public.events", "column": "created_at", "older_than": "90d",
         * "batch_size": 5000}]}. Nothing is deleted from a table not named here or in {@link #tables()}.
         */
        Optional<String> rules();

        /** The same, one entry per table: {@code pgsidecar.maintenance.cleanup.tables."public.events".column=created_at}. */
        Map<String, TableRule> tables();
    }

    /** One retention rule given per table. */
    interface TableRule {
        /** The date or timestamp column that decides a row's age. */
        String column();

        /** Rows whose column is older than this are deleted ({@code 90d}, {@code 12h}). */
        Duration olderThan();

        /** Rows per batch. */
        Optional<Integer> batchSize();
    }

    interface ConnectionHealth extends TaskSettings {
        @Override
        @WithDefault("true")
        boolean enabled();

        @Override
        @WithDefault("0 */5 * * * ?")
        String cron();

        @Override
        @WithDefault("10s")
        Duration statementTimeout();

        @Override
        @WithDefault("1m")
        Duration timeBudget();

        /** Sessions idle in transaction longer than this are listed (and ended where configured). */
        @WithDefault("10m")
        Duration idleInTransactionThreshold();

        /** Transactions open longer than this are listed (and ended where configured). */
        @WithDefault("1h")
        Duration longTransactionThreshold();

        /**
         * application_name values whose sessions past the thresholds are ended with
         * pg_terminate_backend. Empty (the default): nobody's session is ever ended.
         */
        Optional<List<String>> terminateApplications();
    }

    interface Housekeeping extends TaskSettings {
        @Override
        @WithDefault("true")
        boolean enabled();

        @Override
        @WithDefault("0 15 * * * ?")
        String cron();

        @Override
        @WithDefault("1m")
        Duration statementTimeout();

        @Override
        @WithDefault("10m")
        Duration timeBudget();
    }
}
