package io.pgsidecar.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsolidationTest {

    @Test
    void aPrefixOfAnotherCandidateIsDroppedAndItsStatementsGoToTheOther() {
        Map<String, Candidate> m = new LinkedHashMap<>();
        Candidate a = new Candidate("public", "t", List.of("a"), List.of(false), null);
        Candidate ab = new Candidate("public", "t", List.of("a", "b"), List.of(false, false),
                null);
        Candidate other = new Candidate("public", "u", List.of("a"), List.of(false), null);
        Candidate partial = new Candidate("public", "t", List.of("a"), List.of(false),
                new IndexDefinition.IsNull("d", false));
        a.statements.put("1", new Candidate.Helped(1, "q", "b", 10, 1, 0.5));
        a.foreignKey = "t_a_fkey";
        for (Candidate c : List.of(a, ab, other, partial)) {
            m.put(c.key(), c);
        }
        Candidate.consolidate(m);
        assertThat(m.values()).containsExactlyInAnyOrder(ab, other, partial);
        assertThat(ab.statements).containsKey("1");
        assertThat(ab.foreignKey).isEqualTo("t_a_fkey");
    }

    @Test
    void thePlanRepairsFirstThenCreatesRebuildsAndDropsLast() {
        List<IndexAnalysis.PlanStep> plan = IndexAnalyzer.plan(
                List.of(new IndexAnalysis.Recommendation("r", "public.t", List.of("a"), List.of("asc"), "btree", null,
                        "plan", null, "CREATE INDEX CONCURRENTLY x", List.of(), 90_000, 0.9, 8192L, 1, true, "ok", "high")),
                List.of(new IndexAnalysis.Unused("public.u_idx", "public.u", 8192, Map.of(), "DROP INDEX CONCURRENTLY u")),
                List.of(), List.of(new IndexAnalysis.Invalid("public.i", "public.t", 8192, "failed build", "REINDEX i")),
                List.of(new IndexAnalysis.Bloated("public.b", "public.t", 1 << 30, 0.5, "REINDEX b")));
        assertThat(plan).extracting(IndexAnalysis.PlanStep::action).containsExactly("rebuild", "create", "rebuild", "drop");
        assertThat(plan).extracting(IndexAnalysis.PlanStep::step).containsExactly(1, 2, 3, 4);
    }
}
