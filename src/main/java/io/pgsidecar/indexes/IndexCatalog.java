package io.pgsidecar.indexes;

import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.db.Transactions;
import io.pgsidecar.maintenance.MaintenanceQueries;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one analysis reads before it plans anything, in one read-only transaction: when the
 * statistics began and whether HypoPG is there, the indexes, the tables' figures, the foreign keys,
 * the bloated indexes, and the top statements of the stored history with the time it covers.
 */
@ApplicationScoped
class IndexCatalog {

    /** How many of the largest (or most bloated) indexes an analysis lists. */
    static final int LARGEST = 50;

    /** A table's figures from the catalog and the cumulative statistics. */
    record TableStat(String schema, String name, String kind, double rows, long bytes, long writes,
                     long updatesDeletes, long pages) {
    }

    /**
     * One read. {@code hypopg} is installed, not_installed or not_available; {@code foreignKeys} are
     * {constraint, schema, table, columns joined by NUL, parent schema, parent table}; {@code top} are
     * {queryid, total ms (double bits), calls (double bits)} over the history window.
     */
    record Read(Instant statsSince, String hypopg, List<CatalogIndex> indexes, Map<String, TableStat> tables,
                List<String[]> foreignKeys, List<IndexAnalysis.Bloated> bloated, List<long[]> top,
                double coveredSeconds) {
    }

    private final IndexesConfig config;
    private final String schema;
    private final String schemaLiteral;
    private final Duration poolStatementTimeout;

    IndexCatalog(IndexesConfig config, DbConfig db) {
        this.config = config;
        this.schema = Identifiers.quote(db.schema());
        this.schemaLiteral = db.schema().replace("'", "''");
        this.poolStatementTimeout = db.statementTimeout();
    }

    /** The catalog reads' statement_timeout: the configured one, never above the pool's (its sockets time out after that). */
    Duration catalogTimeout() {
        return config.statementTimeout().compareTo(poolStatementTimeout) < 0 ? config.statementTimeout()
                : poolStatementTimeout;
    }

    /** Reads it all in one read-only transaction on {@code c} ({@link Transactions}). */
    Read read(Connection c) throws SQLException {
        return Transactions.rolledBack(c, () -> {
            Instant statsSince;
            String hypopg;
            List<CatalogIndex> indexes;
            Map<String, TableStat> tables;
            List<String[]> fks;
            List<IndexAnalysis.Bloated> bloated;
            List<long[]> top = new ArrayList<>();
            double coveredSeconds;
            try (Statement s = c.createStatement()) {
                s.execute("/* pgsidecar */ SET TRANSACTION READ ONLY");
                s.execute("/* pgsidecar */ SET LOCAL statement_timeout = " + catalogTimeout().toMillis());
                try (ResultSet rs = s.executeQuery(IndexesQueries.STATS_SINCE)) {
                    rs.next();
                    statsSince = rs.getTimestamp(1).toInstant();
                    hypopg = rs.getString(5) != null ? "installed"
                            : rs.getBoolean(6) ? "not_installed" : "not_available";
                }
                indexes = indexes(s);
                tables = tables(s);
                fks = foreignKeys(s);
                bloated = bloated(c);
                try (PreparedStatement ps = c.prepareStatement(IndexesQueries.TOP_STATEMENTS.formatted(schema))) {
                    ps.setDouble(1, config.historyWindow().toSeconds());
                    ps.setInt(2, config.topStatements());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            top.add(new long[] {rs.getLong(1), Double.doubleToLongBits(rs.getDouble(2)),
                                    Double.doubleToLongBits(rs.getDouble(3))});
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(IndexesQueries.COVERED_SECONDS.formatted(schema))) {
                    ps.setDouble(1, config.historyWindow().toSeconds());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        coveredSeconds = rs.getDouble(1);
                    }
                }
            }
            return new Read(statsSince, hypopg, indexes, tables, fks, bloated, top, coveredSeconds);
        });
    }

    private List<CatalogIndex> indexes(Statement s) throws SQLException {
        List<CatalogIndex> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(IndexesQueries.INDEXES.formatted(schemaLiteral))) {
            while (rs.next()) {
                Array cols = rs.getArray(13);
                List<String> columns = Arrays.asList((String[]) cols.getArray());
                out.add(new CatalogIndex(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getString(6), rs.getBoolean(7), rs.getBoolean(8), rs.getBoolean(9),
                        rs.getBoolean(10), rs.getInt(11), columns, CatalogIndex.words(rs.getString(14)),
                        CatalogIndex.words(rs.getString(15)), CatalogIndex.words(rs.getString(16)), rs.getString(17),
                        rs.getString(18), rs.getLong(19), rs.getLong(20), rs.getLong(21), rs.getBoolean(22),
                        rs.getString(23), rs.getBoolean(24)));
            }
        }
        return out;
    }

    private Map<String, TableStat> tables(Statement s) throws SQLException {
        Map<String, TableStat> out = new HashMap<>();
        try (ResultSet rs = s.executeQuery(IndexesQueries.TABLES.formatted(schemaLiteral))) {
            while (rs.next()) {
                TableStat t = new TableStat(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(9));
                out.put(t.schema() + "." + t.name(), t);
            }
        }
        return out;
    }

    private List<String[]> foreignKeys(Statement s) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(IndexesQueries.FOREIGN_KEYS.formatted(schemaLiteral))) {
            while (rs.next()) {
                String[] cols = (String[]) rs.getArray(4).getArray();
                out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), String.join("\u0000", cols),
                        rs.getString(5), rs.getString(6)});
            }
        }
        return out;
    }

    private List<IndexAnalysis.Bloated> bloated(Connection c) throws SQLException {
        List<IndexAnalysis.Bloated> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.BLOATED_INDEXES)) {
            ps.setDouble(1, config.bloatMinSize().asLongValue());
            ps.setDouble(2, config.bloatMinRatio());
            ps.setInt(3, LARGEST);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String index = rs.getString(1) + "." + rs.getString(2);
                    out.add(new IndexAnalysis.Bloated(index, rs.getString(1) + "." + rs.getString(3),
                            (long) rs.getDouble(4), Math.round(rs.getDouble(5) * 1000) / 1000.0,
                            "REINDEX INDEX CONCURRENTLY " + Identifiers.quote(rs.getString(1)) + "."
                                    + Identifiers.quote(rs.getString(2))));
                }
            }
        }
        return out;
    }
}
