package io.pgsidecar.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Helm chart lints, renders for the defaults and every ci/*-values.yaml, and renders safely. */
class HelmChartTest {

    static final Path CHART = Path.of("helm", "pgsidecar");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<JsonNode> render(Path values, String... sets) throws Exception {
        var cmd = new Helm(CHART).template().withName("orders");
        if (values != null) {
            cmd = cmd.withValuesFile(values);
        }
        for (int i = 0; i < sets.length; i += 2) {
            cmd = cmd.set(sets[i], sets[i + 1]);
        }
        String out = cmd.call();
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser p = new YAMLFactory().createParser(out)) {
            var it = YAML.readValues(p, JsonNode.class);
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isEmpty()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    static JsonNode kind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    @Test
    void lints() {
        LintResult r = new Helm(CHART).lint().strict().call();
        assertThat(r.isFailed()).as(String.join("\n", r.getMessages())).isFalse();
    }

    @Test
    void rendersForTheDefaultsAndEveryCiValuesFile() throws Exception {
        assertThat(render(null)).extracting(d -> d.path("kind").asText())
                .contains("ConfigMap", "Deployment", "Service")
                .doesNotContain("ServiceMonitor", "PodMonitor", "PrometheusRule");
        try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
            for (Path f : files.filter(p -> p.toString().endsWith("-values.yaml")).toList()) {
                assertThat(render(f)).as(f.toString()).isNotEmpty();
            }
        }
    }

