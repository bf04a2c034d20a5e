package io.pgsidecar.connections;

import io.pgsidecar.connections.ConnectionsSnapshot.Application;
import io.pgsidecar.connections.ConnectionsSnapshot.Session;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.Rows;
import io.pgsidecar.db.SnapshotStore;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.pgsidecar.statements.StatementsConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Polls pg_stat_activity on the leader: connection usage against the usable slots, sessions by
 * state and application, leak signals (idle in transaction, long transactions), statements
 * running longer than the slow-query threshold, and a pool-size suggestion per application.
 * Followers serve the snapshot the leader stored.
 */
@Startup
@ApplicationScoped
public class ConnectionsPoller {

    static final String COLLECTOR = "connections";
    static final String SNAPSHOT_KIND = "connections";
    private static final int QUERY_TEXT = 1024;

    /** One session as read, with whether it is the polling session itself. */
    private record Row(Session session, boolean self) {
    }

    /** Sessions of one application at one poll, by state. */
    private record AppCounts(int total, int active, int idle, int idleInTransaction) {
        AppCounts plus(String state) {
            return new AppCounts(total + 1, active + ("active".equals(state) ? 1 : 0),
                    idle + ("idle".equals(state) ? 1 : 0), idleInTransaction + (state.startsWith("idle in transaction") ? 1 : 0));
        }
    }

    private final Database database;
    private final ConnectionsConfig config;
    private final StatementsConfig statements;
    private final LeaderService leader;
    private final CollectorMetrics collectors;
    private final SnapshotStore store;
    private final ConnectionsMetrics metrics;
    private final PoolSizeAdvisor advisor;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<ConnectionsSnapshot> latest = new AtomicReference<>(ConnectionsSnapshot.pending());

    public ConnectionsPoller(Database database, ConnectionsConfig config, StatementsConfig statements,
                             LeaderService leader, CollectorMetrics collectors, SnapshotStore store,
                             ConnectionsMetrics metrics) {
        this.database = database;
        this.config = config;
        this.statements = statements;
        this.leader = leader;
        this.collectors = collectors;
        this.store = store;
        this.metrics = metrics;
        this.advisor = new PoolSizeAdvisor(config.peakWindow(), config.poolRecommendationBuffer());
        if (config.enabled()) {
            collectors.register(COLLECTOR, config.interval());
        }
    }

    public ConnectionsSnapshot latest() {
        return latest.get();
    }

    @Scheduled(every = "${pgsidecar.connections.interval}", identity = "connections-poll",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!config.enabled()) {
            return;
        }
        if (!leader.isLeader()) {
            store.load(SNAPSHOT_KIND, ConnectionsSnapshot.class).ifPresent(latest::set);
            metrics.follow(latest.get());
            return;
        }
        collectors.run(COLLECTOR, this::pollOnce);
    }

    /** One poll; public for tests. */
    public synchronized ConnectionsSnapshot pollOnce() {
        Instant now = clock.instant();
        ConnectionsSnapshot snap = database.forJob(c -> read(c, now));
        latest.set(snap);
        metrics.update(snap);
        store.save(SNAPSHOT_KIND, snap);
        return snap;
    }

    private ConnectionsSnapshot read(Connection c, Instant now) throws SQLException {
        int max;
        int reserved;
        Long xidAge;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ConnectionsQueries.CONNECTION_LIMITS)) {
            rs.next();
            max = rs.getInt(1);
            reserved = rs.getInt(2);
            xidAge = Rows.longOrNull(rs, 3);
        }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ConnectionsQueries.ACTIVITY)) {
            ps.setInt(1, QUERY_TEXT);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(new Session(rs.getInt("pid"), rs.getString("datname"), rs.getString("usename"),
                            rs.getString("application_name"), rs.getString("client_addr"), rs.getString("state"),
                            rs.getString("wait_event_type"), rs.getString("wait_event"),
                            Rows.doubleOrNull(rs, "xact_age"), Rows.doubleOrNull(rs, "query_age"),
                            Rows.doubleOrNull(rs, "state_age"), rs.getString("query")), rs.getBoolean("is_self")));
                }
            }
        }
        return assemble(now, max, reserved, xidAge, rows);
    }

    private ConnectionsSnapshot assemble(Instant now, int max, int reserved, Long xidAge, List<Row> rows) {
        int usable = Math.max(1, max - reserved);
        Map<String, Integer> byState = new TreeMap<>();
        Map<String, AppCounts> perApp = new TreeMap<>();
        int agent = 0;
        double idleLimit = config.idleInTransactionThreshold().toNanos() / 1e9;
        double txLimit = config.longTransactionThreshold().toNanos() / 1e9;
        double slowLimit = statements.slowQueryThreshold().toNanos() / 1e9;
        List<Session> idleTx = new ArrayList<>();
        List<Session> longTx = new ArrayList<>();
        List<Session> slow = new ArrayList<>();
        for (Row row : rows) {
            Session s = row.session();
            String state = s.state() == null ? "unknown" : s.state();
            byState.merge(state, 1, Integer::sum);
            String app = s.applicationName() == null || s.applicationName().isEmpty() ? "(none)" : s.applicationName();
            if (app.startsWith("pgsidecar")) {
                agent++;
                continue;
            }
            perApp.merge(app, new AppCounts(0, 0, 0, 0).plus(state), (a, b) -> a.plus(state));
            if (row.self()) {
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
        perApp.forEach((app, n) -> {
            PoolSizeAdvisor.Advice advice = advisor.observe(app, n.active(), now);
            apps.add(new Application(app, n.total(), n.active(), n.idle(), n.idleInTransaction(), advice.peakActive(),
                    advice.recommended(), advice.basis()));
        });
        apps.sort(Comparator.comparingInt(Application::total).reversed());
        int total = rows.size();
        return new ConnectionsSnapshot(now, max, reserved, usable, total, total / (double) usable, byState,
                List.copyOf(apps), agent, List.copyOf(idleTx), List.copyOf(longTx), List.copyOf(slow), xidAge);
    }
}
