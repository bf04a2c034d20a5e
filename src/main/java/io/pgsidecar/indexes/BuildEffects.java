package io.pgsidecar.indexes;

import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a build changed: the helped statements' mean time per call from the stored history, taken
 * before a build (kept with it) and after it, and the new index's scans.
 */
@ApplicationScoped
class BuildEffects {

    private final BuildStore builds;
    private final Clock clock;
    private final String schema;

    BuildEffects(BuildStore builds, Clock clock, DbConfig db) {
        this.builds = builds;
        this.clock = clock;
        this.schema = Identifiers.quote(db.schema());
    }

    /** The recent builds with their effect: the index's scans and the helped statements' mean before and after. */
    List<IndexAnalysis.Build> recent(Connection c, List<CatalogIndex> indexes) throws SQLException {
        Map<String, Long> scans = new HashMap<>();
        indexes.forEach(i -> scans.put(i.qualified(), i.scans()));
        List<IndexAnalysis.Build> out = new ArrayList<>();
        for (BuildStore.Row r : builds.recent(c, Duration.ofDays(30), 20)) {
            IndexAnalysis.Effect effect = null;
            if ("valid".equals(r.state()) && r.endedAt() != null) {
                Map<String, Double> after = means(c, r.beforeMeans().keySet(), r.endedAt(), clock.instant());
                List<IndexAnalysis.MeanChange> changes = new ArrayList<>();
                r.beforeMeans().forEach((q, m) -> changes.add(new IndexAnalysis.MeanChange(q,
                        m == null ? null : CandidateScorer.round(m),
                        after.get(q) == null ? null : CandidateScorer.round(after.get(q)))));
                effect = new IndexAnalysis.Effect(scans.get(r.index()), changes);
            }
            out.add(IndexBuilds.build(r, null, effect));
        }
        return out;
    }

    /** Mean ms per call of these statements over [from, to), from the stored history. */
    Map<String, Double> means(Connection c, Set<String> queryids, Instant from, Instant to) throws SQLException {
        Map<String, Double> out = new HashMap<>();
        if (queryids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.MEANS.formatted(schema))) {
            ps.setArray(1, c.createArrayOf("bigint", queryids.stream().map(Long::valueOf).toArray()));
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double m = rs.getDouble(2);
                    out.put(Long.toString(rs.getLong(1)), rs.wasNull() ? null : m);
                }
            }
        }
        return out;
    }
}
