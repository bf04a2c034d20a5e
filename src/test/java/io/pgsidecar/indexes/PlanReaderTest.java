package io.pgsidecar.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanReaderTest {

    static List<PlanReader.Access> read(String json) throws Exception {
        return PlanReader.read(new ObjectMapper().readTree(json));
    }

    @Test
    void aSequentialScanGivesItsEqualityRangeAndConstantColumns() throws Exception {
        List<PlanReader.Access> a = read("""
                [{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders", "Schema": "public", "Alias": "o",
                  "Total Cost": 1000.0,
                  "Filter": "((o.deleted_at IS NULL) AND ((o.status)::text = $1) AND (o.created_at > $2) AND o.active AND (o.customer_id = ANY ($3)))"}}]
                """);
        assertThat(a).hasSize(1);
        assertThat(a.get(0).table()).isEqualTo("orders");
        assertThat(a.get(0).equality()).containsExactly("status", "customer_id");
        assertThat(a.get(0).range()).containsExactly("created_at");
        assertThat(a.get(0).constant()).containsExactly(new IndexDefinition.IsNull("deleted_at", false),
                new IndexDefinition.BoolColumn("active", false));
    }

    @Test
    void aSortUnderALimitOverOneTablesScanGivesItsKeys() throws Exception {
        List<PlanReader.Access> a = read("""
                [{"Plan": {"Node Type": "Limit", "Total Cost": 50.0, "Plans": [
                  {"Node Type": "Sort", "Sort Key": ["feed.c DESC"], "Total Cost": 50.0, "Plans": [
                    {"Node Type": "Index Scan", "Relation Name": "feed", "Schema": "public", "Alias": "feed",
                     "Index Name": "feed_a_b", "Total Cost": 40.0,
                     "Index Cond": "((feed.a = $1) AND (feed.b > $2))"}]}]}}]
                """);
        assertThat(a).hasSize(1);
        assertThat(a.get(0).equality()).containsExactly("a");
        assertThat(a.get(0).range()).containsExactly("b");
        assertThat(a.get(0).sort()).containsExactly(new PlanReader.SortKey("c", true));
    }

    @Test
    void anInListOfParametersIsEqualityAndANullsOrderOtherThanTheDefaultIsKept() throws Exception {
        List<String> eq = new ArrayList<>();
        PlanReader.conditions("(t.a = ANY (ARRAY[$1, $2, $3]))", "t", eq, new ArrayList<>(), new ArrayList<>());
        PlanReader.conditions("(t.b = ANY (ARRAY[($4)::text, ($5)::text]))", "t", eq, new ArrayList<>(), new ArrayList<>());
        assertThat(eq).containsExactly("a", "b");
        List<PlanReader.Access> a = read("""
                [{"Plan": {"Node Type": "Limit", "Plans": [
                  {"Node Type": "Sort", "Sort Key": ["t.x DESC NULLS LAST", "t.y NULLS LAST"], "Plans": [
                    {"Node Type": "Seq Scan", "Relation Name": "t", "Schema": "public", "Alias": "t"}]}]}}]
                """);
        assertThat(a.get(0).sort()).containsExactly(new PlanReader.SortKey("x", true, "last"),
                new PlanReader.SortKey("y", false, null));
    }

    @Test
    void orsExpressionsAndOtherTablesAreNotKeys() throws Exception {
        List<String> eq = new ArrayList<>();
        List<String> range = new ArrayList<>();
        List<IndexDefinition.Predicate> constant = new ArrayList<>();
        PlanReader.conditions("((t.a = $1) OR (t.b = $2))", "t", eq, range, constant);
        PlanReader.conditions("(lower(t.email) = $1)", "t", eq, range, constant);
        PlanReader.conditions("(u.id = $1)", "t", eq, range, constant);
        PlanReader.conditions("(t.name <> $1)", "t", eq, range, constant);
        assertThat(eq).isEmpty();
        assertThat(range).isEmpty();
        assertThat(constant).isEmpty();
    }

    @Test
    void aHashJoinNamesTheColumnOfTheScannedInnerSide() throws Exception {
        List<PlanReader.Access> a = read("""
                [{"Plan": {"Node Type": "Hash Join", "Total Cost": 900.0, "Hash Cond": "(l.order_id = o.id)", "Plans": [
                  {"Node Type": "Seq Scan", "Relation Name": "lines", "Schema": "public", "Alias": "l", "Total Cost": 800.0},
                  {"Node Type": "Hash", "Plans": [
                    {"Node Type": "Index Scan", "Relation Name": "orders", "Schema": "public", "Alias": "o",
                     "Total Cost": 8.0, "Index Cond": "(o.id = $1)"}]}]}}]
                """);
        assertThat(a).anySatisfy(x -> {
            assertThat(x.table()).isEqualTo("lines");
            assertThat(x.nodeType()).isEqualTo("Join");
            assertThat(x.equality()).containsExactly("order_id");
        });
    }

    @Test
    void splitsOnlyTopLevelAndsAndKeepsQuotedText() {
        assertThat(PlanReader.splitAnd("(a = 1) AND (b = 'x AND y') AND ((c = 1) AND (d = 2))"))
                .containsExactly("(a = 1)", "(b = 'x AND y')", "((c = 1) AND (d = 2))");
        assertThat(PlanReader.strip("((a = 1))")).isEqualTo("a = 1");
        assertThat(PlanReader.strip("(a = 1) AND (b = 2)")).isEqualTo("(a = 1) AND (b = 2)");
    }
}
