package io.pgsidecar.indexes;

import io.pgsidecar.config.InstanceInfo;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.SchemaMigrator;
import io.pgsidecar.db.SnapshotStore;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The index feature's entry: the analysis (cached, recomputed on the leader's schedule and on a
 * rate-limited refresh), the create endpoint (never the caller's text: parsed, checked, rendered by
 * the agent), the recommended indexes one at a time, and the build jobs.
 */
@ApplicationScoped
public class IndexService implements io.pgsidecar.db.ActionRights {

    static final String COLLECTOR = "indexes";
    static final String SNAPSHOT = "indexes";
    private static final Logger LOG = Logger.getLogger(IndexService.class);
    private static final int MAX_COLUMNS = 32;
    private static final List<String> PRIORITIES = List.of("high", "medium", "low");

    /** A create request: a statement, the structured fields, or a recommendation's id. */
    public record CreateRequest(String sqlStatement, String tableName, List<String> columns, String where,
                                String method, String name, Boolean descending, Boolean unique,
                                String recommendationId) {
    }

    /**
     * What a create answers.
     *
     * @param state {@code planned} (dry run), {@code exists} (an equal index is there: nothing built),
     *              {@code running} (202: follow {@code build.id}) or {@code valid}
     */
    @RegisterForReflection
    public record CreateAnswer(String state, boolean dryRun, String table, String index, List<String> statements,
                               Long estimatedSizeBytes, IndexAnalysis.Build build) {
    }

    /** What create-recommended answers: one entry per recommendation, in the order they are built. */
    @RegisterForReflection
    public record Queued(String recommendationId, String priority, String sql, Long buildId) {
    }

    private final IndexesConfig config;
    private final IndexAnalyzer analyzer;
    private final IndexBuilder builder;
    private final BuildStore store;
    private final IndexMetrics metrics;
    private final SnapshotStore snapshots;
    private final LeaderService leader;
    private final SchemaMigrator migrator;
    private final CollectorMetrics collectors;
    private final Database database;
    private final io.pgsidecar.db.Rights rights;
    private final Clock clock;
    private final String instance;
    private final ReentrantLock computing = new ReentrantLock();
    private volatile IndexAnalysis latest;
    /**
     * When {@link #latest} was computed, on this pod's clock: its own computedAt when this agent
     * computed it, else now minus its age as the server measured it (another agent's clock never
     * judges it).
     */
    private volatile Instant latestAt;

    public IndexService(IndexesConfig config, IndexAnalyzer analyzer, IndexBuilder builder, BuildStore store,
                        IndexMetrics metrics, SnapshotStore snapshots, LeaderService leader, SchemaMigrator migrator,
                        CollectorMetrics collectors, Database database, io.pgsidecar.db.Rights rights, Clock clock,
                        InstanceInfo instance) {
        this.rights = rights;
        this.config = config;
        this.analyzer = analyzer;
        this.builder = builder;
        this.store = store;
        this.metrics = metrics;
        this.snapshots = snapshots;
        this.leader = leader;
        this.migrator = migrator;
        this.collectors = collectors;
        this.database = database;
        this.clock = clock;
        this.instance = instance.name();
        collectors.register(COLLECTOR, config.interval());
    }

    /** What {@code GET .../indexes/status} answers: whether a build runs here, and what the acting role may build. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Status(boolean enabled, boolean buildRunning, io.pgsidecar.db.Rights.View rights) {
    }

    /** Whether a build runs on this agent, and which builds the acting role's rights allow (live). */
    public Status status() {
        return new Status(config.enabled(), builder.busy(), database.withConnection(c -> rights.view(c, actions(c))));
    }

    @Override
    public String feature() {
        return "indexes";
    }

    @Override
    public boolean enabled() {
        return config.enabled();
    }

