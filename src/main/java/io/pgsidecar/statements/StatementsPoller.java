package io.pgsidecar.statements;

import io.pgsidecar.db.Database;
import io.pgsidecar.db.DatabaseName;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.SnapshotStore;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.pgsidecar.statements.StatementsSnapshot.Availability;
import io.pgsidecar.statements.StatementsSnapshot.DatabaseRates;
import io.pgsidecar.statements.StatementsSnapshot.NPlusOneCandidate;
import io.pgsidecar.statements.StatementsSnapshot.Regression;
import io.pgsidecar.statements.StatementsSnapshot.SlowQuery;
import io.pgsidecar.statements.StatementsSnapshot.StatementStat;
import io.pgsidecar.statements.StatementsSnapshot.Totals;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Polls pg_stat_statements and pg_stat_database on the leader, turns counters into per-interval
 * figures, stores the top of them as history, and publishes a {@link StatementsSnapshot}.
 * Followers serve the snapshot the leader stored. The agent never resets pg_stat_statements on
 * its own (other tools read it too); only the audited admin call does.
 */
@Startup
@ApplicationScoped
public class StatementsPoller {

    static final String COLLECTOR = "statements";
    static final String SNAPSHOT_KIND = "statements";
    private static final Logger LOG = Logger.getLogger(StatementsPoller.class);
    private static final int TYPE_CACHE_SIZE = 200_000;
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);
    /** Statements listed in a snapshot (the API's largest page); totals always cover all of them. */
    static final int MAX_LISTED = 1000;

    private final Database database;
    private final StatementsConfig config;
    private final LeaderService leader;
    private final CollectorMetrics collectors;
    private final SnapshotStore store;
    private final StatementMetrics metrics;
    private final io.pgsidecar.db.SchemaMigrator migrator;
    private final String agentSchema;
    private final String databaseName;
    private final Clock clock = Clock.systemUTC();

    private final LruCache<String> texts;
    private final LruCache<StatementType> types = new LruCache<>(TYPE_CACHE_SIZE);

    // the previous poll, on the leader only
    private Map<StatementKey, Counters> previous;
    private Instant previousAt;
    private DbCounters previousDb;
    private Long previousDealloc;
    private Instant lastPrune = Instant.EPOCH;
    private String lastState = "";

    private volatile StatementsSnapshot latest = StatementsSnapshot.pending();

    /** This database's cumulative counters from pg_stat_database. */
    record DbCounters(long commit, long rollback, long deadlocks, long conflicts, long tempFiles, long tempBytes,
                      long blksHit, long blksRead, Instant statsReset, Instant started) {
    }

    public StatementsPoller(Database database, StatementsConfig config, LeaderService leader,
                            CollectorMetrics collectors, SnapshotStore store, StatementMetrics metrics, DbConfig db,
                            DatabaseName databaseName, io.pgsidecar.db.SchemaMigrator migrator) {
        this.database = database;
        this.migrator = migrator;
        this.config = config;
        this.leader = leader;
        this.collectors = collectors;
        this.store = store;
        this.metrics = metrics;
        this.agentSchema = Identifiers.quote(db.schema());
        this.databaseName = databaseName.value();
        this.texts = new LruCache<>(config.textCacheSize());
        if (config.enabled()) {
            collectors.register(COLLECTOR, config.interval());
        }
    }

    /** The latest snapshot (this instance's own poll on the leader, the stored one on followers). */
    public StatementsSnapshot latest() {
        return latest;
    }

    /** Text of a statement if known to the cache, else looked up once. */
    public String textOf(long queryid) {
        String t = texts.get(queryid);
        if (t != null) {
            return t;
        }
        for (StatementStat s : latest.statements()) {
            if (s.queryid().equals(Long.toString(queryid)) && s.query() != null) {
                return s.query();
            }
        }
        return null;
    }

    @Scheduled(every = "${pgsidecar.statements.interval:30s}", identity = "statements-poll",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!config.enabled()) {
            return;
        }
        if (!leader.isLeader()) {
            forgetBaseline();
            metrics.clear();
            store.load(SNAPSHOT_KIND, StatementsSnapshot.class).ifPresent(s -> latest = s);
            return;
        }
        collectors.run(COLLECTOR, this::pollOnce);
    }

    /** Drops the previous poll: the next one is a baseline (after losing leadership, or a reset). */
    synchronized void forgetBaseline() {
        previous = null;
        previousAt = null;
        previousDb = null;
        previousDealloc = null;
    }

    /** One poll, as the leader does it; public for tests and the benchmark. */
    public synchronized StatementsSnapshot pollOnce() {
        Instant now = clock.instant();
        StatementsSnapshot snap = database.withConnection(c -> read(c, now));
        latest = snap;
        metrics.update(snap);
        if (!snap.availability().state().equals(lastState)) {
            if (snap.availability().available()) {
                LOG.infof("pg_stat_statements %s is available", snap.extensionVersion());
            } else {
                LOG.warnf("query statistics unavailable (%s): %s", snap.availability().state(),
                        snap.availability().message());
            }
            lastState = snap.availability().state();
        }
        store.save(SNAPSHOT_KIND, snap);
        if (migrator.status().done() && Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) >= 0) {
            try {
                prune();
                lastPrune = now;
            } catch (RuntimeException e) {
                LOG.warnf("pruning statement history failed, will retry: %s", e.getMessage());
            }
        }
        return snap;
    }

    private StatementsSnapshot read(Connection c, Instant now) throws SQLException {
        Extension ext = extension(c);
        if (!ext.loaded()) {
            forgetBaseline();
            return unavailable(now, "not_loaded", "pg_stat_statements is not in shared_preload_libraries: add it "
                    + "and restart PostgreSQL", null);
        }
        if (ext.version() == null) {
            if (config.createExtension()) {
                try (Statement s = c.createStatement()) {
                    s.execute(StatementsQueries.CREATE_EXTENSION);
                    LOG.infof("created extension pg_stat_statements in database %s", databaseName);
                } catch (SQLException e) {
                    return unavailable(now, "not_installed", "CREATE EXTENSION pg_stat_statements failed: "
                            + e.getMessage(), null);
                }
                ext = extension(c);
            }
            if (ext.version() == null) {
                forgetBaseline();
                return unavailable(now, "not_installed", "pg_stat_statements is loaded but not installed in database "
                        + databaseName + ": run CREATE EXTENSION pg_stat_statements, or set "
                        + "pgsidecar.statements.create-extension=true", null);
            }
        }
        String schema = Identifiers.quote(ext.schema());
        Map<StatementKey, Counters> current;
        try {
            current = counters(c, schema, ext.version());
        } catch (SQLException e) {
            forgetBaseline();
            if ("42501".equals(e.getSQLState())) {
                return unavailable(now, "no_permission", "cannot read pg_stat_statements: " + e.getMessage()
                        + " (grant pg_read_all_stats or pg_monitor)", ext.version());
            }
            if ("55000".equals(e.getSQLState())) {
                return unavailable(now, "not_loaded", e.getMessage(), ext.version());
            }
            throw e;
        }
        Long dealloc = null;
        if (atLeast(ext.version(), 1, 9)) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(StatementsQueries.INFO.formatted(schema))) {
                if (rs.next()) {
                    dealloc = rs.getLong(1);
                }
            }
        }
        DbCounters db = databaseCounters(c);

        boolean restarted = previousDb != null && !Objects.equals(previousDb.started(), db.started());
        double interval = previousAt == null ? 0 : Duration.between(previousAt, now).toNanos() / 1e9;
        Deltas.Result result = Deltas.between(previous, current);
        long deallocDelta = dealloc == null || previousDealloc == null ? 0 : Math.max(0, dealloc - previousDealloc);
        DatabaseRates rates = rates(previousDb, db);

        List<StatementDelta> deltas = new ArrayList<>(result.deltas());
        deltas.sort(Comparator.comparingDouble(StatementDelta::totalMs).reversed());
        fetchTexts(c, schema, current.keySet(), deltas);

        previous = current;
        previousAt = now;
        previousDb = db;
        previousDealloc = dealloc;

        StatementsSnapshot snap = assemble(now, interval, ext.version(), current.size(), deltas, rates,
                result.rebaselined(), deallocDelta, restarted);
        // history needs the agent's schema; until it is migrated the snapshot is served from memory only
        if (interval > 0 && migrator.status().done()) {
            storeHistory(c, snap, deltas);
            snap = withRegressions(c, snap);
        }
        return snap;
    }

    record Extension(boolean loaded, String version, String schema) {
    }

    private static Extension extension(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(StatementsQueries.EXTENSION)) {
            rs.next();
            return new Extension(rs.getBoolean(1), rs.getString(2), rs.getString(3));
        }
    }

    /** The counters query for an extension version: 1.8, 1.9–1.10, or 1.11 and later. */
    static String countersQuery(String version) {
        if (!atLeast(version, 1, 9)) {
            return StatementsQueries.COUNTERS_V1_8;
        }
        if (!atLeast(version, 1, 11)) {
            return StatementsQueries.COUNTERS_V1_9;
        }
        return StatementsQueries.COUNTERS_V1_11;
    }

    static boolean atLeast(String version, int major, int minor) {
        if (version == null) {
            return false;
        }
        String[] p = version.split("\\.");
        int ma = Integer.parseInt(p[0]);
        int mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
        return ma > major || (ma == major && mi >= minor);
    }

    private static Map<StatementKey, Counters> counters(Connection c, String schema, String version)
            throws SQLException {
        Map<StatementKey, Counters> out = new HashMap<>();
        try (Statement s = c.createStatement()) {
            s.setFetchSize(5000);
            try (ResultSet rs = s.executeQuery(countersQuery(version).formatted(schema))) {
                while (rs.next()) {
                    Timestamp since = rs.getTimestamp(15);
                    StatementKey key = new StatementKey(rs.getLong(1), rs.getLong(2), rs.getBoolean(3));
                    Counters cnt = new Counters(rs.getLong(4), rs.getDouble(5), rs.getDouble(6), rs.getDouble(7),
                            rs.getDouble(8), rs.getDouble(9), rs.getLong(10), rs.getLong(11), rs.getLong(12),
                            rs.getLong(13), rs.getDouble(14), since == null ? null : since.toInstant());
                    out.merge(key, cnt, (a, b) -> a.calls() >= b.calls() ? a : b);
                }
            }
        }
        return out;
    }

    private static DbCounters databaseCounters(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(StatementsQueries.DATABASE_STATS)) {
            rs.next();
            Timestamp reset = rs.getTimestamp(9);
            return new DbCounters(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    rs.getLong(6), rs.getLong(7), rs.getLong(8), reset == null ? null : reset.toInstant(),
                    rs.getTimestamp(10).toInstant());
        }
    }

    static DatabaseRates rates(DbCounters prev, DbCounters cur) {
        if (prev == null || !Objects.equals(prev.statsReset(), cur.statsReset()) || !Objects.equals(prev.started(),
                cur.started()) || cur.commit() < prev.commit() || cur.rollback() < prev.rollback()) {
            return null;
        }
        long commit = cur.commit() - prev.commit();
        long rollback = cur.rollback() - prev.rollback();
        long hit = Math.max(0, cur.blksHit() - prev.blksHit());
        long read = Math.max(0, cur.blksRead() - prev.blksRead());
        return new DatabaseRates(commit, rollback, Math.max(0, cur.deadlocks() - prev.deadlocks()),
                Math.max(0, cur.conflicts() - prev.conflicts()), Math.max(0, cur.tempFiles() - prev.tempFiles()),
                Math.max(0, cur.tempBytes() - prev.tempBytes()),
                commit + rollback == 0 ? 0 : rollback / (double) (commit + rollback),
                hit + read == 0 ? null : hit / (double) (hit + read));
    }

    /**
     * Fetches texts, in one query, for statements whose type is not known yet (each text is read
     * once per statement) and for the ones the snapshot will show that fell out of the text cache.
     */
    private void fetchTexts(Connection c, String schema, Set<StatementKey> all, List<StatementDelta> byTime)
            throws SQLException {
        Set<Long> wanted = new LinkedHashSet<>();
        for (StatementKey k : all) {
            if (!types.contains(k.queryid())) {
                wanted.add(k.queryid());
            }
        }
        int shown = Math.max(config.storedTopN(), config.metricsTopN());
        for (int i = 0; i < byTime.size() && i < shown; i++) {
            long id = byTime.get(i).key().queryid();
            if (!texts.contains(id)) {
                wanted.add(id);
            }
        }
        for (StatementDelta d : byTime) {
            long id = d.key().queryid();
            if (!texts.contains(id) && (d.calls() >= config.nPlusOneMinCalls() || isSlow(d))) {
                wanted.add(id);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(StatementsQueries.TEXTS.formatted(schema))) {
            ps.setInt(1, config.maxTextLength());
            Array ids = c.createArrayOf("bigint", wanted.toArray(Long[]::new));
            ps.setArray(2, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    String text = rs.getString(2);
                    texts.put(id, text);
                    types.put(id, StatementType.of(text));
                }
            }
        }
    }

    private boolean isSlow(StatementDelta d) {
        return d.calls() >= config.slowQueryMinCalls()
                && d.meanMs() >= config.slowQueryThreshold().toNanos() / 1e6;
    }

    private StatementsSnapshot assemble(Instant now, double interval, String version, int entries,
                                        List<StatementDelta> deltas, DatabaseRates rates, int rebaselined,
                                        long dealloc, boolean restarted) {
        List<StatementStat> stats = new ArrayList<>(deltas.size());
        Map<String, long[]> typeCounts = new LinkedHashMap<>();
        Map<String, Double> typeTime = new LinkedHashMap<>();
        for (StatementType t : StatementType.values()) {
            typeCounts.put(t.label(), new long[3]);
            typeTime.put(t.label(), 0.0);
        }
        long calls = 0;
        long rows = 0;
        double total = 0;
        List<SlowQuery> slow = new ArrayList<>();
        List<NPlusOneCandidate> nPlusOne = new ArrayList<>();
        for (StatementDelta d : deltas) {
            long id = d.key().queryid();
            String text = texts.get(id);
            StatementType type = types.get(id);
            String label = (type == null ? StatementType.OTHER : type).label();
            Counters cum = d.cumulative();
            if (stats.size() < MAX_LISTED) {
                stats.add(new StatementStat(Long.toString(id), d.key().userid(), d.key().toplevel(), text, label,
                    d.calls(), d.totalMs(), d.meanMs(), cum.minMs(), cum.maxMs(), cum.stddevMs(), d.rows(),
                    interval > 0 ? d.calls() / interval : 0, interval > 0 ? d.rows() / interval : 0,
                    d.sharedBlksHit(), d.sharedBlksRead(), d.tempBlksWritten(), d.cacheHitRatio(), d.rebaselined()));
            }
            long[] tc = typeCounts.get(label);
            tc[0]++;
            tc[1] += d.calls();
            tc[2] += d.rows();
            typeTime.merge(label, d.totalMs(), Double::sum);
            calls += d.calls();
            rows += d.rows();
            total += d.totalMs();
            if (isSlow(d) && slow.size() < MAX_LISTED) {
                slow.add(new SlowQuery(Long.toString(id), text, d.calls(), d.meanMs(), d.totalMs()));
            }
            if (nPlusOne.size() < MAX_LISTED && NPlusOne.isCandidate(d, text, config)) {
                nPlusOne.add(new NPlusOneCandidate(Long.toString(id), text, d.calls(), d.rows() / (double) d.calls(),
                        d.meanMs(), interval > 0 ? d.calls() / interval : 0));
            }
        }
        slow.sort(Comparator.comparingDouble(SlowQuery::meanMs).reversed());
        nPlusOne.sort(Comparator.comparingLong(NPlusOneCandidate::calls).reversed());
        Map<String, Totals> byType = new LinkedHashMap<>();
        typeCounts.forEach((k, v) -> byType.put(k, new Totals((int) v[0], v[1], typeTime.get(k), v[2])));
        return new StatementsSnapshot(now, interval, new Availability("available", null), version, entries,
                List.copyOf(stats), new Totals(deltas.size(), calls, total, rows), byType, List.copyOf(slow),
                List.copyOf(nPlusOne), List.of(), rates, rebaselined, dealloc, restarted);
    }

    private StatementsSnapshot unavailable(Instant now, String state, String message, String version) {
        return new StatementsSnapshot(now, 0, new Availability(state, message), version, 0, List.of(),
                new Totals(0, 0, 0, 0), Map.of(), List.of(), List.of(), List.of(), null, 0, 0, false);
    }

    private void storeHistory(Connection c, StatementsSnapshot snap, List<StatementDelta> deltas) throws SQLException {
        Timestamp at = Timestamp.from(snap.capturedAt());
        try (PreparedStatement ps = c.prepareStatement(StatementsQueries.INSERT_HISTORY.formatted(agentSchema))) {
            for (int i = 0; i < deltas.size() && i < config.storedTopN(); i++) {
                StatementDelta d = deltas.get(i);
                ps.setTimestamp(1, at);
                ps.setDouble(2, snap.intervalSeconds());
                ps.setLong(3, d.key().queryid());
                ps.setLong(4, d.key().userid());
                ps.setBoolean(5, d.key().toplevel());
                ps.setLong(6, d.calls());
                ps.setDouble(7, d.totalMs());
                ps.setLong(8, d.rows());
                ps.setLong(9, d.sharedBlksHit());
                ps.setLong(10, d.sharedBlksRead());
                ps.setLong(11, d.tempBlksWritten());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        DatabaseRates r = snap.databaseRates();
        try (PreparedStatement ps = c.prepareStatement(StatementsQueries.INSERT_TOTALS.formatted(agentSchema))) {
            ps.setTimestamp(1, at);
            ps.setDouble(2, snap.intervalSeconds());
            ps.setInt(3, snap.totals().statements());
            ps.setLong(4, snap.totals().calls());
            ps.setDouble(5, snap.totals().totalMs());
            ps.setLong(6, snap.totals().rows());
            ps.setString(7, byTypeJson(snap.byType()));
            ps.setInt(8, snap.rebaselined());
            ps.setLong(9, snap.dealloc());
            ps.setLong(10, r == null ? 0 : r.xactCommit());
            ps.setLong(11, r == null ? 0 : r.xactRollback());
            ps.setLong(12, r == null ? 0 : r.deadlocks());
            ps.setLong(13, r == null ? 0 : r.conflicts());
            ps.setLong(14, r == null ? 0 : r.tempFiles());
            ps.setLong(15, r == null ? 0 : r.tempBytes());
            ps.executeUpdate();
        }
    }

    private static String byTypeJson(Map<String, Totals> byType) {
        StringBuilder b = new StringBuilder("{");
        byType.forEach((k, v) -> {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"').append(k).append("\":{\"statements\":").append(v.statements()).append(",\"calls\":")
                    .append(v.calls()).append(",\"total_ms\":").append(v.totalMs()).append(",\"rows\":")
                    .append(v.rows()).append('}');
        });
        return b.append('}').toString();
    }

    private StatementsSnapshot withRegressions(Connection c, StatementsSnapshot snap) throws SQLException {
        List<Regression> found = new ArrayList<>();
        double window = config.regressionWindow().toNanos() / 1e9;
        try (PreparedStatement ps = c.prepareStatement(StatementsQueries.REGRESSIONS.formatted(agentSchema))) {
            ps.setDouble(1, window);
            ps.setDouble(2, window);
            ps.setDouble(3, window + config.regressionBaseline().toNanos() / 1e9);
            ps.setLong(4, config.regressionMinCalls());
            ps.setLong(5, config.regressionMinCalls());
            ps.setDouble(6, config.regressionFactor());
            ps.setDouble(7, config.regressionMinIncrease().toNanos() / 1e6);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    double recent = rs.getDouble(2);
                    double base = rs.getDouble(3);
                    found.add(new Regression(Long.toString(id), texts.get(id), recent, base,
                            base > 0 ? recent / base : 0, rs.getLong(4), rs.getLong(5)));
                }
            }
        }
        return new StatementsSnapshot(snap.capturedAt(), snap.intervalSeconds(), snap.availability(),
                snap.extensionVersion(), snap.entries(), snap.statements(), snap.totals(), snap.byType(),
                snap.slowQueries(), snap.nPlusOne(), List.copyOf(found), snap.databaseRates(), snap.rebaselined(),
                snap.dealloc(), snap.serverRestarted());
    }

    /** Per-interval history of one statement, newest first. */
    public List<Map<String, Object>> history(long queryid, Duration period, int limit) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(StatementsQueries.HISTORY_OF.formatted(agentSchema))) {
                ps.setLong(1, queryid);
                ps.setDouble(2, period.toSeconds());
                ps.setInt(3, limit);
                List<Map<String, Object>> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        long calls = rs.getLong(3);
                        double total = rs.getDouble(4);
                        row.put("capturedAt", rs.getTimestamp(1).toInstant());
                        row.put("intervalSeconds", rs.getDouble(2));
                        row.put("calls", calls);
                        row.put("totalMs", total);
                        row.put("meanMs", calls == 0 ? 0 : total / calls);
                        row.put("rows", rs.getLong(5));
                        row.put("sharedBlksHit", rs.getLong(6));
                        row.put("sharedBlksRead", rs.getLong(7));
                        row.put("tempBlksWritten", rs.getLong(8));
                        out.add(row);
                    }
                }
                return out;
            }
        });
    }

    /** Calls pg_stat_statements_reset(); the next poll is a baseline. */
    public void resetStatistics() {
        database.withConnection(c -> {
            Extension ext = extension(c);
            if (ext.version() == null) {
                throw new SQLException("pg_stat_statements is not installed in database " + databaseName, "55000");
            }
            try (Statement s = c.createStatement()) {
                s.execute(StatementsQueries.RESET.formatted(Identifiers.quote(ext.schema())));
            }
            return null;
        });
        forgetBaseline();
    }

    private void prune() {
        double seconds = config.historyRetention().toSeconds();
        database.withConnection(c -> {
            int deleted = 0;
            try (PreparedStatement ps = c.prepareStatement(StatementsQueries.PRUNE_HISTORY.formatted(agentSchema))) {
                ps.setDouble(1, seconds);
                deleted += ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(StatementsQueries.PRUNE_TOTALS.formatted(agentSchema))) {
                ps.setDouble(1, seconds);
                deleted += ps.executeUpdate();
            }
            return deleted;
        });
    }
}
