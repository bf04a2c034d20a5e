package io.pgsidecar.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every document the charts render is read into fabric8's typed Kubernetes model; a field the
 * model does not know (a typo, a wrong nesting) fails the test instead of being ignored by the
 * API server later.
 */
class KubernetesModelTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Map<String, Class<?>> KINDS = Map.of(
            "ConfigMap", ConfigMap.class, "Service", Service.class, "Secret", Secret.class,
            "Deployment", Deployment.class, "ServiceMonitor", ServiceMonitor.class, "PodMonitor", PodMonitor.class,
            "PrometheusRule", PrometheusRule.class);

    /** Source name → its rendered documents. */
    static Map<String, List<String>> everyRendering() throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put("defaults", Charts.documents(Charts.renderChart(null, "orders")));
        try (Stream<Path> files = Files.list(Charts.CHART.resolve("ci"))) {
            for (Path f : files.filter(p -> p.toString().endsWith("-values.yaml")).sorted().toList()) {
                out.put(f.toString(), Charts.documents(Charts.renderChart(f, "orders")));
            }
        }
        out.put("helm/examples/orders-app", Charts.documents(Charts.renderExample("orders")));
        return out;
    }

    static <T> T typed(String doc, Class<T> type) throws Exception {
        JsonNode tree = YAML.readTree(doc);
        T value = YAML.treeToValue(tree, type);
        List<String> unknown = new ArrayList<>();
        unknownFields(value, tree.path("kind").asText(), unknown);
        assertThat(unknown).as("fields the Kubernetes model does not know in\n" + doc).isEmpty();
        return value;
    }

    /** fabric8 keeps fields it does not know in additionalProperties; any there is a mistake. */
    static void unknownFields(Object o, String path, List<String> out) throws IllegalAccessException {
        if (o == null) {
            return;
        }
        if (o instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownFields(list.get(i), path + "[" + i + "]", out);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Object v = f.get(o);
                if (f.getName().equals("additionalProperties")) {
                    if (v instanceof Map<?, ?> m && !m.isEmpty()) {
                        out.add(path + ": " + m.keySet());
                    }
                } else {
                    unknownFields(v, path + "." + f.getName(), out);
                }
            }
        }
    }

    @Test
    void everyRenderedDocumentFitsTheTypedModel() throws Exception {
        for (Map.Entry<String, List<String>> r : everyRendering().entrySet()) {
            assertThat(r.getValue()).as(r.getKey()).isNotEmpty();
            for (String doc : r.getValue()) {
                String kind = Charts.kindOf(doc);
                assertThat(KINDS).as(r.getKey() + ": a kind this test knows").containsKey(kind);
                typed(doc, KINDS.get(kind));
            }
        }
    }

    @Test
    void aMisspelledFieldIsCaught() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> typed(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selectr:\n    app: y\n", Service.class))
                .hasMessageContaining("selectr");
        String probeTypo = String.join("\n", "apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: x",
                "spec:", "  template:", "    spec:", "      containers:", "        - name: c",
                "          readinessProbe:", "            httpGet:", "              pth: /q/health/ready", "");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> typed(probeTypo, Deployment.class))
                .hasMessageContaining("pth");
    }

    static Deployment deployment(List<String> docs) throws Exception {
        return typed(docs.stream().filter(d -> Charts.kindOf(d).equals("Deployment")).findFirst().orElseThrow(),
                Deployment.class);
    }

    /** The agent: a regular container (older clusters) or an init container that keeps running (1.29+). */
    static Container sidecar(PodSpec pod) {
        return java.util.stream.Stream.concat(pod.getContainers().stream(),
                pod.getInitContainers() == null ? java.util.stream.Stream.empty() : pod.getInitContainers().stream())
                .filter(c -> c.getName().equals("pgsidecar")).findFirst().orElseThrow();
    }

    /** Probes that may read the database: the agent's readiness endpoint. */
    static final String READS_THE_DATABASE = "/q/health/ready";

    /**
     * On 1.29+ the agent is a native sidecar: an init container with restartPolicy Always and no
     * readiness probe (its readiness would count for the pod); before that a container whose readiness
     * only says it serves HTTP. Either way no probe of the agent reads the database, the application's
     * container neither probes the agent nor shares its process namespace, so an agent that fails or
     * crashes is restarted alone and the application keeps its place in the Service.
     */
    @Test
    void theSidecarFormFollowsTheClusterAndTheApplicationNeverPaysForTheAgent() throws Exception {
        for (String kube : List.of("1.28.0", "1.29.0", "1.31.2")) {
            PodSpec pod = deployment(Charts.documents(Charts.renderExample("orders", kube))).getSpec().getTemplate()
                    .getSpec();
            boolean nativeForm = !kube.startsWith("1.28");
            Container agent = sidecar(pod);
            if (nativeForm) {
                assertThat(pod.getContainers()).as(kube).extracting(Container::getName).containsExactly("orders");
                assertThat(pod.getInitContainers()).as(kube).extracting(Container::getName).containsExactly("pgsidecar");
                assertThat(agent.getRestartPolicy()).as(kube).isEqualTo("Always");
                assertThat(agent.getReadinessProbe()).as(kube + ": a native sidecar's readiness counts for the pod")
                        .isNull();
                assertThat(agent.getStartupProbe()).as(kube + ": a native sidecar's startup probe holds the "
                        + "application back").isNull();
            } else {
                assertThat(pod.getContainers()).as(kube).extracting(Container::getName).containsExactly("orders",
                        "pgsidecar");
                assertThat(pod.getInitContainers()).as(kube).isNullOrEmpty();
                assertThat(agent.getReadinessProbe().getHttpGet().getPath()).as(kube).isEqualTo("/q/health/started");
                assertThat(agent.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
            }
            assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            for (var probe : java.util.Arrays.asList(agent.getStartupProbe(), agent.getLivenessProbe(),
                    agent.getReadinessProbe())) {
                if (probe != null) {
                    assertThat(probe.getHttpGet().getPath()).as(kube + ": no probe of the agent reads the database")
                            .isNotEqualTo(READS_THE_DATABASE);
                }
            }
            Container app = pod.getContainers().stream().filter(c -> c.getName().equals("orders")).findFirst()
                    .orElseThrow();
            for (var probe : java.util.Arrays.asList(app.getStartupProbe(), app.getLivenessProbe(),
                    app.getReadinessProbe())) {
                if (probe != null && probe.getHttpGet() != null) {
                    assertThat(probe.getHttpGet().getPort().toString()).doesNotContain("pgsidecar", "9188");
                }
            }
            assertThat(pod.getShareProcessNamespace()).as("the agent cannot signal the application's processes")
                    .isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getRestartPolicy()).isIn(null, "Always");
        }
        // the form can be set whatever the cluster says
        PodSpec forced = deployment(Charts.documents(Charts.renderExample("orders", "1.31.0",
                Map.of("pgsidecar.sidecar.mode", "container")))).getSpec().getTemplate().getSpec();
        assertThat(forced.getContainers()).extracting(Container::getName).containsExactly("orders", "pgsidecar");
        assertThat(forced.getInitContainers()).isNullOrEmpty();
        // waitForAgent: the application starts once the agent serves HTTP (a startup probe, never the database)
        Container waited = sidecar(deployment(Charts.documents(Charts.renderExample("orders", "1.31.0",
                Map.of("pgsidecar.sidecar.waitForAgent", "true")))).getSpec().getTemplate().getSpec());
        assertThat(waited.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
    }

    @Test
    void theSidecarInTheExampleAppHasProbesPortsSecretsAndSecureDefaults() throws Exception {
        List<String> docs = Charts.documents(Charts.renderExample("orders", "1.28.0"));
        PodSpec pod = deployment(docs).getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("orders", "pgsidecar");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        Container c = sidecar(pod);
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("pgsidecar");
        assertThat(c.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("pgsidecar");
            assertThat(p.getContainerPort()).isEqualTo(9188);
        });
        // the acting login: a URL without a password, its password a file from its own Secret
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("PGSIDECAR_ACTING_DATABASE_URL");
            assertThat(e.getValue()).isEqualTo("postgresql://pgsidecar_actor@orders-db:5432/orders");
        });
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("PGSIDECAR_ACTING_PASSWORD_FILE");
            assertThat(e.getValue()).isEqualTo("/etc/pgsidecar/acting/password");
        });
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("pgsidecar-acting");
            assertThat(v.getSecret().getItems()).singleElement().satisfies(i ->
                    assertThat(i.getKey()).isEqualTo("acting-password"));
        });
        var sc = c.getSecurityContext();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(c.getResources().getLimits()).containsKey("memory");
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        // secrets arrive as files from Secret volumes, never as literal values
        assertThat(c.getEnv()).noneMatch(e -> e.getName().contains("PASSWORD") && e.getValue() != null
                && !e.getValue().startsWith("/"));
        assertThat(pod.getVolumes()).extracting(Volume::getSecret).filteredOn(s -> s != null)
                .extracting(s -> s.getSecretName()).contains("orders-pgsidecar");
        assertThat(c.getEnvFrom()).singleElement().satisfies(e ->
                assertThat(e.getConfigMapRef().getName()).isEqualTo("orders-pgsidecar"));
        // the agent's Service selects the application's pods
        Service svc = typed(docs.stream().filter(d -> Charts.kindOf(d).equals("Service") && d.contains("9188"))
                .findFirst().orElseThrow(), Service.class);
        assertThat(svc.getSpec().getSelector()).containsEntry("app.kubernetes.io/name", "orders-app");
        ServiceMonitor sm = typed(docs.stream().filter(d -> Charts.kindOf(d).equals("ServiceMonitor"))
                .findFirst().orElseThrow(), ServiceMonitor.class);
        assertThat(sm.getSpec().getSelector().getMatchLabels()).isEqualTo(svc.getMetadata().getLabels().entrySet()
                .stream().filter(e -> sm.getSpec().getSelector().getMatchLabels().containsKey(e.getKey()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThat(sm.getSpec().getEndpoints()).singleElement().satisfies(e -> {
            assertThat(e.getPort()).isEqualTo("pgsidecar");
            assertThat(e.getPath()).isEqualTo("/q/metrics");
        });
    }
}
