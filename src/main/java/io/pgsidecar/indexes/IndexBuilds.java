package io.pgsidecar.indexes;

import io.pgsidecar.db.ActionExceptions;
import io.pgsidecar.config.InstanceInfo;
import io.pgsidecar.db.Database;
import io.pgsidecar.indexes.IndexService.CreateAnswer;
import io.pgsidecar.indexes.IndexService.CreateRequest;
import io.pgsidecar.indexes.IndexService.Queued;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Index builds as the API asks for them: one index from a request (never the caller's text: parsed,
 * checked, rendered by the agent), the recommended indexes one at a time in the background, and a
 * build's record with its progress while it runs. Each build is recorded with the helped statements'
 * mean before it, so the analysis can show its effect.
 */
@ApplicationScoped
class IndexBuilds {

    private static final int MAX_COLUMNS = 32;
    private static final List<String> PRIORITIES = List.of("high", "medium", "low");

    private final IndexesConfig config;
    private final IndexCache cache;
    private final IndexBuilder builder;
    private final BuildStore store;
    private final BuildEffects effects;
    private final IndexMetrics metrics;
    private final Database database;
    private final io.pgsidecar.db.Rights rights;
    private final Clock clock;
    private final String instance;

    IndexBuilds(IndexesConfig config, IndexCache cache, IndexBuilder builder, BuildStore store, BuildEffects effects,
                IndexMetrics metrics, Database database, io.pgsidecar.db.Rights rights, Clock clock,
                InstanceInfo instance) {
        this.config = config;
        this.cache = cache;
        this.builder = builder;
        this.store = store;
        this.effects = effects;
        this.metrics = metrics;
        this.database = database;
        this.rights = rights;
        this.clock = clock;
        this.instance = instance.name();
    }

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
                        throw new ActionExceptions.BadRequest("table_name '" + r.tableName() + "' is not the table of "
                                + "sql_statement (" + (d.schema() == null ? "" : d.schema() + ".") + d.table() + ")");
                    }
                    if (t[0] != null && d.schema() == null) {
                        d = new IndexDefinition(t[0], d.table(), d.name(), d.unique(), d.method(), d.keys(), d.include(),
                                d.where());
                    }
                }
                if (r.columns() != null && !columns(r.columns()).equals(d.columns())) {
                    throw new ActionExceptions.BadRequest("columns " + r.columns() + " are not the columns of "
                            + "sql_statement " + d.columns());
                }
                return d;
            }
            if (r.tableName() == null || r.columns() == null || r.columns().isEmpty()) {
                throw new ActionExceptions.BadRequest("expected sql_statement, or table_name with columns, or "
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
                throw new ActionExceptions.BadRequest("method '" + r.method() + "' is not accepted (btree, hash, gin, "
                        + "gist, brin, spgist)");
            }
            return new IndexDefinition(t[0], t[1], r.name() == null ? null : IndexSqlParser.parseIdentifier(r.name()),
                    Boolean.TRUE.equals(r.unique()), method, keys, List.of(),
                    r.where() == null || r.where().isBlank() ? null : IndexSqlParser.parsePredicate(r.where()));
        } catch (IndexSqlParser.Refused e) {
            throw new ActionExceptions.BadRequest(e.getMessage());
        }
    }

    private static List<String> columns(List<String> given) {
        if (given.isEmpty() || given.size() > MAX_COLUMNS) {
            throw new ActionExceptions.BadRequest("expected 1 to " + MAX_COLUMNS + " columns");
        }
        List<String> out = new ArrayList<>();
        for (String c : given) {
            if (c == null) {
                throw new ActionExceptions.BadRequest("a column name is null");
            }
            out.add(IndexSqlParser.parseIdentifier(c));
        }
        return out;
    }

    private IndexAnalysis.Recommendation recommendation(String id) {
        IndexAnalysis a = cache.analysis(false);
        return a.recommendations().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IndexExceptions.NotFound("no current recommendation has id '" + id
                        + "' (the analysis of " + a.computedAt() + " has " + a.recommendations().size() + ")"));
    }

    /** Plans or builds one index. A build still running after {@code create-wait} answers with state running. */
    CreateAnswer create(CreateRequest r, boolean dryRun, String caller) {
        IndexDefinition d = definition(r);
        if (!dryRun && builder.busy()) {
            metrics.build("refused");
            throw new ActionExceptions.Busy("an index build runs on this agent (one at a time): try again when it has "
                    + "ended (GET .../indexes/analysis lists recent builds)");
        }
        Map<String, Double> before = r.recommendationId() == null || dryRun ? Map.of() : beforeMeans(r.recommendationId());
        IndexBuilder.Prepared p;
        try {
            p = builder.prepare(d, "public", !dryRun);
        } catch (SQLException e) {
            throw database.failure(e);
        } catch (ActionExceptions.Busy | ActionExceptions.Refused e) {
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
        // no HypoPG here: no estimate (the session is closed after, with whatever it held)
        return HypoPg.sizeOf(p.acting.connection(), p.definition.toSql(p.schema, p.table, p.name, false));
    }

    private Map<String, Double> beforeMeans(String recommendationId) {
        IndexAnalysis.Recommendation rec = recommendation(recommendationId);
        Map<String, Double> out = new LinkedHashMap<>();
        if (rec.statements().isEmpty()) {
            return out;
        }
        Instant now = clock.instant();
        Map<String, Double> means = database.withConnection(c -> effects.means(c,
                new java.util.LinkedHashSet<>(rec.statements().stream().map(IndexAnalysis.Helped::queryid).toList()),
                now.minus(config.historyWindow()), now));
        rec.statements().forEach(h -> out.put(h.queryid(), means.get(h.queryid())));
        return out;
    }

    /** The current recommendations from {@code priority} up, built one at a time in the background (or planned). */
    List<Queued> createRecommended(String priority, boolean dryRun, String caller) {
        String p = priority == null ? "high" : priority.trim().toLowerCase(Locale.ROOT);
        int rank = PRIORITIES.indexOf(p);
        if (rank < 0) {
            throw new ActionExceptions.BadRequest("priority '" + priority + "': expected high, medium or low");
        }
        if (!dryRun && builder.busy()) {
            metrics.build("refused");
            throw new ActionExceptions.Busy("an index build runs on this agent (one at a time): try again when it has "
                    + "ended");
        }
        IndexAnalysis a = cache.analysis(false);
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
            store.started(id, p.acting.pid());
            ended(id, builder.run(p));
        } catch (SQLException | RuntimeException e) {
            ended(id, new IndexBuilder.Outcome("failed", e.getMessage()));
        }
    }

    // ----------------------------------------------------------------------------- jobs

    /** A build with its progress while it runs. */
    IndexAnalysis.Build job(long id) {
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
