package io.pgsidecar.replicas;

import io.pgsidecar.db.Database;
import io.pgsidecar.db.Rows;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads the primary's side of replication through the agent's pool. */
@ApplicationScoped
public class PrimaryReader {

    private final Database database;

    public PrimaryReader(Database database) {
        this.database = database;
    }

    /** The primary's view; a view with {@code error} set when it could not be read. */
    PrimaryView read() {
        try {
            return database.withConnection(PrimaryReader::read);
        } catch (RuntimeException e) {
            return new PrimaryView(null, false, null, List.of(), List.of(), e.getMessage());
        }
    }

    private static PrimaryView read(Connection c) throws SQLException {
        String lsn;
        boolean recovery;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ReplicasQueries.PRIMARY_POSITION)) {
            rs.next();
            lsn = rs.getString(1);
            recovery = rs.getBoolean(2);
        }
        String sysid = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ReplicasQueries.SYSTEM_IDENTIFIER)) {
            if (rs.next()) {
                sysid = rs.getString(1);
            }
        } catch (SQLException e) {
            // not allowed for this role: the identity check is skipped
        }
        List<PrimaryView.Standby> standbys = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ReplicasQueries.STANDBYS)) {
            while (rs.next()) {
                standbys.add(new PrimaryView.Standby(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                        Rows.doubleOrNull(rs, 9), Rows.doubleOrNull(rs, 10), Rows.doubleOrNull(rs, 11)));
            }
        }
        List<PrimaryView.Slot> slots = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ReplicasQueries.SLOTS)) {
            while (rs.next()) {
                slots.add(new PrimaryView.Slot(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
                        Rows.longOrNull(rs, 5)));
            }
        }
        return new PrimaryView(lsn, recovery, sysid, List.copyOf(standbys), List.copyOf(slots), null);
    }
}
