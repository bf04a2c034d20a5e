package io.pgsidecar.indexes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An index candidate being assembled from the top statements' plans and the foreign keys. */
final class Candidate {

    /** A statement the candidate helps: its time and, for the planner's view, its plan text and share. */
    record Helped(long queryid, String query, String body, double msPerHour, double callsPerHour, double share) {
    }

    final String schema;
    final String table;
    final List<String> columns;
    final List<Boolean> descending;
    final List<String> nulls;
    final IndexDefinition.Predicate where;
    final Map<String, Helped> statements = new LinkedHashMap<>();
    String foreignKey;
    boolean fromPlan;
    double fkMsPerHour;
    String fkProbe;

    Candidate(String schema, String table, List<String> columns, List<Boolean> descending,
              IndexDefinition.Predicate where) {
        this(schema, table, columns, descending, java.util.Collections.nCopies(columns.size(), null), where);
    }

    Candidate(String schema, String table, List<String> columns, List<Boolean> descending, List<String> nulls,
              IndexDefinition.Predicate where) {
        this.schema = schema;
        this.table = table;
        this.columns = columns;
        this.descending = descending;
        this.nulls = nulls;
        this.where = where;
    }

    String key() {
        return schema + "." + table + "|" + columns + "|" + descending + "|" + nulls + "|"
                + (where == null ? "" : where.toSql());
    }

    /** The recommendation's id: stable for the same candidate across analyses. */
    String id() {
        return UUID.nameUUIDFromBytes(key().getBytes(StandardCharsets.UTF_8)).toString().substring(0, 13)
                .replace("-", "");
    }

    IndexDefinition definition() {
        List<IndexDefinition.Key> keys = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            keys.add(new IndexDefinition.Key(columns.get(i), null, descending.get(i), nulls.get(i), null));
        }
        return new IndexDefinition(schema, table, null, false, "btree", keys, List.of(), where);
    }

    /**
     * Drops a candidate that another serves: same table and predicate, its columns a leading prefix
     * of the other's with the same directions. Its statements and its foreign key go to the other.
     */
    static void consolidate(Map<String, Candidate> candidates) {
        List<Candidate> all = new ArrayList<>(candidates.values());
        for (Candidate small : all) {
            for (Candidate big : all) {
                if (small == big || !candidates.containsKey(big.key()) || !small.schema.equals(big.schema)
                        || !small.table.equals(big.table) || big.columns.size() <= small.columns.size()
                        || !java.util.Objects.equals(small.where == null ? null : small.where.toSql(),
                        big.where == null ? null : big.where.toSql())) {
                    continue;
                }
                int n = small.columns.size();
                if (big.columns.subList(0, n).equals(small.columns) && big.descending.subList(0, n).equals(small.descending)
                        && big.nulls.subList(0, n).equals(small.nulls)) {
                    small.statements.forEach(big.statements::putIfAbsent);
                    big.fromPlan |= small.fromPlan;
                    if (big.foreignKey == null && small.foreignKey != null) {
                        big.foreignKey = small.foreignKey;
                        big.fkMsPerHour = small.fkMsPerHour;
                        big.fkProbe = small.fkProbe;
                    }
                    candidates.remove(small.key());
                    break;
                }
            }
        }
    }
}
