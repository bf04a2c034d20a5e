package io.pgsidecar.indexes;

import io.pgsidecar.db.Identifiers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The catalog checks, on the indexes read once: coverage, duplicates, redundant prefixes, unused, invalid. */
final class IndexChecks {

    private IndexChecks() {
    }

    /**
     * Whether a valid index already serves these keys: its first {@code equality.size()} key columns
     * are the equality columns in any order, the next ones are {@code tail} in order (directions all
     * as asked or all reversed: a btree scans both ways), and it has no predicate or the same one.
     */
    static boolean covered(List<CatalogIndex> tableIndexes, Set<String> equality, List<PlanReader.SortKey> tail,
                           String predicate) {
        for (CatalogIndex i : tableIndexes) {
            if (!i.valid() || i.hasExpressions() || !"btree".equals(i.method())) {
                continue;
            }
            if (i.predicate() != null && (predicate == null || !sameText(i.predicate(), predicate))) {
                continue;
            }
            List<String> keys = i.keys();
            int n = equality.size();
            if (keys.size() < n + tail.size() || !new HashSet<>(keys.subList(0, n)).equals(equality)) {
                continue;
            }
            boolean same = true;
            boolean reversed = true;
            boolean names = true;
            for (int k = 0; k < tail.size(); k++) {
                PlanReader.SortKey t = tail.get(k);
                if (!t.column().equals(keys.get(n + k))) {
                    names = false;
                    break;
                }
                boolean desc = i.descending(n + k);
                same &= desc == t.descending();
                reversed &= desc != t.descending();
            }
            boolean plainNulls = tail.stream().allMatch(t -> t.nulls() == null);
            if (names && plainNulls && (tail.size() <= 1 || same || reversed)) {
                return true; // one column: a backward scan gives either direction
            }
        }
        return false;
    }

    /**
     * Two definitions as printed by the server and by the agent: equal but for identifier quotes and
     * blanks (case, literals and parentheses count: {@code 'A'} is not {@code 'a'}).
     */
    static boolean sameText(String a, String b) {
        return normal(a).equals(normal(b));
    }

    private static String normal(String s) {
        return s.replace("\"", "").replaceAll("\\s+", " ").replace("( ", "(").replace(" )", ")").trim();
    }

