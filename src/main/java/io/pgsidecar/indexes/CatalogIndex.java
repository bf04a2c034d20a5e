package io.pgsidecar.indexes;

import java.util.Arrays;
import java.util.List;

/**
 * One index as the catalog describes it.
 *
 * @param columns key and INCLUDE columns in order, null where the index has an expression
 * @param keyColumns how many of {@code columns} are key columns (the rest are INCLUDE columns)
 * @param opclasses the operator class of each key column (oids as text)
 * @param options per key column: bit 1 DESC, bit 2 NULLS FIRST
 * @param predicate the WHERE of a partial index, as the server prints it, or null
 * @param expressions the expressions of an expression index, or null
 * @param scans idx_scan on this server
 * @param building a build works on its table now (an invalid index may be that build's)
 * @param replicaIdentity the table's REPLICA IDENTITY USING INDEX (logical replication needs it)
 */
record CatalogIndex(String schema, String table, String name, long oid, String method, String tableKind,
                    boolean unique, boolean primary, boolean valid, boolean constraint, int keyColumns,
                    List<String> columns, List<String> opclasses, List<String> options, List<String> collations,
                    String expressions, String predicate, long bytes, long scans, long tuplesRead, boolean building,
                    String definition, boolean replicaIdentity) {

    String qualified() {
        return schema + "." + name;
    }

    String qualifiedTable() {
        return schema + "." + table;
    }

    /** The key columns, null entries for expressions. */
    List<String> keys() {
        return columns.subList(0, Math.min(keyColumns, columns.size()));
    }

    boolean hasExpressions() {
        return expressions != null;
    }

    /** Whether key column {@code i} is descending. */
    boolean descending(int i) {
        return i < options.size() && (Integer.parseInt(options.get(i)) & 1) != 0;
    }

    /** The definition without its own name: equal for two indexes that are the same index twice. */
    String shape() {
        int on = definition.indexOf(" ON ");
        String body = on < 0 ? definition : definition.substring(on);
        return method + (unique ? " unique" : "") + body;
    }

    /** A leftover of an interrupted REINDEX CONCURRENTLY (its temporary copy or the old index). */
    boolean reindexLeftover() {
        return name.matches(".*_cc(new|old)[0-9]*$");
    }

    static List<String> words(String vector) {
        return vector == null || vector.isBlank() ? List.of() : Arrays.asList(vector.trim().split("\\s+"));
    }
}
