package io.pgsidecar.partitions;

import io.pgsidecar.db.BatchedPrune;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The partition job history in the agent's schema. */
@ApplicationScoped
public class JobStore {

    /** Per parent, when its job last ended ok and when it last ended otherwise. */
    record Endings(Map<String, Instant> ok, Map<String, Instant> notOk) {
        static final Endings NONE = new Endings(Map.of(), Map.of());
    }

    private final Database database;
    private final String schema;

    public JobStore(Database database, DbConfig db) {
        this.database = database;
        this.schema = Identifiers.quote(db.schema());
    }

    void record(JobRecord r) {
        database.forJob(c -> {
            try (PreparedStatement ps = c.prepareStatement(PartitionsQueries.INSERT_JOB.formatted(schema))) {
                ps.setString(1, r.parent());
                ps.setString(2, r.trigger());
                ps.setString(3, r.instance());
                ps.setTimestamp(4, Timestamp.from(r.startedAt()));
                ps.setTimestamp(5, Timestamp.from(r.finishedAt()));
                ps.setString(6, r.outcome());
                ps.setInt(7, r.created());
                ps.setInt(8, r.detached());
                ps.setInt(9, r.dropped());
                if (r.runway() == null) {
                    ps.setNull(10, Types.INTEGER);
                } else {
                    ps.setInt(10, r.runway());
                }
                if (r.defaultRows() == null) {
                    ps.setNull(11, Types.BIGINT);
                } else {
                    ps.setLong(11, r.defaultRows());
                }
                ps.setString(12, r.newest());
                ps.setString(13, r.message() == null ? null
                        : r.message().length() > 4000 ? r.message().substring(0, 4000) : r.message());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The latest job of each parent. */
    Map<String, JobRecord> latest() {
        return database.withConnection(c -> {
            Map<String, JobRecord> out = new HashMap<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(PartitionsQueries.LATEST_JOBS.formatted(schema))) {
                while (rs.next()) {
                    Integer runway = rs.getObject(10) == null ? null : rs.getInt(10);
                    Long rows = rs.getObject(11) == null ? null : rs.getLong(11);
                    out.put(rs.getString(1), new JobRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getInt(7),
                            rs.getInt(8), rs.getInt(9), runway, rows, rs.getString(12), rs.getString(13)));
                }
            }
            return out;
        });
    }

    Endings endings() {
        return database.forJob(c -> {
            Map<String, Instant> ok = new HashMap<>();
            Map<String, Instant> bad = new HashMap<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(PartitionsQueries.LAST_ENDINGS.formatted(schema))) {
                while (rs.next()) {
                    if (rs.getTimestamp(2) != null) {
                        ok.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                    }
                    if (rs.getTimestamp(3) != null) {
                        bad.put(rs.getString(1), rs.getTimestamp(3).toInstant());
                    }
                }
            }
            return new Endings(ok, bad);
        });
    }

    /** Deletes job rows older than {@code before}, in batches; returns how many. */
    public int prune(Instant before) {
        return BatchedPrune.run(database, PartitionsQueries.PRUNE_JOBS.formatted(schema), Timestamp.from(before));
    }
}
