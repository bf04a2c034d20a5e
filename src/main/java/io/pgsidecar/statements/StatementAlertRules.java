package io.pgsidecar.statements;

import io.pgsidecar.alerts.AlertRule;
import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.alerts.AlertRuleProvider;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Alert rules over what the statement and connection pollers collected (latest snapshots only). */
@ApplicationScoped
public class StatementAlertRules implements AlertRuleProvider {

    /** CacheHitRatioLow only looks at intervals with at least this many transactions. */
    static final long BUSY_TRANSACTIONS = 100;

    private final StatementsPoller statements;
    private final ConnectionsPoller connections;
    private final StatementsConfig config;

    public StatementAlertRules(StatementsPoller statements, ConnectionsPoller connections, StatementsConfig config) {
        this.statements = statements;
        this.connections = connections;
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
                        Comparison.BELOW, Duration.ofMinutes(15), 0.9, null, (now, t) -> cacheHitRatio()),
                new AlertRule("ConnectionUsageHigh", "Client sessions over usable connections (max_connections "
                        + "minus reserved slots)", "ratio", Comparison.AT_LEAST, Duration.ofMinutes(5), 0.8, 0.95,
                        (now, t) -> connectionUsage()),
                new AlertRule("IdleInTransaction", "A session has been idle in transaction for long (per "
                        + "application_name: the oldest such session); it holds locks and blocks vacuum", "seconds",
                        Comparison.ABOVE, Duration.ZERO, 300.0, 900.0, (now, t) -> idleInTransaction()),
                new AlertRule("LongRunningTransaction", "A transaction has been open for long (per "
                        + "application_name: the oldest)", "seconds", Comparison.ABOVE, Duration.ZERO, 300.0, null,
                        (now, t) -> longTransactions()),
                new AlertRule("TransactionIdWraparound", "The database's oldest unfrozen transaction id is this "
                        + "share of the way to wraparound (2^31)", "ratio", Comparison.ABOVE, Duration.ZERO, 0.5, 0.75,
                        (now, t) -> wraparound()));
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
                                + ", total " + String.format("%.1f ms", st.totalMs()) + ". Query: " + clip(st.query()))));
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
                            r.baselineCalls(), clip(r.query()))));
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

    private ConnectionsSnapshot connectionsSnapshot() {
        ConnectionsSnapshot c = connections.latest();
        return c.capturedAt() == null ? null : c;
    }

    private List<Observation> connectionUsage() {
        ConnectionsSnapshot c = connectionsSnapshot();
        if (c == null) {
            return null;
        }
        return List.of(Observation.graded(Map.of(), c.usageRatio(),
                String.format("%d of %d usable connections in use (%.0f %%)", c.total(), c.usable(), c.usageRatio() * 100),
                "max_connections is " + c.maxConnections() + " with " + c.reserved() + " reserved. Sessions by state: "
                        + c.byState() + ". Largest clients: " + c.byApplication().stream().limit(3)
                        .map(a -> a.applicationName() + "=" + a.total()).collect(Collectors.joining(", "))));
    }

    private List<Observation> idleInTransaction() {
        ConnectionsSnapshot c = connectionsSnapshot();
        if (c == null) {
            return null;
        }
        return perApplication(c.idleInTransaction(), ConnectionsSnapshot.Session::stateAgeSeconds,
                "idle in transaction");
    }

    private List<Observation> longTransactions() {
        ConnectionsSnapshot c = connectionsSnapshot();
        if (c == null) {
            return null;
        }
        return perApplication(c.longTransactions(), ConnectionsSnapshot.Session::transactionAgeSeconds,
                "in an open transaction");
    }

    private static List<Observation> perApplication(List<ConnectionsSnapshot.Session> sessions,
                                                    java.util.function.Function<ConnectionsSnapshot.Session, Double> age,
                                                    String what) {
        Map<String, List<ConnectionsSnapshot.Session>> byApp = sessions.stream()
                .filter(s -> age.apply(s) != null)
                .collect(Collectors.groupingBy(s -> s.applicationName() == null || s.applicationName().isEmpty()
                        ? "(none)" : s.applicationName(), java.util.TreeMap::new, Collectors.toList()));
        List<Observation> out = new ArrayList<>();
        byApp.forEach((app, list) -> {
            ConnectionsSnapshot.Session oldest = list.stream().max(Comparator.comparing(age)).orElseThrow();
            double secs = age.apply(oldest);
            out.add(Observation.graded(Map.of("application_name", app), secs,
                    String.format("A session of %s has been %s for %.0f s", app, what, secs),
                    list.size() + " session(s) of " + app + " " + what + "; oldest pid " + oldest.pid() + " (user "
                            + oldest.user() + ", client " + Objects.toString(oldest.clientAddress(), "local")
                            + "), last statement: " + clip(oldest.query())));
        });
        out.sort(Comparator.comparingDouble(Observation::value).reversed());
        return out;
    }

    private List<Observation> wraparound() {
        ConnectionsSnapshot c = connectionsSnapshot();
        if (c == null || c.xidAge() == null) {
            return null;
        }
        double ratio = c.xidAgeRatio();
        return List.of(Observation.graded(Map.of(), ratio,
                String.format("Transaction ID age is %.0f %% of the way to wraparound", ratio * 100),
                "age(datfrozenxid) is " + c.xidAge() + "; at 2^31 PostgreSQL stops accepting writes. "
                        + "Autovacuum must freeze old rows (VACUUM FREEZE of the oldest tables)."));
    }

    private static String clip(String q) {
        if (q == null) {
            return "(text not available)";
        }
        String one = q.replaceAll("\\s+", " ").strip();
        return one.length() > 300 ? one.substring(0, 300) + "…" : one;
    }
}