    @Test
    void theContainerHasProbesPortSecureDefaultsAndSecretsAsFiles() throws Exception {
        List<JsonNode> docs = render(CHART.resolve("ci/standalone-values.yaml"));
        JsonNode pod = kind(docs, "Deployment").path("spec").path("template");
        assertThat(pod.path("metadata").path("annotations").path("checksum/config").asText()).hasSize(64);
        JsonNode spec = pod.path("spec");
        assertThat(spec.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        JsonNode c = spec.path("containers").get(0);
        assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(9188);
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/started");
        JsonNode sc = c.path("securityContext");
        assertThat(sc.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(sc.path("capabilities").path("drop").get(0).asText()).isEqualTo("ALL");
        assertThat(sc.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        assertThat(c.path("resources").path("limits").path("memory").asText()).isNotEmpty();
        String env = c.path("env").toString();
        assertThat(env).contains("DATABASE_PASSWORD_FILE").contains("PGSIDECAR_ADMIN_TOKEN_FILE")
                .contains("postgresql://monitor@db.example.svc:5432/app?sslmode=require");
        assertThat(spec.path("volumes").toString()).contains("\"secretName\":\"app-db\"")
                .contains("\"secretName\":\"pgsidecar-admin\"");
        assertThat(c.path("volumeMounts").toString()).contains("/tmp");
    }

    @Test
    void anExistingSecretIsReferencedNeverCopied() throws Exception {
        JsonNode c = kind(render(CHART.resolve("ci/existing-secret-values.yaml")), "Deployment")
                .path("spec").path("template").path("spec").path("containers").get(0);
        JsonNode url = null;
        for (JsonNode e : c.path("env")) {
            if (e.path("name").asText().equals("DATABASE_URL")) {
                url = e;
            }
        }
        assertThat(url).isNotNull();
        assertThat(url.path("valueFrom").path("secretKeyRef").path("name").asText()).isEqualTo("app-database-url");
        assertThat(url.has("value")).isFalse();
    }

    @Test
    void replicasGetPasswordFilesNotPasswords() throws Exception {
        JsonNode c = kind(render(CHART.resolve("ci/replicas-values.yaml")), "Deployment")
                .path("spec").path("template").path("spec").path("containers").get(0);
        String replicas = null;
        for (JsonNode e : c.path("env")) {
            if (e.path("name").asText().equals("READ_REPLICAS")) {
                replicas = e.path("value").asText();
            }
        }
        JsonNode list = new ObjectMapper().readTree(replicas);
        assertThat(list.get(0).path("name").asText()).isEqualTo("replica-a");
        assertThat(list.get(0).path("url").asText()).isEqualTo("postgresql://monitor@db-replica-a.example.svc:5432/app");
        assertThat(list.get(0).path("password_file").asText()).isEqualTo("/etc/pgsidecar/replicas/replica-a/password");
        assertThat(list.get(0).path("weight").asInt()).isEqualTo(2);
    }

    @Test
    void monitorsAreOffByDefaultAndRenderWhenAsked() throws Exception {
        List<JsonNode> docs = render(CHART.resolve("ci/monitors-values.yaml"));
        assertThat(kind(docs, "ServiceMonitor").path("spec").path("endpoints").get(0).path("path").asText())
                .isEqualTo("/q/metrics");
        assertThat(kind(docs, "PodMonitor").path("metadata").path("labels").toString()).contains("app.kubernetes.io/name");
        assertThat(kind(docs, "ServiceMonitor").path("metadata").path("labels").path("release").asText())
                .isEqualTo("prometheus");
    }

    @Test
    void asADependencyForASidecarItRendersNoDeploymentButWhatTheSidecarNeeds() throws Exception {
        List<JsonNode> docs = render(CHART.resolve("ci/sidecar-values.yaml"));
        assertThat(docs).extracting(d -> d.path("kind").asText())
                .containsExactlyInAnyOrder("ConfigMap", "Service", "ServiceMonitor", "PrometheusRule");
        assertThat(kind(docs, "Service").path("spec").path("selector").path("app.kubernetes.io/name").asText())
                .isEqualTo("orders-app");
    }

    @Test
    void thePrometheusRuleAssemblesTheOneFilePerAlertRules() throws Exception {
        List<JsonNode> docs = render(CHART.resolve("ci/prometheusrule-values.yaml"));
        JsonNode rule = kind(docs, "PrometheusRule");
        assertThat(rule.path("metadata").path("labels").path("release").asText()).isEqualTo("kube-prometheus-stack");
        List<String> files;
        try (Stream<Path> s = Files.list(CHART.resolve("prometheus_rules"))) {
            files = s.map(f -> f.getFileName().toString().replace(".yaml", "")).sorted().toList();
        }
        List<String> alerts = new ArrayList<>();
        for (JsonNode g : rule.path("spec").path("groups")) {
            for (JsonNode r : g.path("rules")) {
                String name = r.path("alert").asText();
                if (!alerts.contains(name)) {
                    alerts.add(name);
                }
                JsonNode file = YAML.readTree(CHART.resolve("prometheus_rules/" + name + ".yaml").toFile());
                List<String> exprs = new ArrayList<>();
                file.path("groups").get(0).path("rules").forEach(x -> exprs.add(x.path("expr").asText()));
                assertThat(r.path("expr").asText()).as(name).isIn(exprs);
                assertThat(r.path("annotations").path("runbook_url").asText())
                        .isEqualTo("https://github.com/pgsidecar/pgsidecar/blob/main/docs/runbooks/" + name + ".md");
                assertThat(r.path("labels").path("severity").asText()).isIn("warning", "critical");
            }
        }
        List<String> expected = new ArrayList<>(files);
        expected.remove("CacheHitRatioLow");
        assertThat(alerts).containsExactlyInAnyOrderElementsOf(expected);

        JsonNode env = kind(docs, "Deployment").path("spec").path("template").path("spec").path("containers").get(0)
                .path("env");
        String e = env.toString();
        assertThat(e).contains("PGSIDECAR_ALERTS_NOTIFICATIONS_ALERTMANAGER_URLS")
                .contains("http://alertmanager-operated.monitoring:9093")
                .contains("\"name\":\"PGSIDECAR_ALERTS_RULES_SLOWQUERY_WARNING\",\"value\":\"2\"")
                .contains("\"name\":\"PGSIDECAR_ALERTS_RULES_LONGRUNNINGTRANSACTION_ENABLED\",\"value\":\"false\"")
                .contains("\"name\":\"PGSIDECAR_ALERTS_RULES_LONGRUNNINGTRANSACTION_FOR\",\"value\":\"10m\"")
                .contains("\"secretKeyRef\":{\"name\":\"pgsidecar-webhook\",\"key\":\"hmac\"}");
    }

    /** Keys of values.yaml that carry a "# --" comment, as dotted paths. */
    static List<String> documentedValues() throws Exception {
        List<String> keys = new ArrayList<>();
        List<int[]> indents = new ArrayList<>();
        List<String> path = new ArrayList<>();
        boolean documented = false;
        java.util.regex.Pattern key = java.util.regex.Pattern.compile("^(\\s*)([A-Za-z0-9_]+):.*");
        for (String line : Files.readAllLines(CHART.resolve("values.yaml"))) {
            if (line.strip().startsWith("# --")) {
                documented = true;
                continue;
            }
            if (line.strip().startsWith("#")) {
                continue;
            }
            java.util.regex.Matcher m = key.matcher(line);
            if (!m.matches()) {
                documented = false;
                continue;
            }
            int indent = m.group(1).length();
            while (!indents.isEmpty() && indents.get(indents.size() - 1)[0] >= indent) {
                indents.remove(indents.size() - 1);
                path.remove(path.size() - 1);
            }
            indents.add(new int[] {indent});
            path.add(m.group(2));
            if (documented) {
                keys.add(String.join(".", path));
            }
            documented = false;
        }
        return keys;
    }

    @Test
    void theChartReadmeListsEveryDocumentedValueAndThePortForwardRecipe() throws Exception {
        String readme = Files.readString(CHART.resolve("README.md"));
        List<String> keys = documentedValues();
        assertThat(keys).contains("alerts.alertmanagerUrls", "prometheusRule.enabled", "database.passwordSecret");
        assertThat(keys.stream().filter(k -> !readme.contains("`" + k + "`")).toList())
                .as("values missing from helm/pgsidecar/README.md").isEmpty();
        assertThat(readme).contains("kubectl port-forward").contains("Authorization: Bearer");
    }

    @Test
    void conflictingValuesFailWithAClearMessage() {
        assertThatThrownBy(() -> render(CHART.resolve("ci/standalone-values.yaml"), "database.password", "inline"))
                .hasMessageContaining("database.password conflicts with database.passwordSecret");
        assertThatThrownBy(() -> render(CHART.resolve("ci/existing-secret-values.yaml"),
                "database.passwordSecret.name", "x"))
                .hasMessageContaining("conflicts with database.passwordSecret");
    }

    @Test
    void theSchemaRejectsWrongTypes() {
        assertThatThrownBy(() -> render(null, "port", "lots")).hasMessageContaining("port");
        assertThatThrownBy(() -> render(null, "standalone.enabled", "maybe")).hasMessageContaining("enabled");
        assertThatThrownBy(() -> render(null, "alerts.alertmanagerUrls[0]", "alertmanager:9093"))
                .hasMessageContaining("alertmanagerUrls");
        assertThatThrownBy(() -> render(null, "alerts.rules.SlowQuery.warning", "high")).hasMessageContaining("warning");
    }
}
