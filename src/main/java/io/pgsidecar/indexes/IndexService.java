package io.pgsidecar.indexes;

import io.pgsidecar.db.Database;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The index feature's entry, as the admin API and the alert rules see it: the analysis (cached in
 * {@link IndexCache}, recomputed on the leader's {@link IndexTick} and on a rate-limited refresh), the
 * builds ({@link IndexBuilds}), and the rights a build needs.
 */
@ApplicationScoped
public class IndexService implements io.pgsidecar.db.ActionRights {

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
    private final IndexCache cache;
    private final IndexBuilds builds;
    private final IndexBuilder builder;
    private final Database database;
    private final io.pgsidecar.db.Rights rights;

    public IndexService(IndexesConfig config, IndexCache cache, IndexBuilds builds, IndexBuilder builder,
                        Database database, io.pgsidecar.db.Rights rights) {
        this.config = config;
        this.cache = cache;
        this.builds = builds;
        this.builder = builder;
        this.database = database;
        this.rights = rights;
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
        IndexAnalysis a = cache.latest();
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
        return cache.latest();
    }

    /** The analysis: cached while younger than the TTL, recomputed on {@code refresh} at most once per minimum interval. */
    public IndexAnalysis analysis(boolean refresh) {
        return cache.analysis(refresh);
    }

    /** Plans or builds one index. A build still running after {@code create-wait} answers with state running. */
    public CreateAnswer create(CreateRequest r, boolean dryRun, String caller) {
        return builds.create(r, dryRun, caller);
    }

    /** The current recommendations from {@code priority} up, built one at a time in the background (or planned). */
    public List<Queued> createRecommended(String priority, boolean dryRun, String caller) {
        return builds.createRecommended(priority, dryRun, caller);
    }

    /** A build with its progress while it runs. */
    public IndexAnalysis.Build job(long id) {
        return builds.job(id);
    }
}
