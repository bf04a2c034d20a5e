package io.pgsidecar.statements;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Query performance monitoring from pg_stat_statements, pg_stat_database and pg_stat_activity. */
@ConfigMapping(prefix = "pgsidecar.statements")
public interface StatementsConfig {

    /**
     * Poll pg_stat_statements (env DB_MONITORING_ENABLED). The poll reads every entry's counters
     * (never the query texts, which are fetched only for the statements shown or alerted on, see
     * {@link #textFetchInterval()}), so its cost grows with pg_stat_statements.max: see docs/benchmarks.md.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often the leader polls. A minute: at 20,000 statements the server spends ~30 ms reading
     * pg_stat_statements however little changed, and one core's 0.1 % is 60 ms a minute.
     */
    @WithDefault("60s")
    Duration interval();

    /** Create the pg_stat_statements extension when it is loaded but not installed (needs the right). */
    @WithDefault("false")
    boolean createExtension();

    /**
     * Texts are read (one {@code pg_stat_statements(true)} call, which loads the server's whole
     * query-text file) at most this often, and only for statements that are shown or alerted on and
     * have none yet: the top lists, slow queries, N+1 candidates and regressions. Until then such a
     * statement is listed with {@code query: null} and counted in {@code texts_pending}. 0: every poll.
     */
    @WithDefault("2m")
    Duration textFetchInterval();

    /** Query texts kept in memory (least recently used go first). */
    @WithDefault("5000")
    int textCacheSize();

    /** Longest query text kept; longer ones are cut. */
    @WithDefault("4096")
    int maxTextLength();

    /** Statements stored per interval in the history table (the top by total time). */
    @WithDefault("50")
    int storedTopN();

    /** Statements exported as per-queryid metric series; the rest are summed as queryid="other". */
    @WithDefault("20")
    int metricsTopN();

    /** Stored history older than this is deleted by the leader. */
    @WithDefault("7d")
    Duration historyRetention();

    /** Mean execution time at or above which a statement is slow (env SLOW_QUERY_THRESHOLD, seconds). */
    @WithDefault("1s")
    Duration slowQueryThreshold();

    /** Calls in the interval a statement needs before it can be called slow. */
    @WithDefault("1")
    long slowQueryMinCalls();

    /** Regressions: the recent window whose mean is compared with the baseline. */
    @WithDefault("1h")
    Duration regressionWindow();

    /** Regressions: the baseline period before the recent window. */
    @WithDefault("7d")
    Duration regressionBaseline();

    /** Regressions: how many times slower than its baseline a statement must be. */
    @WithDefault("2.0")
    double regressionFactor();

    /** Regressions: and by at least this much. */
    @WithDefault("50ms")
    Duration regressionMinIncrease();

    /** Regressions: fewest calls in each of the two periods for a comparison to count. */
    @WithDefault("10")
    long regressionMinCalls();

    /** N+1 candidates: fewest calls per interval. */
    @WithDefault("500")
    long nPlusOneMinCalls();

    /** N+1 candidates: most rows per call on average. */
    @WithDefault("1.5")
    double nPlusOneMaxRowsPerCall();

    /** N+1 candidates: highest mean time (each call is cheap; there are just very many). */
    @WithDefault("20ms")
    Duration nPlusOneMaxMean();

    /** Longest a plan request may take (EXPLAIN, never executed). */
    @WithDefault("2s")
    Duration planTimeout();

    /**
     * The role a statement is planned as when the role that ran it cannot be switched to (the
     * observing login must be a member). Empty: {@code pgsidecar_planner}, which {@code pgsidecar
     * grants} makes (it reads every table and writes none), where the login may switch to it, else
     * the observing login itself. Only used when that login cannot act (README, "Roles and rights").
     */
    Optional<String> plannerRole();

    /**
     * Roles whose functions planning may evaluate with the rights of a login that can act (a
     * superuser's, say); superusers' functions, built-ins among them, are always trusted. Only used
     * when the planning login can act: with an observing login nothing is screened.
     */
    Optional<List<String>> planTrustedRoles();
}
