package io.pgsidecar.indexes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Index analysis (recommendations proved on the workload's own plans, usage, unused, duplicate,
 * invalid and bloated indexes, a maintenance plan) and the safe create loop.
 */
@ConfigMapping(prefix = "pgsidecar.indexes")
public interface IndexesConfig {

    /**
     * Run the index analysis on the leader's schedule. Costs one catalog pass plus one generic plan
     * (and, with HypoPG, two more per candidate) for each top statement: see docs/benchmarks.md.
     * Off, the analysis still runs when asked for.
     */
    @WithDefault("true")
    boolean enabled();

    /** How often the leader runs the analysis. */
    @WithDefault("1h")
    Duration interval();

    /** An analysis younger than this is answered from the cache (env INDEX_CACHE_TTL, in seconds). */
    @WithDefault("3600s")
    Duration cacheTtl();

    /** {@code ?refresh=true} recomputes at most once per this time; earlier calls get the cached answer. */
    @WithDefault("60s")
    Duration refreshMinInterval();

    /** Statements read for candidates: the top ones by total time over {@link #historyWindow()}. */
    @WithDefault("25")
    int topStatements();

    /** The stored statement history the analysis reads. */
    @WithDefault("24h")
    Duration historyWindow();

    /** A sequential scan or sort is a candidate only on tables from this many rows on. */
    @WithDefault("10000")
    long minTableRows();

    /** A recommendation is high priority from this much DB time saved per hour. */
    @WithDefault("60s")
    Duration highPriorityPerHour();

    /** ... and medium from this much (below: low). */
    @WithDefault("5s")
    Duration mediumPriorityPerHour();

    /** With HypoPG, a candidate is validated when the statement's planned cost falls by this share. */
    @WithDefault("0.5")
    double minCostCut();

    /** Unused indexes: from this size on (smaller ones are not worth a review). */
    @WithDefault("1M")
    io.quarkus.runtime.configuration.MemorySize unusedMinSize();

    /**
     * Unused indexes are listed only when the statistics have counted at least this long (an index
     * used by a weekly job looks unused after a day); before, the answer says "insufficient data".
     */
    @WithDefault("7d")
    Duration unusedMinStatisticsAge();

    /** HypoPG, for validating candidates. */
    Hypopg hypopg();

    interface Hypopg {
        /**
         * Run {@code CREATE EXTENSION IF NOT EXISTS hypopg} when it is available but not installed.
         * Off by default: the agent does not install extensions unless told to.
         */
        @WithDefault("false")
        boolean createExtension();
    }

    /**
     * statement_timeout of the analysis' catalog reads (never above pgsidecar.db.statement-timeout),
     * and how long the replicas are given to answer.
     */
    @WithDefault("10s")
    Duration statementTimeout();

    /** Bloated indexes: from this size on. */
    @WithDefault("100M")
    io.quarkus.runtime.configuration.MemorySize bloatMinSize();

    /** ... and this estimated share of wasted space. */
    @WithDefault("0.3")
    double bloatMinRatio();

    /** Index builds: their own statement_timeout (a build can take long). */
    @WithDefault("6h")
    Duration buildTimeout();

    /** lock_timeout of every statement of a build: no application query waits behind one longer. */
    @WithDefault("2s")
    Duration lockTimeout();

    /** A create call waits this long for its build; a longer build answers 202 with its job id. */
    @WithDefault("5s")
    Duration createWait();

    /** Build history kept this long. */
    @WithDefault("90d")
    Duration historyRetention();
}
