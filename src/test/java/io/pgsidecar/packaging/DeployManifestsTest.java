package io.pgsidecar.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/ holds plain manifests rendered from the charts, for people without Helm. This renders
 * them again and fails when the committed files drift; {@code -Ddeploy.regenerate=true} rewrites them.
 */
class DeployManifestsTest {

    static final Path DEPLOY = Path.of("deploy", "kubernetes");
    static final String REGENERATE = "./mvnw -B test -Dtest=DeployManifestsTest -Ddeploy.regenerate=true";

    /** File name → the kinds it holds, from the example application chart (release "orders"). */
    static final Map<String, List<String>> EXAMPLE_FILES = new LinkedHashMap<>();
    /** The cluster version the example manifests are rendered for: native sidecars (1.29+). */
    static final String KUBE_VERSION = "1.33.0";

    static {
        EXAMPLE_FILES.put("orders-app-with-sidecar.yaml", List.of("ConfigMap", "Service", "Deployment"));
        EXAMPLE_FILES.put("secret.example.yaml", List.of("Secret"));
        EXAMPLE_FILES.put("servicemonitor.yaml", List.of("ServiceMonitor"));
        EXAMPLE_FILES.put("prometheusrule.yaml", List.of("PrometheusRule"));
    }

    static String banner(String source) {
        return "# GENERATED from " + source + " by DeployManifestsTest: do not edit by hand.\n"
                + "# Regenerate: " + REGENERATE + "\n";
    }

    static Map<String, String> expected() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        // for a current cluster: the agent as a native sidecar (the chart picks the form by itself)
        List<String> example = Charts.documents(Charts.renderExample("orders", KUBE_VERSION));
        for (Map.Entry<String, List<String>> f : EXAMPLE_FILES.entrySet()) {
            List<String> docs = new ArrayList<>();
            for (String kind : f.getValue()) {
                example.stream().filter(d -> Charts.kindOf(d).equals(kind)).forEach(docs::add);
            }
            files.put(f.getKey(), banner("helm/examples/orders-app (helm template orders --kube-version "
                    + KUBE_VERSION + ")") + "---\n"
                    + String.join("\n---\n", docs) + "\n");
        }
        List<String> standalone = Charts.documents(
                Charts.renderChart(Charts.CHART.resolve("ci/standalone-values.yaml"), "orders-agent"));
        files.put("standalone.yaml", banner("helm/pgsidecar with ci/standalone-values.yaml (helm template orders-agent)")
                + "---\n" + String.join("\n---\n", standalone) + "\n");
        return files;
    }

    @Test
    void committedManifestsMatchTheCharts() throws Exception {
        Map<String, String> expected = expected();
        if (Boolean.getBoolean("deploy.regenerate")) {
            Files.createDirectories(DEPLOY);
            for (Map.Entry<String, String> e : expected.entrySet()) {
                Files.writeString(DEPLOY.resolve(e.getKey()), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path f = DEPLOY.resolve(e.getKey());
            assertThat(f).as("run " + REGENERATE).exists();
            assertThat(Files.readString(f)).as(f + " drifted from the chart; run " + REGENERATE)
                    .isEqualTo(e.getValue());
        }
        try (Stream<Path> files = Files.list(DEPLOY)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .as("files in deploy/kubernetes not generated here").containsExactlyInAnyOrderElementsOf(expected.keySet());
        }
    }

    @Test
    void everyExampleKindLandsInAFile() throws Exception {
        List<String> kinds = Charts.documents(Charts.renderExample("orders")).stream().map(Charts::kindOf).toList();
        List<String> filed = EXAMPLE_FILES.values().stream().flatMap(List::stream).toList();
        assertThat(filed).containsAll(kinds);
    }
}
