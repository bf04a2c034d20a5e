package io.pgsidecar.connections;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgsidecar.connections.ConnectionsSnapshot.Application;
import io.pgsidecar.connections.ConnectionsSnapshot.Session;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Connections as metrics: sessions by state and by application (the top applications, the rest as
 * {@code other}, so the series count stays bounded), usage, and the leak signals.
 */
@ApplicationScoped
public class ConnectionsMetrics {

    private final ConnectionsConfig config;
    private final AtomicReference<ConnectionsSnapshot> latest = new AtomicReference<>(ConnectionsSnapshot.pending());
    private final MultiGauge byState;
    private final MultiGauge byApplication;

    public ConnectionsMetrics(ConnectionsConfig config, OwnedMeters meters) {
        this.config = config;
        MeterRegistry r = meters.registry();
        byState = MultiGauge.builder("pgsidecar.connections")
                .description("Client sessions on the server by state").register(r);
        byApplication = MultiGauge.builder("pgsidecar.connections.by.application")
                .description("Client sessions by application_name (top applications; the rest as other)")
                .register(r);
        meters.own(Gauge.builder("pgsidecar.connections.usage.ratio", latest, s -> s.get().usageRatio())
                .description("Client sessions over usable connections (max_connections minus reserved)").register(r));
        meters.own(Gauge.builder("pgsidecar.connections.usable", latest, s -> s.get().usable())
                .description("max_connections minus reserved slots").register(r));
        meters.own(Gauge.builder("pgsidecar.idle.in.transaction.sessions", latest,
                        s -> s.get().idleInTransaction().size())
                .description("Sessions idle in transaction longer than the threshold").register(r));
        meters.own(Gauge.builder("pgsidecar.idle.in.transaction.oldest", latest,
                        s -> oldest(s.get().idleInTransaction(), true))
                .baseUnit("seconds").description("Longest time a session has been idle in transaction").register(r));
        meters.own(Gauge.builder("pgsidecar.transaction.oldest", latest, s -> oldest(s.get().longTransactions(), false))
                .baseUnit("seconds").description("Age of the oldest transaction over the threshold").register(r));
        meters.own(Gauge.builder("pgsidecar.database.xid.age", latest,
                        s -> s.get().xidAge() == null ? Double.NaN : s.get().xidAge())
                .description("Age of the database's oldest unfrozen transaction id (wraparound at 2^31)").register(r));
        meters.own(Gauge.builder("pgsidecar.running.slow.queries", latest, s -> s.get().runningSlow().size())
                .description("Statements running longer than the slow-query threshold right now").register(r));
    }

    private static double oldest(List<Session> sessions, boolean byState) {
        double max = 0;
        for (Session s : sessions) {
            Double age = byState ? s.stateAgeSeconds() : s.transactionAgeSeconds();
            if (age != null) {
                max = Math.max(max, age);
            }
        }
        return max;
    }

    void update(ConnectionsSnapshot snap) {
        latest.set(snap);
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        snap.byState().forEach((k, v) -> rows.add(MultiGauge.Row.of(Tags.of("state", k), v)));
        byState.register(rows, true);
        List<MultiGauge.Row<?>> apps = new ArrayList<>();
        int other = 0;
        int i = 0;
        for (Application a : snap.byApplication()) {
            if (i++ < config.metricsTopApplications()) {
                apps.add(MultiGauge.Row.of(Tags.of("application_name", a.applicationName()), a.total()));
            } else {
                other += a.total();
            }
        }
        if (other > 0) {
            apps.add(MultiGauge.Row.of(Tags.of("application_name", "other"), other));
        }
        byApplication.register(apps, true);
    }

    /**
     * On a follower: the gauges show the leader's stored snapshot; the per-state and
     * per-application series are the leader's to export.
     */
    void follow(ConnectionsSnapshot stored) {
        latest.set(stored);
        clear();
    }

    private void clear() {
        byState.register(List.of(), true);
        byApplication.register(List.of(), true);
    }

    void stop(@Observes ShutdownEvent ev) {
        clear();
    }
}
