package io.pgsidecar.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The monitored database's oid, which the statistics views filter on (their datid). */
public final class CurrentDatabase {

    static final String OID = """
            /* pgsidecar */
            SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()
            """;

    private CurrentDatabase() {
    }

    /** The oid of the database {@code c} is connected to. */
    public static long oid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(OID)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
