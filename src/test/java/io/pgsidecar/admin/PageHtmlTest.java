package io.pgsidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.admin.PageView.Cell;
import io.pgsidecar.admin.PageView.Figure;
import io.pgsidecar.admin.PageView.Row;
import io.pgsidecar.admin.PageView.Section;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The status page's HTML escapes every text it is given, wherever it goes, and lays out what it should. */
class PageHtmlTest {

    /** Text as hostile as a statement's query text or a label can be. */
    private static final String EVIL = "<script>alert('x')</script>\" onmouseover=\"x\" &amp;";
    private static final String ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; onmouseover=&quot;x&quot; &amp;amp;";

    @Test
    void everyTextIsEscapedInContentAndAttributes() {
        Section s = new Section(EVIL, EVIL, List.of(new Figure(EVIL, EVIL, EVIL)), List.of(EVIL),
                List.of(new Row(List.of(new Cell(EVIL, EVIL, EVIL, EVIL), new Cell(EVIL, null, null, null)))), EVIL, null);
        String html = PageHtml.page(new PageView(EVIL, "alerts", EVIL, EVIL, true, List.of(s), true, true, List.of(EVIL)));

        assertThat(html).doesNotContain("<script").doesNotContain("onmouseover=\"");
        // title, h1, message, section title, note, figure label/value/class, header, two cells (text,
        // href, title, class), the pre text, three csrf fields and a task option
        assertThat(count(html, ESCAPED)).isEqualTo(19);
        assertThat(html).contains("<a href=\"/ui/alerts\" class=\"on\">Alerts</a>")
                .contains("<a href=\"/\">Overview</a>")
                .contains("<p class=\"message error\" id=\"message\">");
        assertThat(PageHtml.login(EVIL)).doesNotContain("<script").contains(ESCAPED);
    }

    @Test
    void emptyPartsAreLeftOutAndTheSparklineIsKept() {
        String svg = "<svg viewBox=\"0 0 10 10\"><path d=\"M0 0L10 10\"/></svg>";
        Section chart = new Section("Calls", null, List.of(), List.of(), List.of(), null, svg);
        Section empty = new Section("Nothing", "", List.of(), List.of(), List.of(), "", null);
        String html = PageHtml.page(new PageView("Overview", "overview", "c", null, false, List.of(chart, empty),
                false, false, List.of()));
        assertThat(html).contains("<div class=\"chart\">" + svg + "</div>")
                .doesNotContain("<p class=\"note\">").doesNotContain("<table>").doesNotContain("<dl")
                .doesNotContain("<pre>").doesNotContain("id=\"message\"").doesNotContain("silence-form")
                .doesNotContain("task-form").contains("<title>Overview · pgsidecar</title>");
        assertThat(PageHtml.login(null)).doesNotContain("id=\"message\"").contains("id=\"login-form\"");
    }

    @Test
    void escapeLeavesPlainTextAlone() {
        assertThat(PageHtml.esc("SELECT 1")).isEqualTo("SELECT 1");
        assertThat(PageHtml.esc(null)).isEmpty();
        assertThat(PageHtml.esc("a<b & 'c'")).isEqualTo("a&lt;b &amp; &#39;c&#39;");
    }

    private static int count(String s, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
