package io.pgsidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the status page draws and writes from the API's numbers and plan nodes. */
class PageViewTest {

    /** Two intervals of "0.02 ms to 0.02 ms" are a flat line, not a slope over the whole height. */
    @Test
    void aPlanChangeIsAVerticalLineAtItsPointAndAStackedChartStacksItsClasses() {
        String svg = PageView.sparkline(List.of(1.0, 1.0, 9.0, 9.0, 9.0), "mean time per interval", List.of(2, 99));
        assertThat(svg).contains("<line x1=\"120.0\"").contains("plan changed");
        assertThat(svg.split("<line ", -1)).as("a mark outside the points is not drawn").hasSize(2);
        String stacked = PageView.stackedChart(List.of("CPU", "Lock"), List.of(java.util.Map.of("CPU", 1.0, "Lock", 3.0),
                java.util.Map.of("CPU", 2.0)), "sessions <script>");
        assertThat(stacked).contains("<svg class=\"stack\"").contains("CPU 1.00").contains("Lock 3.00")
                .doesNotContain("<script>");
        assertThat(PageView.stackedChart(List.of("CPU"), List.of(), "x")).isNull();
    }

    @Test
    void aSparklineDoesNotMagnifyATinyDifference() {
        List<Double> y = heights(PageView.sparkline(List.of(0.0201, 0.0203), "mean time per interval"));
        assertThat(y).hasSize(2);
        assertThat(Math.abs(y.get(0) - y.get(1))).as("drop in pixels of a 1 %% change (height 40)").isLessThan(1.0);
    }

    /** A real change still shows, in proportion: doubling from 10 to 20 goes from half height to the top. */
    @Test
    void aSparklineShowsARealChangeInProportion() {
        List<Double> y = heights(PageView.sparkline(List.of(10.0, 20.0, 0.0), "calls per interval"));
        assertThat(y.get(1)).isEqualTo(2.0);
        assertThat(y.get(0)).isEqualTo(20.0);
        assertThat(y.get(2)).as("zero on the baseline").isEqualTo(38.0);
        assertThat(heights(PageView.sparkline(List.of(0.0, 0.0), "x"))).containsExactly(38.0, 38.0);
        assertThat(PageView.sparkline(List.of(1.0), "x")).isNull();
    }

    @Test
    void planNodesNameTheIndexTheyUse() throws Exception {
        var nodes = new ObjectMapper().readTree("""
                [{"node_type":"Index Scan","relation":"demo_orders","index_name":"demo_orders_pkey","total_cost":8.3,"plan_rows":1,"depth":0},
                 {"node_type":"Bitmap Heap Scan","relation":"demo_orders","total_cost":4,"plan_rows":5,"depth":0},
                 {"node_type":"Bitmap Index Scan","index_name":"demo_orders_customer_idx","total_cost":2,"plan_rows":5,"depth":1},
                 {"node_type":"ModifyTable","operation":"Insert","relation":"demo_orders","total_cost":0.01,"plan_rows":0,"depth":0},
                 {"node_type":"Seq Scan","relation":"demo_orders","total_cost":35.5,"plan_rows":2550,"depth":1},
                 {"node_type":"Hash Join","total_cost":70,"plan_rows":10,"depth":0}]
                """);
        assertThat(PageView.planTree(nodes).lines().toList()).containsExactly(
                "Index Scan using demo_orders_pkey on demo_orders  (cost 8.3, rows 1)",
                "Bitmap Heap Scan on demo_orders  (cost 4, rows 5)",
                "  Bitmap Index Scan on demo_orders_customer_idx  (cost 2, rows 5)",
                "Insert on demo_orders  (cost 0.01, rows 0)",
                "  Seq Scan on demo_orders  (cost 35.5, rows 2550)",
                "Hash Join  (cost 70, rows 10)");
    }

    private static List<Double> heights(String svg) {
        Matcher points = Pattern.compile("points=\"([^\"]*)\"").matcher(svg);
        assertThat(points.find()).isTrue();
        List<Double> y = new ArrayList<>();
        for (String p : points.group(1).split(" ")) {
            y.add(Double.parseDouble(p.split(",")[1]));
        }
        return y;
    }
}
