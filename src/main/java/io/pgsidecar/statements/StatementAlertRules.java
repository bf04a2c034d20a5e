package io.pgsidecar.statements;

import io.pgsidecar.alerts.AlertRule;
import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.alerts.AlertRuleProvider;
import io.pgsidecar.alerts.AlertTexts;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Alert rules over what the statements poller collected (its latest snapshot only). */
@ApplicationScoped
public class StatementAlertRules implements AlertRuleProvider {

    /** CacheHitRatioLow only looks at intervals with at least this many transactions. */
    static final long BUSY_TRANSACTIONS = 100;

    private final StatementsPoller statements;
    private final StatementsConfig config;

    public StatementAlertRules(StatementsPoller statements, StatementsConfig config) {
        this.statements = statements;
        this.config = config;
    }

    @Override
    public List<AlertRule> rules() {
        double slow = config.slowQueryThreshold().toNanos() / 1e9;
        return List.of(
                new AlertRule("SlowQuery", "A statement's mean execution time over the last interval reached the "
                        + "slow-query threshold (SLOW_QUERY_THRESHOLD)", "seconds", Comparison.AT_LEAST, Duration.ZERO,
                        slow, null, (now, t) -> slowQueries(t)),
                new AlertRule("QueryRegression", "A statement's recent mean is at least the regression factor above "
                        + "its stored baseline (and above it by the minimum increase)", "factor", Comparison.AT_LEAST,
                        Duration.ZERO, config.regressionFactor(), null, (now, t) -> regressions()),
                new AlertRule("DeadlocksDetected", "Deadlocks were detected in the last interval", "deadlocks",
                        Comparison.ABOVE, Duration.ZERO, 0.0, null, (now, t) -> deadlocks()),
                new AlertRule("CacheHitRatioLow", "Share of block reads served from shared buffers is low on a busy "
                        + "database (at least " + BUSY_TRANSACTIONS + " transactions per interval)", "ratio",
                        Comparison.BELOW, Duration.ofMinutes(15), 0.9, null, (now, t) -> cacheHitRatio()));
    }

    private StatementsSnapshot fresh() {
        StatementsSnapshot s = statements.latest();
        return s.capturedAt() == null || !s.availability().available() ? null : s;
    }

    private List<Observation> slowQueries(AlertRule.Thresholds t) {
        StatementsSnapshot s = fresh();
        if (s == null) {
            return null;
        }
        double lowestMs = t.lowest() == null ? Double.MAX_VALUE : t.lowest() * 1000.0;
        List<Observation> out = new ArrayList<>();
        // only breaching statements, worst first, as many as the engine keeps: texts are built for those alone
        s.statements().stream()
                .filter(st -> st.calls() >= config.slowQueryMinCalls() && st.meanMs() >= lowestMs)
                .sorted(Comparator.comparingDouble(StatementsSnapshot.StatementStat::meanMs).reversed())
                .limit(t.limit())
                .forEach(st -> out.add(Observation.graded(Map.of("queryid", st.queryid()), st.meanMs() / 1000.0,
                        String.format("Statement %s averaged %.3f s over %d calls", st.queryid(), st.meanMs() / 1000.0,
                                st.calls()),
                        "Mean execution time in the last interval: " + String.format("%.1f ms", st.meanMs())
                                + ", total " + String.format("%.1f ms", st.totalMs()) + ". Query: " + AlertTexts.clip(st.query()))));
        return out;
    }

    private List<Observation> regressions() {
        StatementsSnapshot s = fresh();
        if (s == null) {
            return null;
        }
        List<Observation> out = new ArrayList<>();
        for (StatementsSnapshot.Regression r : s.regressions()) {
            out.add(Observation.graded(Map.of("queryid", r.queryid()), r.factor(),
                    String.format("Statement %s is %.1f× slower than its baseline", r.queryid(), r.factor()),
                    String.format("Recent mean %.1f ms over %d calls against a baseline of %.1f ms over %d calls. "
                                    + "Query: %s", r.recentMeanMs(), r.recentCalls(), r.baselineMeanMs(),
                            r.baselineCalls(), AlertTexts.clip(r.query()))));
        }
        return out;
    }

    private List<Observation> deadlocks() {
        StatementsSnapshot s = statements.latest();
        if (s.capturedAt() == null || s.databaseRates() == null) {
            return null;
        }
        long n = s.databaseRates().deadlocks();
        return List.of(Observation.graded(Map.of(), n, n + " deadlocks in the last interval",
                "PostgreSQL aborted " + n + " transactions to break deadlocks in the last "
                        + Math.round(s.intervalSeconds()) + " s; the server log names the statements involved."));
    }

    private List<Observation> cacheHitRatio() {
        StatementsSnapshot s = statements.latest();
        if (s.capturedAt() == null || s.databaseRates() == null) {
            return null;
        }
        StatementsSnapshot.DatabaseRates d = s.databaseRates();
        if (d.cacheHitRatio() == null || d.xactCommit() + d.xactRollback() < BUSY_TRANSACTIONS) {
            return List.of();
        }
        return List.of(Observation.graded(Map.of(), d.cacheHitRatio(),
                String.format("Cache hit ratio is %.3f", d.cacheHitRatio()),
                "Only " + String.format("%.1f %%", d.cacheHitRatio() * 100) + " of block reads in the last interval "
                        + "were served from shared buffers; the rest came from the OS cache or disk."));
    }
}
