package io.pgsidecar.packaging;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Renders the charts as `helm template` does, the example application chart with its dependency. */
final class Charts {

    static final Path CHART = Path.of("helm", "pgsidecar");
    static final Path EXAMPLE = Path.of("helm", "examples", "orders-app");

    private Charts() {
    }

    /** helm template output, split into its YAML documents (raw text, `# Source:` comments kept). */
    static List<String> documents(String rendered) {
        List<String> docs = new ArrayList<>();
        for (String part : ("\n" + rendered).split("\n---\\s*\n")) {
            String d = part.strip();
            if (!d.isEmpty() && d.lines().anyMatch(l -> l.startsWith("kind:"))) {
                docs.add(d);
            }
        }
        return docs;
    }

    static String kindOf(String doc) {
        return doc.lines().filter(l -> l.startsWith("kind:")).findFirst().orElseThrow().substring(5).strip();
    }

    static String renderChart(Path values, String release) {
        var cmd = new Helm(CHART).template().withName(release);
        if (values != null) {
            cmd = cmd.withValuesFile(values);
        }
        return cmd.call();
    }

    /**
     * The example application chart, rendered from a copy in a temporary directory so that
     * `helm dependency build` (which packages helm/pgsidecar into charts/) leaves the tree alone.
     */
    static String renderExample(String release) throws IOException {
        return renderExample(release, null);
    }

    /** The same, as for a cluster of {@code kubeVersion} (null: helm's default), which picks the sidecar form. */
    static String renderExample(String release, String kubeVersion) throws IOException {
        return renderExample(release, kubeVersion, java.util.Map.of());
    }

    /** The same with {@code --set} values. */
    static String renderExample(String release, String kubeVersion, java.util.Map<String, String> sets)
            throws IOException {
        Path tmp = Files.createTempDirectory("pgsidecar-charts");
        try {
            copy(CHART, tmp.resolve("helm/pgsidecar"));
            Path app = tmp.resolve("helm/examples/orders-app");
            copy(EXAMPLE, app);
            deleteTree(app.resolve("charts"));
            Files.deleteIfExists(app.resolve("Chart.lock"));
            new Helm(app).dependency().build().call();
            var template = new Helm(app).template().withName(release);
            if (kubeVersion != null) {
                template = template.withKubeVersion(kubeVersion);
            }
            for (var e : sets.entrySet()) {
                template = template.set(e.getKey(), e.getValue());
            }
            return template.call();
        } finally {
            deleteTree(tmp);
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
