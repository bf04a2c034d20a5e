package io.pgsidecar.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pgsidecar.testing.Promtool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus rules shipped in the chart: valid for promtool, unit-tested with series for each
 * alert, one file per alert, each with its runbook.
 */
class PromtoolRulesTest {

    static final Path RULES = Path.of("helm/pgsidecar/prometheus_rules");
    static final Path TESTS = Path.of("src/test/resources/promtool/rules_test.yaml");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static String promtool() {
        return Promtool.path();
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    static List<Path> ruleFiles() throws IOException {
        try (Stream<Path> files = Files.list(RULES)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** Alert name → severities, read from the rule files. */
    static Map<String, TreeSet<String>> alertsInRuleFiles() throws IOException {
        Map<String, TreeSet<String>> out = new TreeMap<>();
        for (Path f : ruleFiles()) {
            JsonNode doc = YAML.readTree(f.toFile());
            assertThat(doc.path("groups")).as(f + " groups").hasSize(1);
            for (JsonNode rule : doc.path("groups").get(0).path("rules")) {
                String name = rule.path("alert").asText();
                assertThat(f.getFileName().toString()).as("one file per alert").isEqualTo(name + ".yaml");
                out.computeIfAbsent(name, k -> new TreeSet<>()).add(rule.path("labels").path("severity").asText());
                assertThat(rule.path("annotations").path("runbook_url").asText()).endsWith("/docs/runbooks/" + name + ".md");
            }
        }
        return out;
    }

    @Test
    void promtoolAcceptsEveryRuleFile() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(promtool(), "check", "rules"));
        ruleFiles().forEach(f -> cmd.add(f.toString()));
        String out = run(cmd);
        assertThat(out).doesNotContain("FAILED");
    }

    @Test
    void promtoolUnitTestsPassForEveryAlert() throws Exception {
        String out = run(List.of(promtool(), "test", "rules", TESTS.toString()));
        assertThat(out).contains("SUCCESS");
        JsonNode tests = YAML.readTree(TESTS.toFile());
        TreeSet<String> tested = new TreeSet<>();
        for (JsonNode group : tests.path("tests")) {
            for (JsonNode art : group.path("alert_rule_test")) {
                if (art.path("exp_alerts").size() > 0) {
                    tested.add(art.path("alertname").asText());
                }
            }
        }
        assertThat(tested).as("alerts with a unit test that fires them")
                .containsExactlyElementsOf(alertsInRuleFiles().keySet());
        assertThat(tests.path("rule_files")).hasSize(ruleFiles().size());
    }

    @Test
    void everyAlertHasARunbookWithTheFourSections() throws Exception {
        for (String alert : alertsInRuleFiles().keySet()) {
            Path runbook = Path.of("docs/runbooks", alert + ".md");
            assertThat(runbook).as("runbook of " + alert).exists();
            String text = Files.readString(runbook);
            assertThat(text).as(runbook.toString()).contains("# " + alert).contains("## Meaning").contains("## Impact")
                    .contains("## Diagnosis").contains("## Mitigation");
        }
    }
}
