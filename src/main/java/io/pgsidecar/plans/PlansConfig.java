package io.pgsidecar.plans;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The plan history: the generic plan's shape of the top statements, and when it changed. */
@ConfigMapping(prefix = "pgsidecar.plans")
public interface PlansConfig {

    /**
     * Plan the top statements on the leader every {@code plan-interval}, on a planning session of
     * its own (each plan within {@code pgsidecar.statements.plan-timeout}). A few milliseconds per
     * statement every 15 minutes, so it is on by default.
     */
    @WithDefault("true")
    boolean enabled();

    /** How often the leader plans the top statements, and the least time between two plans of one statement. */
    @WithDefault("15m")
    Duration planInterval();

    /** Statements planned each time: the top of the latest interval by total time. */
    @WithDefault("50")
    int topStatements();

    /** Shapes kept per statement (the oldest go first). */
    @WithDefault("20")
    int perStatement();

    /** Rows kept in all (the least recently seen go first). */
    @WithDefault("10000")
    int maxRows();

    /**
     * A plan change and a regression of the same statement (as the statements feature judges it)
     * within this much of each other open {@code PlanRegression}.
     */
    @WithDefault("1h")
    Duration regressionWindow();

    /** A shape not seen for this long is deleted. */
    @WithDefault("30d")
    Duration retention();
}