    /** Pairs of indexes that are the same index twice, and indexes that are a plain prefix of another. */
    static List<IndexAnalysis.Duplicate> duplicates(List<CatalogIndex> all) {
        Map<String, List<CatalogIndex>> byTable = new HashMap<>();
        for (CatalogIndex i : all) {
            if (i.valid()) {
                byTable.computeIfAbsent(i.qualifiedTable(), k -> new ArrayList<>()).add(i);
            }
        }
        List<IndexAnalysis.Duplicate> out = new ArrayList<>();
        Set<Long> reported = new HashSet<>();
        for (List<CatalogIndex> list : byTable.values()) {
            // the same index twice: the one that enforces something, else the oldest, stays
            list.sort(Comparator.comparing((CatalogIndex i) -> !protectedIndex(i)).thenComparingLong(CatalogIndex::oid));
            for (int x = 0; x < list.size(); x++) {
                CatalogIndex kept = list.get(x);
                if (reported.contains(kept.oid())) {
                    continue;
                }
                for (int y = x + 1; y < list.size(); y++) {
                    CatalogIndex other = list.get(y);
                    if (!reported.contains(other.oid()) && other.shape().equals(kept.shape()) && !protectedIndex(other)) {
                        out.add(duplicate(other, kept, "identical"));
                        reported.add(other.oid());
                    }
                }
            }
            // a plain prefix of another that stays
            for (CatalogIndex a : list) {
                if (reported.contains(a.oid())) {
                    continue;
                }
                for (CatalogIndex b : list) {
                    if (a != b && !reported.contains(b.oid()) && redundantPrefix(a, b)) {
                        out.add(duplicate(a, b, "redundant_prefix"));
                        reported.add(a.oid());
                        break;
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(IndexAnalysis.Duplicate::sizeBytes).reversed());
        return out;
    }

    /** An index that enforces or serves something beyond queries: never proposed for a drop as a duplicate. */
    static boolean protectedIndex(CatalogIndex i) {
        return i.primary() || i.constraint() || i.replicaIdentity();
    }

    /** {@code a}'s keys are a strict prefix of {@code b}'s with the same opclasses, directions and predicate. */
    static boolean redundantPrefix(CatalogIndex a, CatalogIndex b) {
        if (!"btree".equals(a.method()) || !"btree".equals(b.method()) || a.unique() || protectedIndex(a)
                || a.hasExpressions() || b.hasExpressions() || a.columns().size() != a.keyColumns()
                || !java.util.Objects.equals(a.predicate(), b.predicate())) {
            return false;
        }
        int n = a.keyColumns();
        if (n >= b.keyColumns()) {
            return false;
        }
        return a.keys().equals(b.keys().subList(0, n)) && a.opclasses().equals(b.opclasses().subList(0, n))
                && a.options().subList(0, n).equals(b.options().subList(0, n))
                && a.collations().subList(0, n).equals(b.collations().subList(0, n));
    }

    private static IndexAnalysis.Duplicate duplicate(CatalogIndex a, CatalogIndex b, String kind) {
        return new IndexAnalysis.Duplicate(a.qualified(), a.qualifiedTable(), b.qualified(), kind, a.bytes(),
                dropSql(a));
    }

    /**
     * Indexes no scan has used on the primary nor on any replica since the statistics began, from
     * {@code minBytes} on; never a primary key, a unique, exclusion or replica-identity index, one
     * that supports a foreign key (its leading columns are the key's), an invalid one (listed apart)
     * or a partitioned table's parent index (its partitions' indexes are counted).
     *
     * @param foreignKeys per table ({@code schema.table}), the column lists of its foreign keys
     */
    static List<IndexAnalysis.Unused> unused(List<CatalogIndex> all, Map<String, Map<String, Long>> replicaScans,
                                             long minBytes, Map<String, List<List<String>>> foreignKeys) {
        List<IndexAnalysis.Unused> out = new ArrayList<>();
        for (CatalogIndex i : all) {
            if (i.primary() || i.unique() || i.constraint() || i.replicaIdentity() || !i.valid()
                    || "p".equals(i.tableKind()) || i.scans() > 0 || i.bytes() < minBytes) {
                continue;
            }
            boolean supportsKey = foreignKeys.getOrDefault(i.qualifiedTable(), List.of()).stream()
                    .anyMatch(cols -> i.keys().size() >= cols.size()
                            && new HashSet<>(i.keys().subList(0, cols.size())).equals(new HashSet<>(cols)));
            if (supportsKey) {
                continue;
            }
            Map<String, Long> onReplicas = onReplicas(i, replicaScans);
            if (onReplicas.values().stream().anyMatch(v -> v != null && v > 0)) {
                continue;
            }
            out.add(new IndexAnalysis.Unused(i.qualified(), i.qualifiedTable(), i.bytes(), onReplicas, dropSql(i)));
        }
        out.sort(Comparator.comparingLong(IndexAnalysis.Unused::sizeBytes).reversed());
        return out;
    }

    static Map<String, Long> onReplicas(CatalogIndex i, Map<String, Map<String, Long>> replicaScans) {
        Map<String, Long> out = new java.util.TreeMap<>();
        replicaScans.forEach((replica, scans) -> out.put(replica, scans.getOrDefault(i.qualified(), 0L)));
        return out;
    }

    /** Invalid indexes no build is working on, with the statement that repairs each. */
    static List<IndexAnalysis.Invalid> invalid(List<CatalogIndex> all) {
        List<IndexAnalysis.Invalid> out = new ArrayList<>();
        for (CatalogIndex i : all) {
            if (i.valid() || i.building() || "p".equals(i.tableKind())) {
                continue;
            }
            if (i.reindexLeftover()) {
                out.add(new IndexAnalysis.Invalid(i.qualified(), i.qualifiedTable(), i.bytes(),
                        "leftover of an interrupted REINDEX CONCURRENTLY", dropSql(i)));
            } else {
                out.add(new IndexAnalysis.Invalid(i.qualified(), i.qualifiedTable(), i.bytes(),
                        "left invalid by a failed or cancelled concurrent build" + (i.unique()
                                ? "; a unique one may fail again on duplicate rows: find them first" : ""),
                        "REINDEX INDEX CONCURRENTLY " + Identifiers.quote(i.schema()) + "."
                                + Identifiers.quote(i.name())));
            }
        }
        return out;
    }

    /** The valid, plain btree index whose first key columns are exactly these columns in any order. */
    static Optional<CatalogIndex> startingWith(List<CatalogIndex> tableIndexes, List<String> columns) {
        Set<String> wanted = new HashSet<>(columns);
        for (CatalogIndex i : tableIndexes) {
            if (!i.valid() || i.predicate() != null || i.keys().size() < columns.size()) {
                continue;
            }
            if (new HashSet<>(i.keys().subList(0, columns.size())).equals(wanted)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    static String dropSql(CatalogIndex i) {
        return "DROP INDEX CONCURRENTLY " + Identifiers.quote(i.schema()) + "." + Identifiers.quote(i.name());
    }
}
