package io.pgsidecar.statements;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.Rows;
import io.pgsidecar.db.SnapshotStore;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.pgsidecar.metrics.OwnedMeters;
import io.pgsidecar.statements.ConnectionsSnapshot.Application;
import io.pgsidecar.statements.ConnectionsSnapshot.Session;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Polls pg_stat_activity on the leader: connection usage against the usable slots, sessions by
 * state and application, leak signals (idle in transaction, long transactions), statements
 * running longer than the slow-query threshold, and a pool-size suggestion per application.
 */
@Startup
@ApplicationScoped
public class ConnectionsPoller {

    static final String COLLECTOR = "connections";
    static final String SNAPSHOT_KIND = "connections";
    private static final int QUERY_TEXT = 1024;

    private final Database database;
    private final ConnectionsConfig config;
    private final StatementsConfig statements;
    private final LeaderService leader;
    private final CollectorMetrics collectors;
    private final SnapshotStore store;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Deque<long[]>> activeSamples = new HashMap<>();
    private final AtomicReference<ConnectionsSnapshot> latest = new AtomicReference<>(ConnectionsSnapshot.pending());
    private final MultiGauge byState;
    private final MultiGauge byApplication;

    public ConnectionsPoller(Database database, ConnectionsConfig config, StatementsConfig statements,
                             LeaderService leader, CollectorMetrics collectors, SnapshotStore store, OwnedMeters meters) {
        this.database = database;
        this.config = config;
        this.statements = statements;
        this.leader = leader;
        this.collectors = collectors;
        this.store = store;
        var r = meters.registry();
        byState = MultiGauge.builder("pgsidecar.connections")
                .description("Client sessions on the server by state").register(r);
        byApplication = MultiGauge.builder("pgsidecar.connections.by.application")
                .description("Client sessions by application_name (top applications; the rest as \"other\")")
                .register(r);
        meters.own(Gauge.builder("pgsidecar.connections.usage.ratio", latest, s -> s.get().usageRatio())
                .description("Client sessions over usable connections (max_connections minus reserved)").register(r));
        meters.own(Gauge.builder("pgsidecar.connections.usable", latest, s -> s.get().usable())
                .description("max_connections minus reserved slots").register(r));
        meters.own(Gauge.builder("pgsidecar.idle.in.transaction.sessions", latest, s -> s.get().idleInTransaction().size())
                .description("Sessions idle in transaction longer than the threshold").register(r));
        meters.own(Gauge.builder("pgsidecar.idle.in.transaction.oldest", latest, s -> s.get().idleInTransaction().stream()
                        .mapToDouble(x -> x.stateAgeSeconds() == null ? 0 : x.stateAgeSeconds()).max().orElse(0))
                .baseUnit("seconds").description("Longest time a session has been idle in transaction").register(r));
        meters.own(Gauge.builder("pgsidecar.transaction.oldest", latest, s -> s.get().longTransactions().stream()
                        .mapToDouble(x -> x.transactionAgeSeconds() == null ? 0 : x.transactionAgeSeconds()).max().orElse(0))
                .baseUnit("seconds").description("Age of the oldest transaction over the threshold").register(r));
        meters.own(Gauge.builder("pgsidecar.database.xid.age", latest,
                        s -> s.get().xidAge() == null ? Double.NaN : s.get().xidAge())
                .description("Age of the database's oldest unfrozen transaction id (wraparound at 2^31)").register(r));
        meters.own(Gauge.builder("pgsidecar.running.slow.queries", latest, s -> s.get().runningSlow().size())
                .description("Statements running longer than the slow-query threshold right now").register(r));
        collectors.register(COLLECTOR, statements.interval());
    }

    public ConnectionsSnapshot latest() {
        return latest.get();
    }

