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
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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

    /** Regressions: both periods are summed whole again at most this long after the last time. */
    static final Duration RESUM = Duration.ofHours(1);
    /** Query ids summed per period at most (the most called): bounds the agent's memory, whatever the history holds. */
    static final int SUMMED_IDS = 10_000;
    private static final int MAX_REGRESSIONS = 100;

    private final Database database;
    private final StatementsConfig config;
    private final ObjectMapper json;
    private final String schema;
    private final int summedIds;
    /** The regression check's periods summed so far; null until the first check. Guarded by this. */
    private Periods periods;

    @Inject
    public StatementHistory(Database database, StatementsConfig config, ObjectMapper json, DbConfig db) {
        this(database, config, json, db, SUMMED_IDS);
    }

    /** With another limit of query ids per summed period (tests). */
    StatementHistory(Database database, StatementsConfig config, ObjectMapper json, DbConfig db, int summedIds) {
        this.database = database;
        this.config = config;
        this.json = json;
        this.schema = Identifiers.quote(db.schema());
        this.summedIds = summedIds;
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

    /**
     * Statements whose mean over the recent window is well above their mean over the baseline
     * period before it, the largest increase first (at most 100).
     *
     * <p>Both periods are summed whole in the server at most every {@link #RESUM} (or the window,
     * when shorter). At the checks in between, two small reads keep them up to date: the rows that
     * left the recent window, which move into the baseline, and the rows stored since the last
     * check. The recent window and the baseline's end are exact; the baseline's start is at most
     * that long older than exact (the hourly housekeeping moves it by as much). Summing the baseline
     * at every poll read all of the days of history each time. {@code now} is the poll's time as
     * stored, to the microsecond.
     */
    synchronized List<Regression> regressions(Connection c, Instant now, LongFunction<String> texts)
            throws SQLException {
        Instant recentFrom = now.minus(config.regressionWindow());
        Instant upTo = now.plus(1, ChronoUnit.MICROS);
        Duration resum = config.regressionWindow().compareTo(RESUM) < 0 ? config.regressionWindow() : RESUM;
        boolean whole = periods == null || !now.isBefore(periods.summedAt.plus(resum))
                || recentFrom.isBefore(periods.baseTo) || upTo.isBefore(periods.seenTo);
        if (!whole) {
            Map<Long, Sums> moved = sums(c, periods.baseTo, recentFrom);
            Map<Long, Sums> fresh = sums(c, periods.seenTo, upTo);
            // a read cut off at the limit, or rows that do not match the sums: summed whole instead
            whole = moved.size() >= summedIds || fresh.size() >= summedIds
                    || !periods.moveToBaseline(moved, recentFrom);
            if (!whole) {
                periods.addRecent(fresh, upTo);
            }
        }
        if (whole) {
            periods = new Periods(now, sums(c, recentFrom.minus(config.regressionBaseline()), recentFrom),
                    sums(c, recentFrom, upTo), recentFrom, upTo, summedIds);
        }
        long minCalls = Math.max(1, config.regressionMinCalls());
        double factor = config.regressionFactor();
        double minIncreaseMs = config.regressionMinIncrease().toNanos() / 1e6;
        List<Map.Entry<Long, Sums>> found = new ArrayList<>();
        for (Map.Entry<Long, Sums> e : periods.recent.entrySet()) {
            Sums r = e.getValue();
            Sums b = periods.base.get(e.getKey());
            if (b != null && r.calls >= minCalls && b.calls >= minCalls && r.mean() >= factor * b.mean()
                    && r.mean() - b.mean() >= minIncreaseMs) {
                found.add(e);
            }
        }
        // the largest increase first; texts only for the ones answered
        found.sort(Comparator.comparingDouble((Map.Entry<Long, Sums> e) ->
                e.getValue().mean() - periods.base.get(e.getKey()).mean()).reversed());
        List<Regression> out = new ArrayList<>(Math.min(found.size(), MAX_REGRESSIONS));
        for (Map.Entry<Long, Sums> e : found.subList(0, Math.min(found.size(), MAX_REGRESSIONS))) {
            Sums r = e.getValue();
            Sums b = periods.base.get(e.getKey());
            out.add(new Regression(Long.toString(e.getKey()), texts.apply(e.getKey()), r.mean(), b.mean(),
                    b.mean() > 0 ? r.mean() / b.mean() : 0, r.calls, b.calls));
        }
        return List.copyOf(out);
    }

    /** Forgets the summed periods (leadership lost, statistics unavailable): the next check sums them whole. */
    synchronized void forgetBaseline() {
        periods = null;
    }

    /** Calls and total time per query id stored in [from, to), the most called first. */
    private Map<Long, Sums> sums(Connection c, Instant from, Instant to) throws SQLException {
        Map<Long, Sums> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(StatementsQueries.SUMS_BETWEEN.formatted(schema))) {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setTimestamp(2, Timestamp.from(to));
            ps.setInt(3, summedIds);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), new Sums(rs.getLong(2), rs.getDouble(3)));
                }
            }
        }
        return out;
    }

    /** One query id's calls and total time (ms) over a period. */
    private static final class Sums {
        long calls;
        double total;

        Sums(long calls, double total) {
            this.calls = calls;
            this.total = total;
        }

        double mean() {
            return total / calls;
        }
    }

    /**
     * The baseline's sums per query id over [its start, baseTo) and the recent window's over
     * [baseTo, seenTo), summed whole at {@code summedAt} and kept up to date since. Each holds at
     * most {@code limit} ids, the most called when summed whole. An id the recent window could not
     * take is not admitted later (it would start from a part of its rows) until the next whole sum;
     * the baseline's ids never leave it.
     */
    private static final class Periods {
        final Instant summedAt;
        final Map<Long, Sums> base;
        final Map<Long, Sums> recent;
        final int limit;
        /** The recent window left ids out: only the ids it holds are kept up to date. */
        boolean recentCapped;
        Instant baseTo;
        Instant seenTo;

        Periods(Instant summedAt, Map<Long, Sums> base, Map<Long, Sums> recent, Instant baseTo, Instant seenTo,
                int limit) {
            this.summedAt = summedAt;
            this.base = base;
            this.recent = recent;
            this.baseTo = baseTo;
            this.seenTo = seenTo;
            this.limit = limit;
            this.recentCapped = recent.size() >= limit;
        }

        /**
         * Rows that left the recent window: out of it, into the baseline. False when they do not
         * match what the recent window holds, more calls than it has for an id or an id it should
         * have: a row stored late, behind a check that had already looked past its time (another
         * writer). Then the sums must be summed whole; a late row too small to show is corrected
         * by the next whole sum.
         */
        boolean moveToBaseline(Map<Long, Sums> moved, Instant to) {
            for (Map.Entry<Long, Sums> e : moved.entrySet()) {
                Sums m = e.getValue();
                Sums r = recent.get(e.getKey());
                if (r == null ? !recentCapped : m.calls > r.calls) {
                    return false;
                }
                if (r != null) {
                    r.calls -= m.calls;
                    r.total -= m.total;
                    if (r.calls == 0) {
                        recent.remove(e.getKey());
                    }
                }
                add(base, e.getKey(), m, true);
            }
            baseTo = to;
            return true;
        }

        /** Rows stored since the last check. */
        void addRecent(Map<Long, Sums> fresh, Instant to) {
            fresh.forEach((id, f) -> {
                if (!add(recent, id, f, !recentCapped)) {
                    recentCapped = true;
                }
            });
            seenTo = to;
        }

        /** Adds to an id's sums; a new id only when allowed and there is room. False when it was left out. */
        private boolean add(Map<Long, Sums> into, long id, Sums more, boolean admit) {
            Sums s = into.get(id);
            if (s != null) {
                s.calls += more.calls;
                s.total += more.total;
                return true;
            }
            if (admit && into.size() < limit) {
                into.put(id, new Sums(more.calls, more.total));
                return true;
            }
            return false;
        }
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
