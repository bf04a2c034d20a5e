package io.pgsidecar.partitions;

import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads every partitioned table and its partitions in one round trip. */
@ApplicationScoped
public class PartitionCatalog {

    /** {@code FOR VALUES FROM (x) TO (y)} of a one-column range partition; x and y quoted literals or MIN/MAXVALUE. */
    private static final Pattern RANGE = Pattern.compile(
            "FOR VALUES FROM \\((MINVALUE|MAXVALUE|'(?:[^']|'')*')\\) TO \\((MINVALUE|MAXVALUE|'(?:[^']|'')*')\\)");

    private final String schema;

    public PartitionCatalog(DbConfig db) {
        this.schema = Identifiers.quote(db.schema());
    }

    /** Every top-level partitioned table outside the system schemas. */
    List<PartitionedTable> read(Connection c) throws SQLException {
        return read(c, null, null, false);
    }

    /** One table by schema and name, if it is a top-level partitioned table. */
    Optional<PartitionedTable> read(Connection c, String schemaName, String table) throws SQLException {
        return read(c, schemaName, table, true).stream().findFirst();
    }

    private List<PartitionedTable> read(Connection c, String schemaName, String table, boolean one) throws SQLException {
        int version;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(PartitionsQueries.SERVER)) {
            rs.next();
            version = rs.getInt(1);
        }
        String sql = PartitionsQueries.STATUS.formatted(schema, version >= 140000 ? PartitionsQueries.DETACH_PENDING
                : "false", one ? PartitionsQueries.ONE_TABLE : "");
        Map<String, Builder> tables = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (one) {
                ps.setString(1, schemaName);
                ps.setString(2, table);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1) + "." + rs.getString(2);
                    Builder b = tables.get(key);
                    if (b == null) {
                        b = new Builder(rs.getString(1), rs.getString(2), strategy(rs.getString(3)), rs.getString(4),
                                rs.getString(5), rs.getBoolean(6));
                        tables.put(key, b);
                    }
                    if (rs.getString(8) != null) {
                        long bytes = rs.getLong(11); // 0 when null
                        b.partitions.add(partition(ColumnType.of(b.keyType), rs.getString(7), rs.getString(8),
                                rs.getString(9), rs.getDouble(10), bytes, rs.getBoolean(12),
                                "p".equals(rs.getString(13)), rs.getString(14)));
                    }
                }
            }
        }
        List<PartitionedTable> out = new ArrayList<>();
        for (Builder b : tables.values()) {
            out.add(new PartitionedTable(b.schema, b.name, b.strategy, b.keyColumn, b.keyType, b.partman,
                    List.copyOf(b.partitions)));
        }
        return out;
    }

    static PartitionedTable.Partition partition(Optional<ColumnType> type, String schemaName, String name, String bound,
                                                double rows, long bytes, boolean pending, boolean partitioned,
                                                String newest) {
        if (bound == null || "DEFAULT".equals(bound)) {
            return new PartitionedTable.Partition(schemaName, name, bound, Optional.empty(), Optional.empty(), true, false,
                    false, Math.max(rows, 0), bytes, pending, partitioned, newest);
        }
        Matcher m = RANGE.matcher(bound);
        if (!m.matches()) {
            return new PartitionedTable.Partition(schemaName, name, bound, Optional.empty(), Optional.empty(), false, false,
                    false, Math.max(rows, 0), bytes, pending, partitioned, newest);
        }
        return new PartitionedTable.Partition(schemaName, name, bound, value(type, m.group(1)), value(type, m.group(2)),
                false, "MINVALUE".equals(m.group(1)), "MAXVALUE".equals(m.group(2)), Math.max(rows, 0), bytes, pending,
                partitioned, newest);
    }

    private static Optional<Instant> value(Optional<ColumnType> type, String literal) {
        if (type.isEmpty() || !literal.startsWith("'")) {
            return Optional.empty();
        }
        return type.get().parse(literal.substring(1, literal.length() - 1).replace("''", "'"));
    }

    private static String strategy(String code) {
        return switch (code) {
            case "r" -> "range";
            case "l" -> "list";
            case "h" -> "hash";
            default -> code;
        };
    }

    private static final class Builder {
        final String schema;
        final String name;
        final String strategy;
        final String keyColumn;
        final String keyType;
        final boolean partman;
        final List<PartitionedTable.Partition> partitions = new ArrayList<>();

        Builder(String schema, String name, String strategy, String keyColumn, String keyType, boolean partman) {
            this.schema = schema;
            this.name = name;
            this.strategy = strategy;
            this.keyColumn = keyColumn;
            this.keyType = keyType;
            this.partman = partman;
        }
    }
}