    /** A build needs the table's owner; the recommendations of the cached analysis name their tables. */
    @Override
    public Map<String, List<io.pgsidecar.db.Need>> actions(java.sql.Connection c) {
        Map<String, List<io.pgsidecar.db.Need>> out = new LinkedHashMap<>();
        out.put("create", List.of(io.pgsidecar.db.Need.anywhere(io.pgsidecar.db.Need.Kind.OWN)));
        IndexAnalysis a = latest;
        if (a != null && !a.recommendations().isEmpty()) {
            out.put("create-recommended", a.recommendations().stream().map(r -> {
                String[] t = r.table().split("\\.", 2);
                return io.pgsidecar.db.Need.on(io.pgsidecar.db.Need.Kind.OWN, t[0], t[1]);
            }).distinct().toList());
        }
        return out;
    }

    /** The latest analysis this instance holds, or null. */
    public IndexAnalysis latest() {
        return latest;
    }

    /**
     * Every 10 s on the leader: the analysis runs when {@code interval} has passed since the last
     * one, so the answer is usually ready when asked for.
     */
    @Scheduled(every = "10s", identity = "indexes-tick", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!config.enabled() || !migrator.status().done() || !leader.isLeader()) {
            return;
        }
        IndexAnalysis l = latest;
        if (l != null && clock.instant().isBefore(latestAt.plus(config.interval()))) {
            return;
        }
        collectors.run(COLLECTOR, () -> {
            compute();
            store.prune(config.historyRetention());
            return null;
        });
    }

    /** The analysis: cached while younger than the TTL, recomputed on {@code refresh} at most once per minimum interval. */
    public IndexAnalysis analysis(boolean refresh) {
        Instant now = clock.instant();
        IndexAnalysis l = latest;
        Instant at = latestAt;
        if (!refresh) {
            if (fresh(l, at, now, config.cacheTtl())) {
                return l.at(now, true, l.note());
            }
            // a database down: 503 now
            Optional<io.pgsidecar.db.SnapshotStore.Aged<IndexAnalysis>> stored = snapshots.readAged(SNAPSHOT,
                    IndexAnalysis.class);
            if (stored.isPresent() && stored.get().age().compareTo(config.cacheTtl()) < 0) {
                latestAt = now.minus(stored.get().age());
                latest = stored.get().snapshot();
                metrics.publish(latest);
                return latest.at(now, true, latest.note());
            }
        } else if (fresh(l, at, now, config.refreshMinInterval())) {
            return l.at(now, true, "not recomputed: a refresh runs at most once per "
                    + config.refreshMinInterval().toSeconds() + " s (pgsidecar.indexes.refresh-min-interval)");
        }
        return compute().at(clock.instant(), false, latest.note());
    }

    private static boolean fresh(IndexAnalysis a, Instant at, Instant now, Duration within) {
        return a != null && at != null && now.isBefore(at.plus(within));
    }

    /** Runs the analysis now (one at a time: a second caller waits for the first and gets its answer). */
    IndexAnalysis compute() {
        Instant asked = clock.instant();
        computing.lock();
        try {
            IndexAnalysis l = latest;
            Instant at = latestAt;
            if (l != null && at != null && !at.isBefore(asked)) {
                return l; // computed while this caller waited
            }
            IndexAnalysis a = analyzer.analyze();
            latestAt = a.computedAt();
            latest = a;
            metrics.publish(a);
            snapshots.save(SNAPSHOT, a);
            LOG.debugf("index analysis: %d recommendations in %d ms", a.recommendations().size(), a.durationMs());
            return a;
        } finally {
            computing.unlock();
        }
    }

    // ----------------------------------------------------------------------------- create

    /** The definition a request names; BadRequest for anything outside what the agent accepts. */
    IndexDefinition definition(CreateRequest r) {
        try {
            if (r.recommendationId() != null) {
                return IndexSqlParser.parse(recommendation(r.recommendationId()).sql());
            }
            if (r.sqlStatement() != null) {
                IndexDefinition d = IndexSqlParser.parse(r.sqlStatement());
                if (r.tableName() != null) {
                    String[] t = IndexSqlParser.parseQualifiedName(r.tableName());
                    if (!t[1].equals(d.table()) || t[0] != null && d.schema() != null && !t[0].equals(d.schema())) {
                        throw new IndexExceptions.BadRequest("table_name '" + r.tableName() + "' is not the table of "
                                + "sql_statement (" + (d.schema() == null ? "" : d.schema() + ".") + d.table() + ")");
                    }
                    if (t[0] != null && d.schema() == null) {
                        d = new IndexDefinition(t[0], d.table(), d.name(), d.unique(), d.method(), d.keys(), d.include(),
                                d.where());
                    }
                }
                if (r.columns() != null && !columns(r.columns()).equals(d.columns())) {
                    throw new IndexExceptions.BadRequest("columns " + r.columns() + " are not the columns of "
                            + "sql_statement " + d.columns());
                }
                return d;
            }
            if (r.tableName() == null || r.columns() == null || r.columns().isEmpty()) {
                throw new IndexExceptions.BadRequest("expected sql_statement, or table_name with columns, or "
                        + "recommendation_id");
            }
            String[] t = IndexSqlParser.parseQualifiedName(r.tableName());
            boolean desc = Boolean.TRUE.equals(r.descending());
            List<IndexDefinition.Key> keys = new ArrayList<>();
            for (String col : columns(r.columns())) {
                keys.add(new IndexDefinition.Key(col, null, desc, null, null));
            }
            String method = r.method() == null ? "btree" : r.method().trim().toLowerCase(Locale.ROOT);
            if (!List.of("btree", "hash", "gin", "gist", "brin", "spgist").contains(method)) {
                throw new IndexExceptions.BadRequest("method '" + r.method() + "' is not accepted (btree, hash, gin, "
                        + "gist, brin, spgist)");
            }
            return new IndexDefinition(t[0], t[1], r.name() == null ? null : IndexSqlParser.parseIdentifier(r.name()),
                    Boolean.TRUE.equals(r.unique()), method, keys, List.of(),
                    r.where() == null || r.where().isBlank() ? null : IndexSqlParser.parsePredicate(r.where()));
        } catch (IndexSqlParser.Refused e) {
            throw new IndexExceptions.BadRequest(e.getMessage());
        }
    }

    private static List<String> columns(List<String> given) {
        if (given.isEmpty() || given.size() > MAX_COLUMNS) {
            throw new IndexExceptions.BadRequest("expected 1 to " + MAX_COLUMNS + " columns");
        }
        List<String> out = new ArrayList<>();
        for (String c : given) {
            if (c == null) {
                throw new IndexExceptions.BadRequest("a column name is null");
            }
            out.add(IndexSqlParser.parseIdentifier(c));
        }
        return out;
    }

    private IndexAnalysis.Recommendation recommendation(String id) {
        IndexAnalysis a = analysis(false);
        return a.recommendations().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IndexExceptions.NotFound("no current recommendation has id '" + id
                        + "' (the analysis of " + a.computedAt() + " has " + a.recommendations().size() + ")"));
    }

    /** Plans or builds one index. A build still running after {@code create-wait} answers with state running. */
    public CreateAnswer create(CreateRequest r, boolean dryRun, String caller) {
        IndexDefinition d = definition(r);
        if (!dryRun && builder.busy()) {
            metrics.build("refused");
            throw new IndexExceptions.Busy("an index build runs on this agent (one at a time): try again when it has "
                    + "ended (GET .../indexes/analysis lists recent builds)");
        }
        Map<String, Double> before = r.recommendationId() == null || dryRun ? Map.of() : beforeMeans(r.recommendationId());
        IndexBuilder.Prepared p;
        try {
            p = builder.prepare(d, "public", !dryRun);
        } catch (SQLException e) {
            throw database.failure(e);
        } catch (IndexExceptions.Busy | IndexExceptions.Refused e) {
            metrics.build("refused");
            throw e;
        }
        try {
            return build(p, r, dryRun, caller, before);
        } catch (RuntimeException e) {
            p.close(); // the build's own session and its table lock, whatever went wrong before the worker took it
            throw e;
        }
    }

    private CreateAnswer build(IndexBuilder.Prepared p, CreateRequest r, boolean dryRun, String caller,
                               Map<String, Double> before) {
        String table = p.schema + "." + p.table;
        if (p.exists != null) {
            p.close();
            return new CreateAnswer("exists", dryRun, table, p.schema + "." + p.exists, List.of(), null, null);
        }
        if (dryRun) {
            try (p) {
                return new CreateAnswer("planned", true, table, p.schema + "." + p.name, p.statements,
                        hypotheticalSize(p), null);
            }
        }
        long id = store.insert(instance, caller, table, p.schema + "." + p.name, String.join(";\n", p.statements),
                r.recommendationId(), "queued", before);
        Future<IndexBuilder.Outcome> f = builder.submit(p, pid -> store.started(id, pid), o -> ended(id, o));
        try {
            IndexBuilder.Outcome o = f.get(config.createWait().toMillis(), TimeUnit.MILLISECONDS);
            if ("failed".equals(o.state())) {
                throw new IndexExceptions.BuildFailed(id, "build " + id + " of " + p.schema + "." + p.name + " failed: "
                        + o.message());
            }
        } catch (TimeoutException e) {
            // a long build: the caller follows it at GET .../indexes/jobs/{id}
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IndexExceptions.BuildFailed(id, "build " + id + " failed: " + e.getCause().getMessage());
        }
        IndexAnalysis.Build b = job(id);
        return new CreateAnswer(b.state(), false, table, p.schema + "." + p.name, p.statements, null, b);
    }

    private void ended(long id, IndexBuilder.Outcome o) {
        store.ended(id, o.state(), o.message());
        metrics.build(o.state());
    }

    /** The size HypoPG gives the index, when it is installed; null otherwise. */
    private static Long hypotheticalSize(IndexBuilder.Prepared p) {
        if (!p.partitions.isEmpty()) {
            return null;
        }
        try (PreparedStatement ps = p.session.prepareStatement(IndexesQueries.HYPO_CREATE)) {
            ps.setString(1, p.definition.toSql(p.schema, p.table, p.name, false));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                try (PreparedStatement size = p.session.prepareStatement(IndexesQueries.HYPO_SIZE)) {
                    size.setLong(1, rs.getLong(1));
                    try (ResultSet s = size.executeQuery()) {
                        return s.next() ? s.getLong(1) : null;
                    }
                }
            }
        } catch (SQLException e) {
            return null; // no HypoPG here: no estimate (the session is closed after, with whatever it held)
        }
    }

    private Map<String, Double> beforeMeans(String recommendationId) {
        IndexAnalysis.Recommendation rec = recommendation(recommendationId);
        Map<String, Double> out = new LinkedHashMap<>();
        if (rec.statements().isEmpty()) {
            return out;
        }
        Instant now = clock.instant();
        Map<String, Double> means = database.withConnection(c -> analyzer.means(c,
                new java.util.LinkedHashSet<>(rec.statements().stream().map(IndexAnalysis.Helped::queryid).toList()),
                now.minus(config.historyWindow()), now));
        rec.statements().forEach(h -> out.put(h.queryid(), means.get(h.queryid())));
        return out;
    }

    /** The current recommendations from {@code priority} up, built one at a time in the background (or planned). */
    public List<Queued> createRecommended(String priority, boolean dryRun, String caller) {
        String p = priority == null ? "high" : priority.trim().toLowerCase(Locale.ROOT);
        int rank = PRIORITIES.indexOf(p);
        if (rank < 0) {
            throw new IndexExceptions.BadRequest("priority '" + priority + "': expected high, medium or low");
        }
        if (!dryRun && builder.busy()) {
            metrics.build("refused");
            throw new IndexExceptions.Busy("an index build runs on this agent (one at a time): try again when it has "
                    + "ended");
        }
        IndexAnalysis a = analysis(false);
        List<IndexAnalysis.Recommendation> chosen = a.recommendations().stream()
                .filter(r -> PRIORITIES.indexOf(r.priority()) <= rank).toList();
        List<io.pgsidecar.db.Need> needs = chosen.stream().map(r -> {
            String[] t = r.table().split("\\.", 2);
            return io.pgsidecar.db.Need.on(io.pgsidecar.db.Need.Kind.OWN, t[0], t[1]);
        }).toList();
        List<io.pgsidecar.db.Rights.Lack> lacks = database.withConnection(c -> rights.lacking(c, needs));
        if (!lacks.isEmpty()) {
            throw new io.pgsidecar.db.NoPermissionException("building the recommended indexes", lacks);
        }
        List<Queued> out = new ArrayList<>();
        if (dryRun) {
            chosen.forEach(r -> out.add(new Queued(r.id(), r.priority(), r.sql(), null)));
            return out;
        }
        List<long[]> ids = new ArrayList<>();
        for (IndexAnalysis.Recommendation r : chosen) {
            IndexDefinition d = IndexSqlParser.parse(r.sql());
            long id = store.insert(instance, caller, r.table(), d.schema() + "." + d.name(), r.sql(), r.id(), "queued",
                    beforeMeans(r.id()));
            ids.add(new long[] {id});
            out.add(new Queued(r.id(), r.priority(), r.sql(), id));
        }
        builder.queue(() -> {
            for (int i = 0; i < chosen.size(); i++) {
                buildQueued(ids.get(i)[0], chosen.get(i));
            }
        });
        return out;
    }

    private void buildQueued(long id, IndexAnalysis.Recommendation r) {
        try (IndexBuilder.Prepared p = builder.prepare(IndexSqlParser.parse(r.sql()), "public", true)) {
            if (p.exists != null) {
                ended(id, new IndexBuilder.Outcome("exists", "an equal index is there: " + p.exists));
                return;
            }
            store.started(id, p.pid);
            ended(id, builder.run(p));
        } catch (SQLException | RuntimeException e) {
            ended(id, new IndexBuilder.Outcome("failed", e.getMessage()));
        }
    }

    // ----------------------------------------------------------------------------- jobs

    /** A build with its progress while it runs. */
    public IndexAnalysis.Build job(long id) {
        return database.withConnection(c -> {
            BuildStore.Row r = store.find(c, id).orElseThrow(() ->
                    new IndexExceptions.NotFound("index build '" + id + "' does not exist"));
            IndexAnalysis.Progress progress = null;
            String state = r.state();
            if ("running".equals(state) && r.pid() != null) {
                try (PreparedStatement ps = c.prepareStatement(IndexesQueries.PID_ALIVE)) {
                    ps.setInt(1, r.pid());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            state = "interrupted";
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(IndexesQueries.PROGRESS)) {
                    ps.setInt(1, r.pid());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            progress = new IndexAnalysis.Progress(rs.getString(1), rs.getLong(2), rs.getLong(3),
                                    rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7));
                        }
                    }
                }
            }
            BuildStore.Row shown = state.equals(r.state()) ? r : new BuildStore.Row(r.id(), r.requestedAt(),
                    r.startedAt(), r.endedAt(), r.instance(), r.caller(), r.table(), r.index(), r.sql(),
                    r.recommendationId(), state, "the agent's build session ended while it ran (agent stopped?): "
                    + "check for an invalid index", r.pid(), r.beforeMeans());
            return build(shown, progress, null);
        });
    }

    static IndexAnalysis.Build build(BuildStore.Row r, IndexAnalysis.Progress progress, IndexAnalysis.Effect effect) {
        return new IndexAnalysis.Build(r.id(), r.table(), r.index(), r.sql(), r.state(), r.message(), r.caller(),
                r.recommendationId(), r.requestedAt(), r.startedAt(), r.endedAt(), progress, effect);
    }
}
