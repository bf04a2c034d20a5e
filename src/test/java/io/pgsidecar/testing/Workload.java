package io.pgsidecar.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** Statements with a known shape, run by tests and the benchmark as "the application". */
public final class Workload {

    private Workload() {
    }

    /** A table with {@code columns} integer columns c0..cN-1 and one row. */
    public static void wideTable(Connection c, String name, int columns) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS " + name + " (");
        StringBuilder ins = new StringBuilder("INSERT INTO " + name + " SELECT ");
        for (int i = 0; i < columns; i++) {
            ddl.append(i == 0 ? "" : ", ").append("c").append(i).append(" int");
            ins.append(i == 0 ? "" : ", ").append(i);
        }
        try (Statement s = c.createStatement()) {
            s.execute(ddl.append(')').toString());
            s.execute(ins.toString());
        }
    }

    /**
     * Runs {@code count} statements that pg_stat_statements records as distinct entries, starting at
     * {@code offset}: {@code SELECT c<i>, c<j> FROM <table>} (column references are part of the
     * query id, constants are not), so a table of n columns gives n² distinct statements.
     */
    public static void distinctStatements(Connection c, String table, int columns, int offset, int count)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            for (int k = offset; k < offset + count; k++) {
                int i = (k / columns) % columns;
                int j = k % columns;
                s.executeQuery("SELECT c" + i + ", c" + j + " FROM " + table).close();
            }
        }
    }

    /** Runs one prepared statement {@code times} times with the given parameter. */
    public static void repeat(Connection c, String sql, int times, Object param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < times; i++) {
                if (param != null) {
                    ps.setObject(1, param);
                }
                ps.execute();
            }
        }
    }
}
