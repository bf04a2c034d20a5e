package io.pgsidecar.indexes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * HypoPG in one session: the extension made when configured to, a hypothetical index made, its size,
 * and every hypothetical index of the session dropped. The analysis proves candidates with it; a
 * dry-run create estimates the index's size with it.
 */
final class HypoPg {

    private static final Logger LOG = Logger.getLogger(HypoPg.class);

    /** A hypothetical index: its oid and the name the planner prints for it. */
    record Hypothetical(long oid, String name) {
    }

    private HypoPg() {
    }

    /** CREATE EXTENSION hypopg (pgsidecar.indexes.hypopg.create-extension); whether it is there after. */
    static boolean createExtension(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute(IndexesQueries.HYPO_EXTENSION);
            LOG.infof("created extension hypopg (pgsidecar.indexes.hypopg.create-extension)");
            return true;
        } catch (SQLException e) {
            LOG.warnf("CREATE EXTENSION hypopg failed: %s", e.getMessage());
            return false;
        }
    }

    /** A hypothetical index of this CREATE INDEX statement in the session; empty when HypoPG made none. */
    static Optional<Hypothetical> create(Connection c, String createIndex) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.HYPO_CREATE)) {
            ps.setString(1, createIndex);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Hypothetical(rs.getLong(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /** The size HypoPG gives a hypothetical index; null when it cannot tell. */
    static Long size(Connection c, long oid) {
        try (PreparedStatement ps = c.prepareStatement(IndexesQueries.HYPO_SIZE)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        } catch (SQLException e) {
            return null;
        }
    }

    /**
     * The size HypoPG gives the index this CREATE INDEX statement makes, when it is installed; null
     * otherwise. The hypothetical index stays in the session (closed after, with whatever it held).
     */
    static Long sizeOf(Connection c, String createIndex) {
        try {
            return create(c, createIndex).map(h -> size(c, h.oid())).orElse(null);
        } catch (SQLException e) {
            return null; // no HypoPG here: no estimate
        }
    }

    /** Drops every hypothetical index of the session. */
    static void reset(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute(IndexesQueries.HYPO_RESET);
        } catch (SQLException e) {
            LOG.warnf("hypopg_reset() failed: %s", e.getMessage());
        }
    }
}
