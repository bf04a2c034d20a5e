package io.pgsidecar.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** HypoPG in a test's database, where the server has it (Debian's PostgreSQL 15 does; the zonky binaries do not). */
public final class HypoPg {

    private HypoPg() {
    }

    /** Creates the extension when the server has it; false when it does not. */
    public static boolean install(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_available_extensions WHERE name = 'hypopg'")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                return false;
            }
            s.execute("CREATE EXTENSION IF NOT EXISTS hypopg");
            return true;
        }
    }
}
