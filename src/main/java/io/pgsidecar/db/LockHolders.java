package io.pgsidecar.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who holds a lock on a relation, in words: what a job says when its statement gave up at
 * {@code lock_timeout} (maintenance, partitions, indexes: {@link LockRetry}).
 */
public final class LockHolders {

    /** Sessions holding a granted lock on a relation, longest first. Parameters: the relation, a pid to leave out. */
    static final String QUERY = """
            /* pgsidecar */
            SELECT l.pid, coalesce(a.application_name, ''), l.mode,
                   extract(epoch FROM now() - coalesce(a.xact_start, a.query_start, a.backend_start))::float8
              FROM pg_catalog.pg_locks l
              JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
             WHERE l.relation = ?::regclass AND l.granted AND l.pid <> ?
             ORDER BY 4 DESC NULLS LAST
             LIMIT 3
            """;

    private LockHolders() {
    }

    /**
     * {@link #describe(Connection, String, int)} read on the agent's pool, whose observing login sees
     * every session (an acting login need not); a failure to read them is said, not thrown: the
     * holders are what a message adds, never why it fails.
     */
    public static String describe(Database database, String relation, int waiter) {
        try {
            return database.withConnection(c -> describe(c, relation, waiter));
        } catch (RuntimeException e) {
            return "holder unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * "pid 123 (application_name 'report') holds AccessExclusiveLock for 12 s; ...", or that none is
     * seen any more.
     *
     * @param relation a relation name as {@code regclass} reads it (quoted where needed)
     * @param waiter the pid of the session that waited, left out
     */
    public static String describe(Connection c, String relation, int waiter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(QUERY)) {
            ps.setString(1, relation);
            ps.setInt(2, waiter);
            List<String> holders = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    holders.add(String.format(Locale.ROOT, "pid %d (application_name '%s') holds %s for %.0f s",
                            rs.getInt(1), rs.getString(2), rs.getString(3), rs.getDouble(4)));
                }
            }
            return holders.isEmpty() ? "no holder seen any more" : String.join("; ", holders);
        }
    }
}
