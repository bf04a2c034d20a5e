package io.pgsidecar.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IndexChecksTest {

    static long oid = 1000;

    static CatalogIndex index(String name, String def, boolean unique, boolean primary, long scans, String... cols) {
        List<String> columns = Arrays.asList(cols);
        List<String> zeros = columns.stream().map(c -> "0").toList();
        List<String> ops = columns.stream().map(c -> "1978").toList();
        return new CatalogIndex("public", "t", name, oid++, "btree", "r", unique, primary, true, primary, cols.length,
                columns, ops, zeros, zeros, null, null, 8192, scans, 0, false,
                "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + name + " ON public.t USING btree " + def, false);
    }

    @Test
    void coveredByLeadingEqualityColumnsInAnyOrderThenTheTail() {
        CatalogIndex ab = index("t_a_b", "(a, b)", false, false, 0, "a", "b");
        assertThat(IndexChecks.covered(List.of(ab), Set.of("a"), List.of(), null)).isTrue();
        assertThat(IndexChecks.covered(List.of(ab), Set.of("b", "a"), List.of(), null)).isTrue();
        assertThat(IndexChecks.covered(List.of(ab), Set.of("a"), List.of(new PlanReader.SortKey("c", true)), null))
                .isFalse();
        assertThat(IndexChecks.covered(List.of(ab), Set.of("a"), List.of(new PlanReader.SortKey("b", true)), null))
                .as("one sort column: a backward scan").isTrue();
        assertThat(IndexChecks.covered(List.of(ab), Set.of("b"), List.of(), null)).isFalse();
    }

    @Test
    void identicalAndPrefixDuplicatesKeepTheIndexThatStays() {
        CatalogIndex pk = index("t_pkey", "(id)", true, true, 5, "id");
        CatalogIndex k = index("t_k", "(k)", false, false, 0, "k");
        CatalogIndex again = index("t_k_again", "(k)", false, false, 0, "k");
        CatalogIndex kj = index("t_k_j", "(k, j)", false, false, 0, "k", "j");
        CatalogIndex uniqueK = index("t_k_unique", "(k)", true, false, 0, "k");
        List<IndexAnalysis.Duplicate> d = IndexChecks.duplicates(List.of(pk, k, again, kj, uniqueK));
        assertThat(d).extracting(IndexAnalysis.Duplicate::index, IndexAnalysis.Duplicate::duplicateOf,
                IndexAnalysis.Duplicate::kind).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("public.t_k_again", "public.t_k", "identical"),
                org.assertj.core.groups.Tuple.tuple("public.t_k", "public.t_k_j", "redundant_prefix"));
    }

    @Test
    void unusedLeavesOutKeysUniqueIndexesAndWhatAReplicaScanned() {
        CatalogIndex pk = index("t_pkey", "(id)", true, true, 0, "id");
        CatalogIndex u = index("t_u", "(u)", true, false, 0, "u");
        CatalogIndex onReplica = index("t_r", "(r)", false, false, 0, "r");
        CatalogIndex never = index("t_n", "(n)", false, false, 0, "n");
        CatalogIndex used = index("t_x", "(x)", false, false, 3, "x");
        CatalogIndex fk = index("t_fk", "(f, n)", false, false, 0, "f", "n");
        List<IndexAnalysis.Unused> unused = IndexChecks.unused(List.of(pk, u, onReplica, never, used, fk),
                Map.of("r1", Map.of("public.t_r", 4L)), 0, Map.of("public.t", List.of(List.of("f"))));
        assertThat(unused).extracting(IndexAnalysis.Unused::index).containsExactly("public.t_n");
        assertThat(IndexChecks.unused(List.of(never), Map.of(), 8193, Map.of())).as("below the size").isEmpty();
        assertThat(unused.get(0).sql()).isEqualTo("DROP INDEX CONCURRENTLY \"public\".\"t_n\"");
    }

    @Test
    void aForeignKeyIsIndexedByAnIndexStartingWithItsColumnsInAnyOrder() {
        CatalogIndex ba = index("t_b_a_c", "(b, a, c)", false, false, 0, "b", "a", "c");
        assertThat(IndexChecks.startingWith(List.of(ba), List.of("a", "b"))).isPresent();
        assertThat(IndexChecks.startingWith(List.of(ba), List.of("a"))).isEmpty();
    }
}
