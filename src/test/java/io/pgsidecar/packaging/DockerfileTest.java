package io.pgsidecar.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the Dockerfiles without a Docker engine (none runs on the machines this
 * project is built on): stages, builder image, the runtime user, port and entrypoint.
 */
class DockerfileTest {

    record Stage(String from, List<String> lines) {
    }

    static List<Stage> stages(String file) throws Exception {
        List<Stage> out = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        for (String raw : Files.readAllLines(Path.of(file))) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                logical.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            logical.append(line);
            String instr = logical.toString();
            logical.setLength(0);
            if (instr.startsWith("FROM ")) {
                out.add(new Stage(instr.substring(5).strip(), new ArrayList<>()));
            } else if (out.isEmpty()) {
                continue; // an ARG before the first FROM: the stages' images, checked by reading the file
            } else {
                out.get(out.size() - 1).lines().add(instr);
            }
        }
        return out;
    }

    @Test
    void nativeIsMultiStageWithTheMandrelBuilderAndANonRootMicroRuntime() throws Exception {
        List<Stage> s = stages("Dockerfile.native");
        assertThat(s).hasSize(2);
        assertThat(s.get(0).from()).startsWith("quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25")
                .endsWith(" AS build");
        assertThat(s.get(0).lines()).anySatisfy(l -> assertThat(l).startsWith("RUN ./mvnw").contains("-Dnative"));
        Stage runtime = s.get(1);
        assertThat(runtime.from()).startsWith("quay.io/quarkus/ubi9-quarkus-micro-image:");
        assertThat(runtime.lines()).anySatisfy(l -> assertThat(l).startsWith("COPY --from=build"));
        assertThat(runtime.lines()).contains("EXPOSE 9188");
        String user = last(runtime, "USER ");
        assertThat(user).as("numeric, non-root").matches("USER [1-9][0-9]*");
        assertThat(last(runtime, "ENTRYPOINT ")).contains("-Dquarkus.http.host=0.0.0.0")
                .contains("-Dvertx.disableFileCPResolving=true");
        int userAt = runtime.lines().indexOf(user);
        assertThat(runtime.lines().subList(userAt, runtime.lines().size()))
                .as("nothing runs as root after USER").noneMatch(l -> l.startsWith("RUN "));
    }

    @Test
    void jvmImageTrainsItsAotCacheWithTheRuntimeImageAndRunsAsNonRootOnTheSamePort() throws Exception {
        List<Stage> s = stages("Dockerfile.jvm");
        assertThat(s).hasSize(3);
        assertThat(s.get(0).from()).endsWith(" AS build").contains(":25-jdk");
        Stage train = s.get(1);
        Stage runtime = s.get(2);
        // a cache is only taken by the JVM build that made it: both stages from one image
        assertThat(train.from()).isEqualTo("${RUNTIME_IMAGE} AS train");
        assertThat(runtime.from()).isEqualTo("${RUNTIME_IMAGE}");
        assertThat(Files.readAllLines(Path.of("Dockerfile.jvm"))).anySatisfy(l -> assertThat(l)
                .matches("ARG RUNTIME_IMAGE=eclipse-temurin:25-jre.*"));
        // trained with the image's own launcher (so its flags), which the runtime runs too
        assertThat(train.lines()).anySatisfy(l -> assertThat(l).startsWith("RUN ")
                .contains("aot-train /deployments/app.aot -- /usr/local/bin/pgsidecar"));
        assertThat(train.lines()).contains("COPY --chmod=0755 src/main/docker/pgsidecar-jvm.sh /usr/local/bin/pgsidecar",
                "COPY --chmod=0755 src/main/docker/aot-train.sh /usr/local/bin/aot-train");
        assertThat(runtime.lines()).contains("COPY --chmod=0755 src/main/docker/pgsidecar-jvm.sh /usr/local/bin/pgsidecar");
        // the jars come whole from the training stage: the cache checks their sizes and times
        assertThat(runtime.lines()).anySatisfy(l -> assertThat(l).startsWith("COPY --from=train ")
                .endsWith(" /deployments/ /deployments/"));
        assertThat(String.join("\n", train.lines())).contains("ENV JAVA_OPTS_APPEND=" + javaOptsAppend(runtime));
        assertThat(runtime.lines()).contains("EXPOSE 9188");
        String user = last(runtime, "USER ");
        assertThat(user).matches("USER [1-9][0-9]*");
        int userAt = runtime.lines().indexOf(user);
        assertThat(runtime.lines().subList(userAt, runtime.lines().size()))
                .as("nothing runs as root after USER").noneMatch(l -> l.startsWith("RUN "));
        assertThat(String.join("\n", runtime.lines())).contains("-Dquarkus.http.host=0.0.0.0");
        assertThat(last(runtime, "ENTRYPOINT ")).contains("/usr/local/bin/pgsidecar");
        // the launcher with the measured flags (docs/benchmarks.md), which the packaged tests run with too
        assertThat(io.pgsidecar.testing.AgentProcess.jvmImageFlags()).contains("-XX:+UseSerialGC", "-Xmx48m", "-Xmn8m",
                "-XX:-UsePerfData").noneMatch(f -> f.startsWith("-Xshare"));
        assertThat(Files.readString(io.pgsidecar.testing.AgentProcess.JVM_LAUNCHER)).contains("-XX:AOTCache=");
    }

    private static String javaOptsAppend(Stage s) {
        return last(s, "ENV JAVA_OPTS_APPEND=").substring("ENV JAVA_OPTS_APPEND=".length());
    }

    @Test
    void bothBuildsGetEveryFileThePomPacksFromOutsideSrc() throws Exception {
        // pom.xml packs docs/openapi.* into the jar (the document the agent serves); a build stage
        // that copies only src/ would give an image whose /q/openapi fails
        String pom = Files.readString(Path.of("pom.xml"));
        java.util.regex.Matcher resource = java.util.regex.Pattern.compile(
                "<resource>\\s*<directory>([^<]+)</directory>(.*?)</resource>", java.util.regex.Pattern.DOTALL).matcher(pom);
        List<String> outside = new ArrayList<>();
        while (resource.find()) {
            if (resource.group(1).startsWith("src/")) {
                continue;
            }
            java.util.regex.Matcher include = java.util.regex.Pattern.compile("<include>([^<]+)</include>")
                    .matcher(resource.group(2));
            while (include.find()) {
                outside.add(resource.group(1) + "/" + include.group(1));
            }
        }
        assertThat(outside).contains("docs/openapi.yaml", "docs/openapi.json");
        for (String file : List.of("Dockerfile.native", "Dockerfile.jvm")) {
            String build = String.join("\n", stages(file).get(0).lines());
            for (String f : outside) {
                assertThat(Path.of(f)).exists();
                assertThat(build).as(file + " copies " + f + " into its build stage").containsPattern("COPY [^\\n]*" + f);
            }
        }
    }

    @Test
    void bothImagesPutThePgsidecarCommandOnThePath() throws Exception {
        for (String file : List.of("Dockerfile.native", "Dockerfile.jvm")) {
            List<Stage> stages = stages(file);
            Stage runtime = stages.get(stages.size() - 1);
            assertThat(runtime.lines()).as(file).anySatisfy(l -> assertThat(l).matches("(RUN|COPY) .*")
                    .contains("/usr/local/bin/pgsidecar"));
        }
    }

    private static String last(Stage s, String prefix) {
        String found = null;
        for (String l : s.lines()) {
            if (l.startsWith(prefix)) {
                found = l;
            }
        }
        assertThat(found).as(prefix.strip() + " in " + s.from()).isNotNull();
        return found;
    }
}
