package io.pgsidecar.db;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The monitored database's oid, which the statistics views filter on (their datid): read as it is
 * now ({@link #oid(Connection)}), or once per agent for the collectors that filter on it every time
 * they run ({@link #remembered(Connection)}; a database keeps its oid while it exists).
 */
@ApplicationScoped
public class CurrentDatabase {

    static final String OID = """
            /* pgsidecar */
            SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()
            """;

    private volatile Long remembered;

    /** The oid of the database {@code c} is connected to. */
    public static long oid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(OID)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The oid, read on the first call (with {@code c}) and remembered. */
    public long remembered(Connection c) throws SQLException {
        Long oid = remembered;
        if (oid == null) {
            oid = oid(c);
            remembered = oid;
        }
        return oid;
    }
}
