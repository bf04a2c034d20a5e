package io.pgsidecar.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /q/metrics} as every kind of client asks for it, checked with the real {@code promtool}.
 * Each scrape and promtool's findings are kept under {@code target/metrics-scrapes/<test>/}.
 */
public final class Scrapes {

    /** What a client sends as its Accept header (null: none). */
    public static final Map<String, String> ACCEPTS = accepts();

    private static final Pattern LABEL = Pattern.compile("[{,]([A-Za-z_][A-Za-z0-9_]*)=\"");

    private Scrapes() {
    }

    private static Map<String, String> accepts() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("none", null);
        m.put("text-0.0.4", "text/plain; version=0.0.4; charset=utf-8");
        m.put("openmetrics-1.0.0", "application/openmetrics-text; version=1.0.0");
        m.put("any", "*/*");
        m.put("prometheus", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        return m;
    }

    /**
     * Every Accept of {@link #ACCEPTS} gets a scrape that promtool parses with no finding on the
     * agent's own families ({@code pgsidecar_}), and every family of it is snake_case with snake_case
     * labels (no {@code m__current{clientName=...}}).
     */
    public static void assertEveryFormatPassesPromtool(String test) throws Exception {
        Path dir = Path.of("target", "metrics-scrapes", test);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> e : ACCEPTS.entrySet()) {
            String as = e.getKey();
            RequestSpecification request = given();
            if (e.getValue() != null) {
                request = request.header("Accept", e.getValue());
            }
            Response r = request.get("/q/metrics");
            assertThat(r.statusCode()).as(as).isEqualTo(200);
            String text = r.asString();
            Files.writeString(dir.resolve(as + ".txt"), text);
            Promtool.Result lint = Promtool.run(List.of("check", "metrics"), text);
            Files.writeString(dir.resolve(as + ".promtool"), lint.output());
            assertThat(lint.output()).as(as + ": promtool parses the scrape").doesNotContain("error while linting");
            assertThat(lint.output().lines().filter(l -> l.startsWith("pgsidecar_")).toList())
                    .as(as + ": promtool's findings on the agent's own families").isEmpty();
            assertThat(text.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.replaceAll("^([^{ ]*).*", "$1")).distinct()
                    .filter(n -> !n.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*")).toList())
                    .as(as + ": families whose name is not snake_case").isEmpty();
            Set<String> camel = new TreeSet<>();
            Matcher label = LABEL.matcher(text);
            while (label.find()) {
                if (!label.group(1).equals(label.group(1).toLowerCase(Locale.ROOT))) {
                    camel.add(label.group(1));
                }
            }
            assertThat(camel).as(as + ": camelCase labels").isEmpty();
        }
    }
}
