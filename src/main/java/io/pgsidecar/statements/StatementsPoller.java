package io.pgsidecar.statements;

import io.pgsidecar.db.ActingSessions;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.Need;
import io.pgsidecar.db.NoPermissionException;
import io.pgsidecar.db.Rights;
import io.pgsidecar.config.DatabaseName;
import io.pgsidecar.db.SchemaMigrator;
import io.pgsidecar.db.SnapshotStore;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.pgsidecar.statements.StatementsReader.DbCounters;
import io.pgsidecar.statements.StatementsReader.Extension;
import io.pgsidecar.statements.StatementsSnapshot.DatabaseRates;
import io.pgsidecar.statements.StatementsSnapshot.Regression;
import io.pgsidecar.statements.StatementsSnapshot.StatementStat;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * Polls pg_stat_statements and pg_stat_database on the leader: reads the counters
 * ({@link StatementsReader}), turns them into per-interval deltas ({@link Deltas}), stores the top of
 * them ({@link StatementHistory}; the maintenance housekeeping task prunes it), and publishes a {@link StatementsSnapshot} built once
 * ({@link SnapshotAssembler}). Followers serve the snapshot the leader stored. The agent never
 * resets pg_stat_statements on its own (other tools read it too); only the audited admin call does.
 */
@Startup
@ApplicationScoped
public class StatementsPoller {

    static final String COLLECTOR = "statements";
    static final String SNAPSHOT_KIND = "statements";
    private static final Logger LOG = Logger.getLogger(StatementsPoller.class);
    private static final int TYPE_CACHE_SIZE = 200_000;
    /** Most texts asked for in one read (the array parameter), whatever the workload. */
    private static final int MAX_WANTED = 2_000;
    /** The admin API's top lists besides total time, and how long each is (PerformanceResource). */
    private static final List<ToDoubleFunction<StatementDelta>> OTHER_TOP_LISTS = List.of(StatementDelta::meanMs,
            StatementDelta::calls, StatementDelta::rows, StatementDelta::sharedBlksRead,
            StatementDelta::tempBlksWritten);
    private static final int OTHER_TOP_SIZE = 10;
    /**
     * Between two full reads the agent asks only for the entries that changed; a full read drops
     * entries that left pg_stat_statements without an eviction or reset being counted (a reset of
     * one statement), so the agent's copy never holds them for longer than this.
     */
    static final Duration FULL_READ_EVERY = Duration.ofMinutes(10);

    private final Database database;
    private final StatementsConfig config;
    private final LeaderService leader;
    private final CollectorMetrics collectors;
    private final SnapshotStore store;
    private final StatementMetrics metrics;
    private final StatementHistory history;
    private final SchemaMigrator migrator;
    private final String databaseName;
    private final SnapshotAssembler.Rules rules;
    private final Clock clock = Clock.systemUTC();

    private final LruCache<String> texts;
    private final LruCache<StatementType> types = new LruCache<>(TYPE_CACHE_SIZE);

    // the previous poll, on the leader only
    private Map<StatementKey, Counters> previous;
    private Instant previousAt;
    private DbCounters previousDb;
    private StatementsReader.Info previousInfo;
    private Instant lastFullRead;
    private String lastState = "";
    // texts: when they were last read, and ids alerted on after that read (regressions) still without one
    private Instant lastTextFetch;
    private final Set<Long> textsWanted = new LinkedHashSet<>();

    private volatile StatementsSnapshot latest = StatementsSnapshot.pending();

    private final ActingSessions acting;
    private final Rights rights;

    public StatementsPoller(Database database, StatementsConfig config, LeaderService leader,
                            CollectorMetrics collectors, SnapshotStore store, StatementMetrics metrics,
                            StatementHistory history, DatabaseName databaseName, SchemaMigrator migrator,
                            ActingSessions acting, Rights rights) {
        this.acting = acting;
        this.rights = rights;
        this.database = database;
        this.config = config;
        this.leader = leader;
        this.collectors = collectors;
        this.store = store;
        this.metrics = metrics;
        this.history = history;
        this.migrator = migrator;
        this.databaseName = databaseName.value();
        this.rules = SnapshotAssembler.Rules.of(config);
        this.texts = new LruCache<>(config.textCacheSize());
        if (config.enabled()) {
            collectors.register(COLLECTOR, config.interval());
        }
    }

    /** The latest snapshot (this instance's own poll on the leader, the stored one on followers). */
    public StatementsSnapshot latest() {
        return latest;
    }

    /** Text of a statement if this agent's cache has it, else null. */
    String cachedText(long queryid) {
        return texts.get(queryid);
    }

    /** Texts an answer read ({@link ShownTexts}): kept like the poll's own, so the poll need not read them. */
    void rememberTexts(Map<Long, String> read) {
        read.forEach((id, text) -> {
            texts.put(id, text);
            types.put(id, StatementType.of(text));
        });
    }

