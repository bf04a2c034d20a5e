package io.pgsidecar.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, clustering off,
 * with one receiver that drops everything: tests read what it holds through its v2 API.
 */
public final class Alertmanager implements AutoCloseable {

    static final List<String> BINARIES = List.of("/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager");

    private final Process process;
    private final int port;
    private final Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private Alertmanager(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }


    public static Alertmanager start(int port) throws Exception {
        String bin = BINARIES.stream().filter(b -> Files.isExecutable(Path.of(b))).findFirst()
                .orElseThrow(() -> new IllegalStateException("Alertmanager is not installed: apt-get install "
                        + "prometheus-alertmanager (.ci/run does this)"));
        Path dir = Files.createTempDirectory("pgsidecar-am");
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: blackhole
                  group_wait: 1s
                receivers:
                  - name: blackhole
                """);
        Process p = new ProcessBuilder(bin, "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("am.log").toFile()).start();
        Alertmanager am = new Alertmanager(p, port, dir);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("Alertmanager exited: " + Files.readString(dir.resolve("am.log")));
            }
            try {
                if (am.get("/-/ready").statusCode() == 200) {
                    return am;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        am.close();
        throw new IllegalStateException("Alertmanager did not become ready on port " + port);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The alerts Alertmanager holds as active (firing, not resolved), as JSON text. */
    public String activeAlerts() throws IOException, InterruptedException {
        return get("/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true").body();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // temp files; best effort
        }
    }
}
