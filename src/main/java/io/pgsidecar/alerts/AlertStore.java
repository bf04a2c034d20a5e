package io.pgsidecar.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.Rows;
import io.pgsidecar.db.ServerClock;
import io.pgsidecar.db.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Alerts and silences in the agent's schema. */
@ApplicationScoped
public class AlertStore {

    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() { };
    private static final TypeReference<List<Matcher>> MATCHERS = new TypeReference<>() { };

    private final Database database;
    private final ObjectMapper json;
    private final String schema;

    public AlertStore(Database database, ObjectMapper json, DbConfig config) {
        this.database = database;
        this.json = json;
        this.schema = Identifiers.quote(config.schema());
    }

    /** Open (pending or firing) alert rows, for a leader taking over. */
    List<OpenAlert> loadOpen() {
        return database.withConnection(c -> {
            Duration off = ServerClock.offset(c);
            List<OpenAlert> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(AlertQueries.OPEN.formatted(schema));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OpenAlert a = new OpenAlert(rs.getString("fingerprint"), rs.getString("alertname"),
                            rs.getString("severity"), labels(rs.getString("labels")));
                    a.id = rs.getLong("id");
                    a.summary = rs.getString("summary");
                    a.description = rs.getString("description");
                    a.value = Rows.doubleOrNull(rs, "value");
                    a.threshold = Rows.doubleOrNull(rs, "threshold");
                    a.state = AlertState.of(rs.getString("state"));
                    a.pendingSince = instant(rs, "pending_since", off);
                    a.firingSince = instant(rs, "firing_since", off);
                    a.updatedAt = instant(rs, "updated_at", off);
                    a.storedAt = a.updatedAt;
                    out.add(a);
                }
            }
            return out;
        });
    }

    /** Writes the given alerts: inserts new rows, updates the rest, deletes the given ids. */
    void write(List<OpenAlert> changed, List<Long> deleted) {
        if (changed.isEmpty() && deleted.isEmpty()) {
            return;
        }
        // on this thread: the write sets the alerts' ids, which the engine reads next
        database.forJob(c -> {
            Duration off = ServerClock.offset(c);
            try {
                Transactions.committed(c, () -> {
                    for (OpenAlert a : changed) {
                        a.markInserting();
                        if (a.id == 0) {
                            insert(c, a, off);
                        } else {
                            update(c, a, off);
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement(AlertQueries.DELETE.formatted(schema))) {
                        for (Long id : deleted) {
                            ps.setLong(1, id);
                            ps.addBatch();
                        }
                        if (!deleted.isEmpty()) {
                            ps.executeBatch();
                        }
                    }
                    return null;
                });
            } catch (SQLException | RuntimeException e) {
                for (OpenAlert a : changed) {
                    a.pendingInsertRolledBack();
                }
                throw e;
            }
            return null;
        });
    }

    private void insert(Connection c, OpenAlert a, Duration off) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AlertQueries.INSERT.formatted(schema))) {
            ps.setString(1, a.fingerprint);
            ps.setString(2, a.alertname);
            ps.setString(3, a.severity);
            ps.setString(4, write(a.labels));
            ps.setString(5, a.summary);
            ps.setString(6, a.description);
            setDouble(ps, 7, a.value);
            setDouble(ps, 8, a.threshold);
            ps.setString(9, a.state.label());
            ps.setTimestamp(10, ts(a.pendingSince, off));
            ps.setTimestamp(11, ts(a.firingSince, off));
            ps.setTimestamp(12, ts(a.resolvedAt, off));
            ps.setTimestamp(13, ts(a.updatedAt, off));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                a.id = rs.getLong(1);
            }
        }
    }

    private void update(Connection c, OpenAlert a, Duration off) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AlertQueries.UPDATE.formatted(schema))) {
            ps.setString(1, a.summary);
            ps.setString(2, a.description);
            setDouble(ps, 3, a.value);
            setDouble(ps, 4, a.threshold);
            ps.setString(5, a.state.label());
            ps.setTimestamp(6, ts(a.firingSince, off));
            ps.setTimestamp(7, ts(a.resolvedAt, off));
            ps.setTimestamp(8, ts(a.updatedAt, off));
            ps.setLong(9, a.id);
            ps.executeUpdate();
        }
    }

    /** Alerts for the API, open ones first; all states when {@code state} is empty. */
    public List<Alert> list(Optional<AlertState> state, int limit, List<Silence> silences, Instant now) {
        String wanted = state.map(AlertState::label).orElse("all");
        return database.withConnection(c -> {
            Duration off = ServerClock.offset(c);
            List<Alert> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(AlertQueries.LIST.formatted(schema))) {
                ps.setString(1, wanted);
                ps.setString(2, wanted);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, String> labels = labels(rs.getString("labels"));
                        AlertState st = AlertState.of(rs.getString("state"));
                        String alertname = rs.getString("alertname");
                        List<Long> silencedBy = !st.open() ? List.of()
                                : Silence.matching(silences, Alert.withName(alertname, labels), now);
                        out.add(new Alert(rs.getLong("id"), alertname, rs.getString("severity"), labels,
                                rs.getString("summary"), rs.getString("description"), Rows.doubleOrNull(rs, "value"),
                                Rows.doubleOrNull(rs, "threshold"), st, instant(rs, "pending_since", off),
                                instant(rs, "firing_since", off), instant(rs, "resolved_at", off), instant(rs, "updated_at", off),
                                silencedBy));
                    }
                }
            }
            return out;
        });
    }

    /** Deletes resolved alerts and ended silences older than the cut-off; returns rows deleted. */
    public int prune(Instant before) {
        return database.forJob(c -> {
            Duration off = ServerClock.offset(c);
            int n;
            try (PreparedStatement ps = c.prepareStatement(AlertQueries.PRUNE.formatted(schema))) {
                ps.setTimestamp(1, ts(before, off));
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(AlertQueries.PRUNE_SILENCES.formatted(schema))) {
                ps.setTimestamp(1, ts(before, off));
                n += ps.executeUpdate();
            }
            return n;
        });
    }

    public List<Silence> activeSilences() {
        return database.withConnection(c -> {
            Duration off = ServerClock.offset(c);
            List<Silence> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(AlertQueries.SILENCES_ACTIVE.formatted(schema));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Matcher> matchers;
                    try {
                        matchers = json.readValue(rs.getString("matchers"), MATCHERS);
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("unreadable silence " + rs.getLong("id"), e);
                    }
                    out.add(new Silence(rs.getLong("id"), matchers, instant(rs, "starts_at", off), instant(rs, "ends_at", off),
                            rs.getString("comment"), rs.getString("created_by")));
                }
            }
            return out;
        });
    }

    public Silence insertSilence(List<Matcher> matchers, Instant startsAt, Instant endsAt, String comment,
                                 String createdBy) {
        return database.withConnection(c -> {
            Duration off = ServerClock.offset(c);
            try (PreparedStatement ps = c.prepareStatement(AlertQueries.SILENCE_INSERT.formatted(schema))) {
                ps.setString(1, write(matchers));
                ps.setTimestamp(2, ts(startsAt, off));
                ps.setTimestamp(3, ts(endsAt, off));
                ps.setString(4, comment);
                ps.setString(5, createdBy);
                ps.setTimestamp(6, ts(startsAt, off));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Silence(rs.getLong(1), matchers, startsAt, endsAt, comment, createdBy);
                }
            }
        });
    }

    /** Ends a silence now. */
    public ExpireResult expireSilence(long id, Instant now) {
        return database.withConnection(c -> {
            Duration off = ServerClock.offset(c);
            try (PreparedStatement ps = c.prepareStatement(AlertQueries.SILENCE_EXPIRE.formatted(schema))) {
                ps.setTimestamp(1, ts(now, off));
                ps.setLong(2, id);
                ps.setTimestamp(3, ts(now, off));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return ExpireResult.EXPIRED;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(AlertQueries.SILENCE_EXISTS.formatted(schema))) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? ExpireResult.ALREADY_ENDED : ExpireResult.NOT_FOUND;
                }
            }
        });
    }

    public enum ExpireResult { EXPIRED, ALREADY_ENDED, NOT_FOUND }

    private Map<String, String> labels(String text) {
        try {
            return json.readValue(text, LABELS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable alert labels", e);
        }
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null || v.isNaN() || v.isInfinite()) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    /** A time of this pod's clock as the server's clock would have it (see {@link ServerClock}). */
    private static Timestamp ts(Instant i, Duration off) {
        return i == null ? null : Timestamp.from(i.plus(off));
    }

    /** A stored time (the server's clock) on this pod's clock. */
    private static Instant instant(ResultSet rs, String col, Duration off) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant().minus(off);
    }
}
