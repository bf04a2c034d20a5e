package io.pgsidecar.connections;

import io.pgsidecar.alerts.AlertRule;
import io.pgsidecar.alerts.AlertRule.Comparison;
import io.pgsidecar.alerts.AlertRule.Observation;
import io.pgsidecar.alerts.AlertRuleProvider;
import io.pgsidecar.alerts.AlertTexts;
import io.pgsidecar.connections.ConnectionsSnapshot.Session;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Alert rules over the latest connections snapshot: usage, leaks and transaction-ID age. */
@ApplicationScoped
public class ConnectionAlertRules implements AlertRuleProvider {

    private final ConnectionsPoller connections;

    public ConnectionAlertRules(ConnectionsPoller connections) {
        this.connections = connections;
    }

    @Override
    public List<AlertRule> rules() {
        return List.of(
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

    private ConnectionsSnapshot snapshot() {
        ConnectionsSnapshot c = connections.latest();
        return c.capturedAt() == null ? null : c;
    }

    private List<Observation> connectionUsage() {
        ConnectionsSnapshot c = snapshot();
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
        ConnectionsSnapshot c = snapshot();
        return c == null ? null : perApplication(c.idleInTransaction(), Session::stateAgeSeconds, "idle in transaction");
    }

    private List<Observation> longTransactions() {
        ConnectionsSnapshot c = snapshot();
        return c == null ? null
                : perApplication(c.longTransactions(), Session::transactionAgeSeconds, "in an open transaction");
    }

    private static List<Observation> perApplication(List<Session> sessions, Function<Session, Double> age, String what) {
        Map<String, List<Session>> byApp = sessions.stream()
                .filter(s -> age.apply(s) != null)
                .collect(Collectors.groupingBy(s -> s.applicationName() == null || s.applicationName().isEmpty()
                        ? "(none)" : s.applicationName(), TreeMap::new, Collectors.toList()));
        List<Observation> out = new ArrayList<>();
        byApp.forEach((app, list) -> {
            Session oldest = list.stream().max(Comparator.comparing(age)).orElseThrow();
            double secs = age.apply(oldest);
            out.add(Observation.graded(Map.of("application_name", app), secs,
                    String.format("A session of %s has been %s for %.0f s", app, what, secs),
                    list.size() + " session(s) of " + app + " " + what + "; oldest pid " + oldest.pid() + " (user "
                            + oldest.user() + ", client " + Objects.toString(oldest.clientAddress(), "local")
                            + "), last statement: " + AlertTexts.clip(oldest.query())));
        });
        out.sort(Comparator.comparingDouble(Observation::value).reversed());
        return out;
    }

    private List<Observation> wraparound() {
        ConnectionsSnapshot c = snapshot();
        if (c == null || c.xidAge() == null) {
            return null;
        }
        double ratio = c.xidAgeRatio();
        return List.of(Observation.graded(Map.of(), ratio,
                String.format("Transaction ID age is %.0f %% of the way to wraparound", ratio * 100),
                "age(datfrozenxid) is " + c.xidAge() + "; at 2^31 PostgreSQL stops accepting writes. "
                        + "Autovacuum must freeze old rows (VACUUM FREEZE of the oldest tables)."));
    }
}