    /** Text of a statement if known (the text cache or the latest snapshot), else null. */
    public String textOf(long queryid) {
        String t = texts.get(queryid);
        if (t != null) {
            return t;
        }
        String id = Long.toString(queryid);
        for (StatementStat s : latest.statements()) {
            if (s.queryid().equals(id) && s.query() != null) {
                return s.query();
            }
        }
        return null;
    }

    @Scheduled(every = "${pgsidecar.statements.interval}", identity = "statements-poll",
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
        previousInfo = null;
        lastFullRead = null;
        history.forgetBaseline();
    }

    /** One poll, as the leader does it; public for tests and the benchmark. */
    public synchronized StatementsSnapshot pollOnce() {
        // to the microsecond, as stored: the regression check reads the rows stored since it last looked
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        StatementsSnapshot snap = database.forJob(c -> read(c, now));
        latest = snap;
        metrics.update(snap);
        logStateChange(snap);
        store.save(SNAPSHOT_KIND, snap);
        return snap;
    }

    private void logStateChange(StatementsSnapshot snap) {
        if (snap.availability().state().equals(lastState)) {
            return;
        }
        if (snap.availability().available()) {
            LOG.infof("pg_stat_statements %s is available", snap.extensionVersion());
        } else {
            LOG.warnf("query statistics unavailable (%s): %s", snap.availability().state(),
                    snap.availability().message());
        }
        lastState = snap.availability().state();
    }

    private StatementsSnapshot read(Connection c, Instant now) throws SQLException {
        Extension ext = StatementsReader.extension(c);
        if (!ext.loaded()) {
            forgetBaseline();
            return StatementsSnapshot.unavailable(now, "not_loaded", "pg_stat_statements is not in "
                    + "shared_preload_libraries: add it and restart PostgreSQL", null);
        }
        if (ext.version() == null && config.createExtension()) {
            try {
                StatementsReader.createExtension(c);
                LOG.infof("created extension pg_stat_statements in database %s", databaseName);
            } catch (SQLException e) {
                return StatementsSnapshot.unavailable(now, "not_installed", "CREATE EXTENSION pg_stat_statements "
                        + "failed: " + e.getMessage(), null);
            }
            ext = StatementsReader.extension(c);
        }
        if (ext.version() == null) {
            forgetBaseline();
            return StatementsSnapshot.unavailable(now, "not_installed", "pg_stat_statements is loaded but not "
                    + "installed in database " + databaseName + ": run CREATE EXTENSION pg_stat_statements, or set "
                    + "pgsidecar.statements.create-extension=true", null);
        }
        StatementsReader.Info info;
        DbCounters db;
        boolean restarted;
        boolean full;
        Map<StatementKey, Counters> read;
        try {
            info = StatementsReader.info(c, ext);
            db = StatementsReader.databaseCounters(c);
            restarted = previousDb != null && !Objects.equals(previousDb.started(), db.started());
            // only the changed entries, unless entries the agent holds may have gone: an eviction, a
            // reset, a restart, an extension without pg_stat_statements_info (1.8), or an old full read
            full = previous == null || info == null || restarted || !info.equals(previousInfo)
                    || lastFullRead == null || !now.isBefore(lastFullRead.plus(FULL_READ_EVERY));
            read = full ? StatementsReader.counters(c, ext) : StatementsReader.changed(c, ext, previous);
        } catch (SQLException e) {
            forgetBaseline();
            if ("42501".equals(e.getSQLState())) {
                return StatementsSnapshot.unavailable(now, "no_permission", "cannot read pg_stat_statements: "
                        + e.getMessage() + " (grant pg_read_all_stats or pg_monitor)", ext.version());
            }
            if ("55000".equals(e.getSQLState())) {
                return StatementsSnapshot.unavailable(now, "not_loaded", e.getMessage(), ext.version());
            }
            throw e;
        }
        double seconds = previousAt == null ? 0 : Duration.between(previousAt, now).toNanos() / 1e9;
        // an entry left out of a changed-only read did not run: it would have no delta anyway
        Deltas.Result result = Deltas.between(previous, read);
        long deallocDelta = info == null || previousInfo == null ? 0 : Math.max(0, info.dealloc() - previousInfo.dealloc());
        DatabaseRates rates = SnapshotAssembler.rates(previousDb, db);

        List<StatementDelta> byTime = new ArrayList<>(result.deltas());
        byTime.sort(Comparator.comparingDouble(StatementDelta::totalMs).reversed());
        int pending = fetchTexts(c, ext, byTime, now);

        // the new baseline, only now that nothing before it can fail: a failed poll keeps the old one whole
        if (full) {
            previous = read;
            lastFullRead = now;
        } else {
            previous.putAll(read);
        }
        previousAt = now;
        previousDb = db;
        previousInfo = info;

        SnapshotAssembler.Aggregates aggregates = SnapshotAssembler.aggregate(byTime, types::get);
        List<Regression> regressions = List.of();
        // history needs the agent's schema; until it is migrated the snapshot is served from memory only
        if (seconds > 0 && migrator.status().done()) {
            history.store(c, now, seconds, byTime, aggregates, result.rebaselined(), deallocDelta, rates);
            regressions = history.regressions(c, now, texts::get);
            for (Regression r : regressions) {
                if (r.query() == null && textsWanted.size() < MAX_WANTED && textsWanted.add(Long.parseLong(r.queryid()))) {
                    pending++;
                }
            }
        }
        SnapshotAssembler.Interval interval = new SnapshotAssembler.Interval(now, seconds, ext.version(),
                previous.size(), result.rebaselined(), deallocDelta, restarted, rates, lastTextFetch, pending);
        return SnapshotAssembler.assemble(interval, byTime, aggregates, regressions, texts::get, types::get, rules);
    }

