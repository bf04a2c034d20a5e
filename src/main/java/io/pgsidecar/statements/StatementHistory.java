package io.pgsidecar.statements;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.statements.StatementsSnapshot.DatabaseRates;
import io.pgsidecar.statements.StatementsSnapshot.Regression;
import io.pgsidecar.statements.StatementsSnapshot.Totals;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The statements' history in the agent's schema: the top statements and the totals of every
 * interval, the regressions found in it, and one statement's history for the API.
 */
@ApplicationScoped
public class StatementHistory {

    /** One stored interval of one statement (all roles and levels summed). */
    @RegisterForReflection
    public record Point(Instant capturedAt, double intervalSeconds, long calls, double totalMs, double meanMs,
                       long rows, long sharedBlksHit, long sharedBlksRead, long tempBlksWritten) {
    }

    private final Database database;
    private final StatementsConfig config;
    private final ObjectMapper json;
    private final String schema;

    public StatementHistory(Database database, StatementsConfig config, ObjectMapper json, DbConfig db) {
        this.database = database;
        this.config = config;
        this.json = json;
        this.schema = Identifiers.quote(db.schema());
    }

    /** Stores the interval's top statements (by total time, first) and its totals. */
    void store(Connection c, Instant at, double intervalSeconds, List<StatementDelta> byTime,
               SnapshotAssembler.Aggregates aggregates, int rebaselined, long dealloc, DatabaseRates r)
            throws SQLException {
        Timestamp ts = Timestamp.from(at);
        try (PreparedStatement ps = c.prepareStatement(StatementsQueries.INSERT_HISTORY.formatted(schema))) {
            for (int i = 0; i < byTime.size() && i < config.storedTopN(); i++) {
                StatementDelta d = byTime.get(i);
                ps.setTimestamp(1, ts);
                ps.setDouble(2, intervalSeconds);
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
        Totals t = aggregates.totals();
        try (PreparedStatement ps = c.prepareStatement(StatementsQueries.INSERT_TOTALS.formatted(schema))) {
            ps.setTimestamp(1, ts);
            ps.setDouble(2, intervalSeconds);
            ps.setInt(3, t.statements());
            ps.setLong(4, t.calls());
            ps.setDouble(5, t.totalMs());
            ps.setLong(6, t.rows());
            ps.setString(7, byTypeJson(aggregates.byType()));
            ps.setInt(8, rebaselined);
            ps.setLong(9, dealloc);
            ps.setLong(10, r == null ? 0 : r.xactCommit());
            ps.setLong(11, r == null ? 0 : r.xactRollback());
            ps.setLong(12, r == null ? 0 : r.deadlocks());
            ps.setLong(13, r == null ? 0 : r.conflicts());
            ps.setLong(14, r == null ? 0 : r.tempFiles());
            ps.setLong(15, r == null ? 0 : r.tempBytes());
            ps.executeUpdate();
        }
    }

    private String byTypeJson(Map<String, Totals> byType) {
        try {
            return json.writeValueAsString(byType);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Statements whose recent mean is well above their stored baseline, largest increase first. */
    List<Regression> regressions(Connection c, LongFunction<String> texts) throws SQLException {
        List<Regression> found = new ArrayList<>();
        double window = config.regressionWindow().toNanos() / 1e9;
        try (PreparedStatement ps = c.prepareStatement(StatementsQueries.REGRESSIONS.formatted(schema))) {
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
                    found.add(new Regression(Long.toString(id), texts.apply(id), recent, base,
                            base > 0 ? recent / base : 0, rs.getLong(4), rs.getLong(5)));
                }
            }
        }
        return List.copyOf(found);
    }

    /** Per-interval history of one statement, newest first. */
    public List<Point> of(long queryid, Duration period, int limit) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(StatementsQueries.HISTORY_OF.formatted(schema))) {
                ps.setLong(1, queryid);
                ps.setDouble(2, period.toSeconds());
                ps.setInt(3, limit);
                List<Point> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long calls = rs.getLong(3);
                        double total = rs.getDouble(4);
                        out.add(new Point(rs.getTimestamp(1).toInstant(), rs.getDouble(2), calls, total,
                                calls == 0 ? 0 : total / calls, rs.getLong(5), rs.getLong(6), rs.getLong(7),
                                rs.getLong(8)));
                    }
                }
                return out;
            }
        });
    }

    /** Deletes history past the retention period; returns the rows deleted. */
    public int prune() {
        double seconds = config.historyRetention().toSeconds();
        return database.forJob(c -> {
            int deleted = 0;
            try (PreparedStatement ps = c.prepareStatement(StatementsQueries.PRUNE_HISTORY.formatted(schema))) {
                ps.setDouble(1, seconds);
                deleted += ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(StatementsQueries.PRUNE_TOTALS.formatted(schema))) {
                ps.setDouble(1, seconds);
                deleted += ps.executeUpdate();
            }
            return deleted;
        });
    }
}