    @Scheduled(every = "${pgsidecar.statements.interval:30s}", identity = "connections-poll",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!leader.isLeader()) {
            byState.register(List.of(), true);
            byApplication.register(List.of(), true);
            store.load(SNAPSHOT_KIND, ConnectionsSnapshot.class).ifPresent(latest::set);
            return;
        }
        collectors.run(COLLECTOR, this::pollOnce);
    }

    /** One poll; public for tests. */
    public synchronized ConnectionsSnapshot pollOnce() {
        Instant now = clock.instant();
        ConnectionsSnapshot snap = database.withConnection(c -> read(c, now));
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
        store.save(SNAPSHOT_KIND, snap);
        return snap;
    }

    private ConnectionsSnapshot read(Connection c, Instant now) throws SQLException {
        int max;
        int reserved;
        Long xidAge;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(StatementsQueries.CONNECTION_LIMITS)) {
            rs.next();
            max = rs.getInt(1);
            reserved = rs.getInt(2);
            xidAge = Rows.longOrNull(rs, 3);
        }
        List<Session> sessions = new ArrayList<>();
        List<Boolean> self = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(StatementsQueries.ACTIVITY)) {
            ps.setInt(1, QUERY_TEXT);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sessions.add(new Session(rs.getInt("pid"), rs.getString("datname"), rs.getString("usename"),
                            rs.getString("application_name"), rs.getString("client_addr"), rs.getString("state"),
                            rs.getString("wait_event_type"), rs.getString("wait_event"), Rows.doubleOrNull(rs, "xact_age"),
                            Rows.doubleOrNull(rs, "query_age"), Rows.doubleOrNull(rs, "state_age"), rs.getString("query")));
                    self.add(rs.getBoolean("is_self"));
                }
            }
        }
        int usable = Math.max(1, max - reserved);
        Map<String, Integer> byStateCounts = new TreeMap<>();
        Map<String, int[]> perApp = new TreeMap<>();
        int agent = 0;
        double idleLimit = config.idleInTransactionThreshold().toNanos() / 1e9;
        double txLimit = config.longTransactionThreshold().toNanos() / 1e9;
        double slowLimit = statements.slowQueryThreshold().toNanos() / 1e9;
        List<Session> idleTx = new ArrayList<>();
        List<Session> longTx = new ArrayList<>();
        List<Session> slow = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            String state = s.state() == null ? "unknown" : s.state();
            byStateCounts.merge(state, 1, Integer::sum);
            String app = s.applicationName() == null || s.applicationName().isEmpty() ? "(none)" : s.applicationName();
            if (app.startsWith("pgsidecar")) {
                agent++;
                continue;
            }
            int[] a = perApp.computeIfAbsent(app, k -> new int[4]);
            a[0]++;
            switch (state) {
                case "active" -> a[1]++;
                case "idle" -> a[2]++;
                case "idle in transaction", "idle in transaction (aborted)" -> a[3]++;
                default -> { }
            }
            if (self.get(i)) {
                continue;
            }
            if (state.startsWith("idle in transaction") && s.stateAgeSeconds() != null && s.stateAgeSeconds() >= idleLimit) {
                idleTx.add(s);
            }
            if (s.transactionAgeSeconds() != null && s.transactionAgeSeconds() >= txLimit) {
                longTx.add(s);
            }
            if ("active".equals(state) && s.queryAgeSeconds() != null && s.queryAgeSeconds() >= slowLimit) {
                slow.add(s);
            }
        }
        idleTx.sort(Comparator.comparing(Session::stateAgeSeconds).reversed());
        longTx.sort(Comparator.comparing(Session::transactionAgeSeconds).reversed());
        slow.sort(Comparator.comparing(Session::queryAgeSeconds).reversed());
        List<Application> apps = new ArrayList<>();
        for (Map.Entry<String, int[]> e : perApp.entrySet()) {
            int[] a = e.getValue();
            int peak = recordPeak(e.getKey(), a[1], now);
            int recommended = (int) Math.ceil(peak * 0.5) + config.poolRecommendationBuffer();
            apps.add(new Application(e.getKey(), a[0], a[1], a[2], a[3], peak, recommended,
                    "peak of " + peak + " active sessions over the last " + config.peakWindow().toMinutes()
                            + " min × 0.5 + buffer " + config.poolRecommendationBuffer()));
        }
        apps.sort(Comparator.comparingInt(Application::total).reversed());
        int total = sessions.size();
        return new ConnectionsSnapshot(now, max, reserved, usable, total, total / (double) usable, byStateCounts,
                List.copyOf(apps), agent, List.copyOf(idleTx), List.copyOf(longTx), List.copyOf(slow), xidAge);
    }

    /** Remembers this poll's active count and returns the highest within the peak window. */
    private int recordPeak(String app, int active, Instant now) {
        Deque<long[]> samples = activeSamples.computeIfAbsent(app, k -> new ArrayDeque<>());
        samples.addLast(new long[] {now.toEpochMilli(), active});
        long horizon = now.minus(config.peakWindow()).toEpochMilli();
        while (!samples.isEmpty() && samples.peekFirst()[0] < horizon) {
            samples.removeFirst();
        }
        while (samples.size() > 10_000) {
            samples.removeFirst();
        }
        long peak = 0;
        for (long[] s : samples) {
            peak = Math.max(peak, s[1]);
        }
        if (activeSamples.size() > 1000) {
            activeSamples.entrySet().removeIf(e -> e.getValue().isEmpty()
                    || e.getValue().peekLast()[0] < now.minus(Duration.ofHours(1)).toEpochMilli());
        }
        return (int) peak;
    }

    void stop(@Observes ShutdownEvent ev) {
        byState.register(List.of(), true);
        byApplication.register(List.of(), true);
    }
}