    /**
     * Reads the texts of the statements that will be shown or alerted on and have none in the cache:
     * the top by total time (history and metrics), slow ones, N+1 candidates by calls, and
     * regressions found after the last read. One {@code pg_stat_statements(true)} call, which loads
     * the server's whole query-text file, so at most every {@code text-fetch-interval}; statements
     * nobody looks at are never read (their type stays {@code unclassified}).
     *
     * @return how many wanted texts are still not read
     */
    private int fetchTexts(Connection c, Extension ext, List<StatementDelta> byTime, Instant now)
            throws SQLException {
        Set<Long> wanted = new LinkedHashSet<>();
        for (long id : textsWanted) {
            if (!texts.contains(id)) {
                wanted.add(id);
            }
        }
        int shown = Math.max(config.storedTopN(), config.metricsTopN());
        for (int i = 0; i < byTime.size() && i < shown; i++) {
            long id = byTime.get(i).key().queryid();
            if (!texts.contains(id)) {
                wanted.add(id);
            }
        }
        // the API's other top lists (by mean time, calls, rows, blocks read, temp blocks) over the listed statements
        List<StatementDelta> listed = byTime.subList(0, Math.min(byTime.size(), SnapshotAssembler.MAX_LISTED));
        for (ToDoubleFunction<StatementDelta> by : OTHER_TOP_LISTS) {
            for (StatementDelta d : top(listed, by, OTHER_TOP_SIZE)) {
                if (!texts.contains(d.key().queryid())) {
                    wanted.add(d.key().queryid());
                }
            }
        }
        for (StatementDelta d : byTime) {
            long id = d.key().queryid();
            if (wanted.size() < MAX_WANTED && !texts.contains(id)
                    && (d.calls() >= config.nPlusOneMinCalls() || rules.isSlow(d))) {
                wanted.add(id);
            }
        }
        if (wanted.isEmpty()) {
            textsWanted.clear();
            return 0;
        }
        // a poll that starts a little early must not skip a due read (30 s polls, 1 min interval)
        Duration due = config.textFetchInterval().multipliedBy(19).dividedBy(20);
        if (lastTextFetch != null && Duration.between(lastTextFetch, now).compareTo(due) < 0) {
            return wanted.size();
        }
        Map<Long, String> read = StatementsReader.texts(c, ext, wanted, config.maxTextLength());
        metrics.textRead();
        read.forEach((id, text) -> {
            texts.put(id, text);
            types.put(id, StatementType.of(text));
        });
        lastTextFetch = now;
        textsWanted.clear();
        return 0;
    }

    /** The {@code n} highest by {@code by}, in no particular order (a bounded heap, not a sort of all). */
    static List<StatementDelta> top(List<StatementDelta> all, ToDoubleFunction<StatementDelta> by, int n) {
        PriorityQueue<StatementDelta> heap = new PriorityQueue<>(n + 1, Comparator.comparingDouble(by));
        for (StatementDelta d : all) {
            heap.add(d);
            if (heap.size() > n) {
                heap.poll();
            }
        }
        return new ArrayList<>(heap);
    }

    /**
     * Calls pg_stat_statements_reset() on a short acting session (resetting is acting: the observing
     * login need not hold it), after checking the acting role may; the next poll is a baseline.
     */
    public void resetStatistics() {
        Extension ext = checkReset();
        try (java.sql.Connection c = acting.open("pgsidecar-reset", java.time.Duration.ofSeconds(15))) {
            StatementsReader.reset(c, ext);
        } catch (java.sql.SQLException e) {
            throw database.failure(e);
        }
        forgetBaseline();
    }

    /**
     * What a reset (or its dry run) checks first: the extension is installed and the acting role may
     * call its reset; 422 or 403 otherwise.
     */
    public void resetPermitted() {
        checkReset();
    }

    private Extension checkReset() {
        return database.withConnection(c -> {
            Extension e = StatementsReader.extension(c);
            if (e.version() == null) {
                throw new PgStatStatementsMissingException(databaseName);
            }
            List<Rights.Lack> lacks = rights.lacking(c, List.of(Need.of(Need.Kind.RESET_STATEMENTS)));
            if (!lacks.isEmpty()) {
                throw new NoPermissionException("resetting pg_stat_statements", lacks);
            }
            return e;
        });
    }
}
