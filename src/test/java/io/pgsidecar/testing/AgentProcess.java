package io.pgsidecar.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged agent ({@code quarkus-run.jar}, or the native executable named by
 * {@code -Dagent.binary}) run as its own process, as a user runs it.
 */
public final class AgentProcess implements AutoCloseable {

    public static final String TOKEN = "packaged-test-token";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final int port;

    private AgentProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the agent with the given environment (added to a clean one) on a free port. */
    public static AgentProcess start(String name, Map<String, String> env) {
        // -Dagent.binary=target/...-runner runs these tests against the native executable instead
        String binary = System.getProperty("agent.binary");
        String jar = System.getProperty("agent.jar", "target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(Path.of(binary != null ? binary : jar))) {
            throw new IllegalStateException("packaged agent not found at " + (binary != null ? binary : jar)
                    + " (run mvn package first)");
        }
        int port = Ports.free();
        try {
            Path log = Files.createTempFile("pgsidecar-" + name + "-", ".log");
            List<String> cmd = new ArrayList<>();
            if (binary != null) {
                cmd.add(binary);
            } else {
                // the JVM image's own flags, so the packaged tests prove the agent works within them
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(jvmImageFlags());
                cmd.addAll(List.of("-jar", jar));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> e = pb.environment();
            e.keySet().removeIf(k -> k.startsWith("PGSIDECAR_") || k.startsWith("QUARKUS_") || k.startsWith("DB_")
                    || k.equals("DATABASE_URL"));
            e.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            e.put("MALLOC_ARENA_MAX", "2");
            e.put("HOSTNAME", name);
            e.put("PGSIDECAR_ADMIN_TOKEN", TOKEN);
            e.putAll(env);
            return new AgentProcess(pb.start(), log, port);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The JVM image's launcher, which Dockerfile.jvm puts on the path as {@code pgsidecar}. */
    public static final Path JVM_LAUNCHER = Path.of("src/main/docker/pgsidecar-jvm.sh");

    /** The default {@code PGSIDECAR_JAVA_FLAGS} of the JVM image's launcher. */
    public static List<String> jvmImageFlags() {
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("PGSIDECAR_JAVA_FLAGS:=([^}]*)}")
                    .matcher(Files.readString(JVM_LAUNCHER));
            if (!m.find()) {
                throw new IllegalStateException(JVM_LAUNCHER + " sets no default PGSIDECAR_JAVA_FLAGS");
            }
            return List.of(m.group(1).trim().split("\\s+"));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    /** Everything the agent printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** Status code and body of a GET, or status -1 when the agent does not answer. */
    public HttpResponse<String> get(String path, boolean withToken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (withToken) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Status code and body of an authorised POST of a JSON body, or null when the agent does not answer. */
    public HttpResponse<String> post(String path, String json) {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Whether this agent says it is the leader now. */
    public boolean leads() {
        HttpResponse<String> r = get("/api/v1/admin/database/leader", true);
        return r != null && r.statusCode() == 200 && r.body().contains("\"leader\":true");
    }

    public int status(String path) {
        HttpResponse<String> r = get(path, false);
        return r == null ? -1 : r.statusCode();
    }

    /** Waits for the process to end by itself; returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("agent still running after " + timeout + ":\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the process without letting it shut down (as a crash or OOM kill would). */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // temp file
        }
    }

}
