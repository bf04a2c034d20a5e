package io.pgsidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the status page draws from the API's numbers. */
class PageViewTest {

    /** Two intervals of "0.02 ms to 0.02 ms" are a flat line, not a slope over the whole height. */
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
