package io.pgsidecar.plans;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shapes leave costs and estimates out; differences are said in words. */
class PlanShapeTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode plan(String json) throws Exception {
        return JSON.readTree("[{\"Plan\": " + json + "}]");
    }

    static final String INDEXED = """
            {"Node Type": "Nested Loop", "Join Type": "Inner", "Total Cost": 12.5, "Plan Rows": 3, "Plans": [
              {"Node Type": "Index Scan", "Index Name": "orders_customer_idx", "Relation Name": "orders",
               "Schema": "public", "Total Cost": 8.1, "Plan Rows": 3},
              {"Node Type": "Index Scan", "Index Name": "customers_pkey", "Relation Name": "customers",
               "Schema": "public", "Total Cost": 0.3}]}""";

    @Test
    void costsAndEstimatesAreNotPartOfTheShape() throws Exception {
        PlanShape a = PlanShape.of(plan(INDEXED));
        PlanShape b = PlanShape.of(plan(INDEXED.replace("12.5", "99.0").replace("\"Plan Rows\": 3", "\"Plan Rows\": 300")));
        assertThat(a.hash()).isEqualTo(b.hash()).hasSize(16);
        assertThat(a.lines()).containsExactly("Nested Loop (Inner)",
                "  Index Scan using orders_customer_idx on public.orders",
                "  Index Scan using customers_pkey on public.customers");
    }

    @Test
    void anIndexDroppedIsSaidAsTheRelationsAccessPathChanging() throws Exception {
        PlanShape before = PlanShape.of(plan(INDEXED));
        PlanShape after = PlanShape.of(plan("""
                {"Node Type": "Hash Join", "Join Type": "Inner", "Plans": [
                  {"Node Type": "Seq Scan", "Relation Name": "orders", "Schema": "public"},
                  {"Node Type": "Hash", "Plans": [
                    {"Node Type": "Seq Scan", "Relation Name": "customers", "Schema": "public"}]}]}"""));
        assertThat(after.hash()).isNotEqualTo(before.hash());
        List<String> d = PlanShape.difference(before.lines(), after.lines());
        assertThat(d).contains("Index Scan using orders_customer_idx on public.orders → Seq Scan on public.orders",
                "Index Scan using customers_pkey on public.customers → Seq Scan on public.customers",
                "Nested Loop (Inner) → Hash Join (Inner) at the top");
        assertThat(PlanShape.difference(before.lines(), before.lines())).isEmpty();
    }

    @Test
    void aBitmapScanNamesItsIndexAndTheJoinOrderIsSaid() throws Exception {
        PlanShape bitmap = PlanShape.of(plan("""
                {"Node Type": "Bitmap Heap Scan", "Relation Name": "orders", "Schema": "public", "Plans": [
                  {"Node Type": "Bitmap Index Scan", "Index Name": "orders_customer_idx"}]}"""));
        PlanShape seq = PlanShape.of(plan("{\"Node Type\": \"Seq Scan\", \"Relation Name\": \"orders\", \"Schema\": \"public\"}"));
        assertThat(PlanShape.difference(bitmap.lines(), seq.lines())).containsExactly(
                "Bitmap Heap Scan using orders_customer_idx on public.orders → Seq Scan on public.orders");
        List<String> ab = List.of("Hash Join (Inner)", "  Seq Scan on a", "  Hash", "    Seq Scan on b");
        List<String> ba = List.of("Hash Join (Inner)", "  Seq Scan on b", "  Hash", "    Seq Scan on a");
        assertThat(PlanShape.difference(ab, ba)).containsExactly("join order a, b → b, a");
    }
}
