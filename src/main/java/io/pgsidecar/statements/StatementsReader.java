package io.pgsidecar.statements;

import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.Transactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.postgresql.PGStatement;

/**
 * Reads pg_stat_statements and pg_stat_database. The SQL lives in {@link StatementsQueries}; which
 * variant a server gets is decided here, next to the reading, from the installed extension's version.
 */
final class StatementsReader {

    /** Whether the library is preloaded, and the installed extension's version and schema (null if none). */
    record Extension(boolean loaded, String version, String schema) {

        /** The extension's schema, quoted for splicing into the statements that name its views. */
        String quotedSchema() {
            return Identifiers.quote(schema);
        }
    }

    /** This database's cumulative counters from pg_stat_database. */
    record DbCounters(long commit, long rollback, long deadlocks, long conflicts, long tempFiles, long tempBytes,
                      long blksHit, long blksRead, Instant statsReset, Instant started) {
    }

    /** Rows of pg_stat_statements the agent holds at once while reading it. */
    static final int FETCH_SIZE = 1000;

    private StatementsReader() {
    }

    static Extension extension(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(StatementsQueries.EXTENSION)) {
            rs.next();
            return new Extension(rs.getBoolean(1), rs.getString(2), rs.getString(3));
        }
    }

    static void createExtension(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(StatementsQueries.CREATE_EXTENSION);
        }
    }

    /** The counters query for an extension version: 1.8, 1.9–1.10, or 1.11 and later. */
    static String countersQuery(String version) {
        return byVersion(version, StatementsQueries.COUNTERS_V1_8, StatementsQueries.COUNTERS_V1_9,
                StatementsQueries.COUNTERS_V1_11);
    }

    /** The changed-entries query for an extension version (see {@link StatementsQueries}). */
    static String changedQuery(String version) {
        return byVersion(version, StatementsQueries.CHANGED_V1_8, StatementsQueries.CHANGED_V1_9,
                StatementsQueries.CHANGED_V1_11);
    }

    private static String byVersion(String version, String v18, String v19, String v111) {
        if (!atLeast(version, 1, 9)) {
            return v18;
        }
        return atLeast(version, 1, 11) ? v111 : v19;
    }

    static boolean atLeast(String version, int major, int minor) {
        if (version == null) {
            return false;
        }
        String[] p = version.split("\\.");
        int ma = Integer.parseInt(p[0]);
        int mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
        return ma > major || (ma == major && mi >= minor);
    }

    /**
     * What the changed-entries query compares: the entry's key and its calls in one number, made
     * exactly as {@link StatementsQueries#FINGERPRINT} makes it from the row ({@code queryid #
     * (userid << 1 | toplevel) # rotl(calls, 33)}; calls are never negative, so the server's
     * arithmetic {@code >> 31} is the rotation's logical one). The rotation is one to one, so an
     * entry whose calls moved never keeps its fingerprint. Two entries of one query id (other roles,
     * nested or not) differ in the low 33 bits, which the calls reach only past 2^31 calls; entries of
     * different query ids collide only by the chance of two random 64-bit ids. A collision delays a
     * change to the entry's next change or the next full read; it is never lost.
     */
    static long fingerprint(StatementKey key, long calls) {
        return key.queryid() ^ (key.userid() << 1 | (key.toplevel() ? 1 : 0)) ^ Long.rotateLeft(calls, 33);
    }

    /** Every entry of this database, without texts (see {@link #read}). */
    static Map<StatementKey, Counters> counters(Connection c, Extension ext) throws SQLException {
        return read(c, countersQuery(ext.version()).formatted(ext.quotedSchema()), null);
    }

    /**
     * The entries of this database that are not among {@code held} with the same calls: those that
     * are new or ran since the agent read them. {@code held} is what the agent has from its last
     * read; the server compares by {@link #fingerprint} and sends only what differs.
     */
    static Map<StatementKey, Counters> changed(Connection c, Extension ext, Map<StatementKey, Counters> held)
            throws SQLException {
        long[] fingerprints = new long[held.size()];
        int i = 0;
        for (Map.Entry<StatementKey, Counters> e : held.entrySet()) {
            fingerprints[i++] = fingerprint(e.getKey(), e.getValue().calls());
        }
        return read(c, changedQuery(ext.version()).formatted(ext.quotedSchema()), fingerprints);
    }

    /**
     * Runs a counters query; the same key twice (never seen) keeps the busier row. The rows come in
     * binary (the server sends its numbers as they are instead of printing them, the agent copies
     * bytes instead of parsing them) and through a cursor, 1,000 at a time, so the agent never holds
     * the whole result as rows: only the map it builds from them.
     */
    private static Map<StatementKey, Counters> read(Connection c, String sql, long[] fingerprints)
            throws SQLException {
        Map<StatementKey, Counters> out = new HashMap<>();
        // a fetch size needs a transaction: without one the driver reads every row first; it only reads
        Transactions.rolledBack(c, () -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.unwrap(PGStatement.class).setPrepareThreshold(-1); // negative: binary results from the first run
                s.setFetchSize(FETCH_SIZE);
                if (fingerprints != null) {
                    s.setObject(1, fingerprints); // a primitive array: the driver sends it as a binary int8[]
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Timestamp since = rs.getTimestamp(15);
                        StatementKey key = new StatementKey(rs.getLong(1), rs.getLong(2), rs.getBoolean(3));
                        Counters cnt = new Counters(rs.getLong(4), rs.getDouble(5), rs.getDouble(6), rs.getDouble(7),
                                rs.getDouble(8), rs.getDouble(9), rs.getLong(10), rs.getLong(11), rs.getLong(12),
                                rs.getLong(13), rs.getDouble(14), since == null ? null : since.toInstant());
                        out.merge(key, cnt, (a, b) -> a.calls() >= b.calls() ? a : b);
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** pg_stat_statements_info (1.9+): entries evicted since the last reset, and when that was. */
    record Info(long dealloc, Instant statsReset) {
    }

    /** pg_stat_statements_info; null before 1.9, which has none. */
    static Info info(Connection c, Extension ext) throws SQLException {
        if (!atLeast(ext.version(), 1, 9)) {
            return null;
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(StatementsQueries.INFO.formatted(ext.quotedSchema()))) {
            if (!rs.next()) {
                return null;
            }
            Timestamp reset = rs.getTimestamp(2);
            return new Info(rs.getLong(1), reset == null ? null : reset.toInstant());
        }
    }

    static DbCounters databaseCounters(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(StatementsQueries.DATABASE_STATS)) {
            rs.next();
            Timestamp reset = rs.getTimestamp(9);
            return new DbCounters(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    rs.getLong(6), rs.getLong(7), rs.getLong(8), reset == null ? null : reset.toInstant(),
                    rs.getTimestamp(10).toInstant());
        }
    }

    /** Texts of the given query ids, cut to {@code maxLength}; one query for all of them. */
    static Map<Long, String> texts(Connection c, Extension ext, Collection<Long> queryids, int maxLength)
            throws SQLException {
        Map<Long, String> out = new HashMap<>();
        if (queryids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(StatementsQueries.TEXTS.formatted(ext.quotedSchema()))) {
            ps.setInt(1, maxLength);
            Array ids = c.createArrayOf("bigint", queryids.toArray(Long[]::new));
            ps.setArray(2, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** pg_stat_statements_reset(): for every tool that reads it. */
    static void reset(Connection c, Extension ext) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(StatementsQueries.RESET.formatted(ext.quotedSchema()));
        }
    }
}
