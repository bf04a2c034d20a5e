package io.pgsidecar.indexes;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import jakarta.inject.Singleton;

/** The index settings: times, limits and shares in range, the priority bands in order. */
@Singleton
public class IndexesConfigCheck implements ConfigCheck {

    static final String KEY = "pgsidecar.indexes";

    private final IndexesConfig config;

    public IndexesConfigCheck(IndexesConfig config) {
        this.config = config;
    }

    @Override
    public void check(ConfigProblems problems) {
        check(config, problems);
    }

    static void check(IndexesConfig c, ConfigProblems problems) {
        problems.positive(KEY + ".interval", c.interval());
        problems.positive(KEY + ".cache-ttl", c.cacheTtl());
        problems.notNegative(KEY + ".refresh-min-interval", c.refreshMinInterval());
        problems.atLeast(KEY + ".top-statements", c.topStatements(), 0);
        if (c.topStatements() > 500) {
            problems.add(KEY + ".top-statements=" + c.topStatements() + ": at most 500 (each costs up to three plans)");
        }
        problems.positive(KEY + ".history-window", c.historyWindow());
        problems.atLeast(KEY + ".min-table-rows", c.minTableRows(), 0);
        problems.notNegative(KEY + ".high-priority-per-hour", c.highPriorityPerHour());
        problems.notNegative(KEY + ".medium-priority-per-hour", c.mediumPriorityPerHour());
        if (c.mediumPriorityPerHour().compareTo(c.highPriorityPerHour()) > 0) {
            problems.add(KEY + ".medium-priority-per-hour=" + c.mediumPriorityPerHour() + ": must not be above "
                    + KEY + ".high-priority-per-hour=" + c.highPriorityPerHour());
        }
        problems.ratio(KEY + ".min-cost-cut", c.minCostCut());
        problems.ratio(KEY + ".bloat-min-ratio", c.bloatMinRatio());
        problems.notNegative(KEY + ".unused-min-statistics-age", c.unusedMinStatisticsAge());
        problems.positive(KEY + ".statement-timeout", c.statementTimeout());
        problems.positive(KEY + ".build-timeout", c.buildTimeout());
        problems.positive(KEY + ".lock-timeout", c.lockTimeout());
        problems.notNegative(KEY + ".create-wait", c.createWait());
        problems.positive(KEY + ".history-retention", c.historyRetention());
    }
}
