package io.pgsidecar.indexes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.db.BatchedPrune;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The index build history in the agent's schema: the create endpoint's jobs and their effect. */
@ApplicationScoped
public class BuildStore {

    /** One stored build. {@code beforeMeans}: the helped statements' mean ms before it. */
    record Row(long id, Instant requestedAt, Instant startedAt, Instant endedAt, String instance, String caller,
               String table, String index, String sql, String recommendationId, String state, String message,
               Integer pid, Map<String, Double> beforeMeans) {
    }

    private final Database database;
    private final ObjectMapper json;
    private final String schema;

    public BuildStore(Database database, ObjectMapper json, DbConfig db) {
        this.database = database;
        this.json = json;
        this.schema = Identifiers.quote(db.schema());
    }

    long insert(String instance, String caller, String table, String index, String sql, String recommendationId,
                String state, Map<String, Double> beforeMeans) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(IndexesQueries.INSERT_BUILD.formatted(schema))) {
                ps.setString(1, instance);
                ps.setString(2, caller);
                ps.setString(3, table);
                ps.setString(4, index);
                ps.setString(5, sql);
                ps.setString(6, recommendationId);
                ps.setString(7, state);
                ps.setString(8, write(beforeMeans));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    void started(long id, int pid) {
        database.forJob(c -> {
            try (PreparedStatement ps = c.prepareStatement(IndexesQueries.BUILD_STARTED.formatted(schema))) {
                ps.setInt(1, pid);
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    void ended(long id, String state, String message) {
        database.forJob(c -> {
            try (PreparedStatement ps = c.prepareStatement(IndexesQueries.BUILD_ENDED.formatted(schema))) {
                ps.setString(1, state);
                ps.setString(2, message == null ? null : message.length() > 4000 ? message.substring(0, 4000) : message);
                ps.setLong(3, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    Optional<Row> find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.BUILD.formatted(schema))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    List<Row> recent(Connection c, Duration within, int limit) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.RECENT_BUILDS.formatted(schema))) {
            ps.setDouble(1, within.toSeconds());
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    /** Deletes builds requested before {@code retention}, in batches; returns how many went. */
    int prune(Duration retention) {
        return BatchedPrune.run(database, IndexesQueries.PRUNE_BUILDS.formatted(schema),
                (double) retention.toSeconds());
    }

    private Row row(ResultSet rs) throws SQLException {
        int pid = rs.getInt(13);
        Integer p = rs.wasNull() ? null : pid;
        return new Row(rs.getLong(1), instant(rs.getTimestamp(2)), instant(rs.getTimestamp(3)),
                instant(rs.getTimestamp(4)), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), p, read(rs.getString(14)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private String write(Map<String, Double> means) {
        try {
            return json.writeValueAsString(means == null ? Map.of() : means);
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }

    private Map<String, Double> read(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        try {
            json.readTree(text).fields().forEachRemaining(e -> out.put(e.getKey(),
                    e.getValue().isNumber() ? e.getValue().asDouble() : null));
        } catch (JsonProcessingException e) {
            // a row written by hand: no means
        }
        return out;
    }
}
