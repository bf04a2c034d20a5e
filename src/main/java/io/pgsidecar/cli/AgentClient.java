package io.pgsidecar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The running agent's admin API as the CLI calls it: one request, the envelope read, and the
 * outcome as an exit code (0 ok, 1 the agent reported an error, 3 unreachable or unauthorized).
 */
final class AgentClient {

    static final String BASE = "/api/v1/admin/database";

    /** An answer: the exit code, the envelope's {@code data} (ok) or the error text. */
    record Answer(int exit, JsonNode data, String error) {
        boolean ok() {
            return exit == 0;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final String token;
    private final HttpClient http;
    private final Duration timeout;

    AgentClient(String url, String token, Duration timeout) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    Answer get(String path) {
        return send("GET", path, null);
    }

    Answer post(String path, Object body) {
        return send("POST", path, body);
    }

    Answer delete(String path) {
        return send("DELETE", path, null);
    }

    private Answer send(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + BASE + path)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("X-Pgsidecar-Caller", "cli")
                .header("Accept", "application/json");
        try {
            if (body != null) {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode envelope;
            try {
                envelope = JSON.readTree(r.body());
            } catch (IOException e) {
                envelope = null;
            }
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                return new Answer(Cli.UNREACHABLE, null, "the agent refused the token (" + r.statusCode() + "): "
                        + message(envelope, r.body()));
            }
            if (envelope != null && "success".equals(envelope.path("status").asText())) {
                return new Answer(Cli.OK, envelope.path("data"), null);
            }
            return new Answer(Cli.AGENT_ERROR, null, r.statusCode() + " " + message(envelope, r.body()));
        } catch (IOException e) {
            return new Answer(Cli.UNREACHABLE, null, "the agent at " + url + " did not answer: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Cli.UNREACHABLE, null, "interrupted");
        }
    }

    private static String message(JsonNode envelope, String raw) {
        if (envelope != null && envelope.path("error").isObject()) {
            return envelope.path("error").path("code").asText() + ": " + envelope.path("error").path("message").asText();
        }
        return raw == null || raw.isBlank() ? "(no body)" : raw.length() > 300 ? raw.substring(0, 300) : raw;
    }

    static String json(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            return String.valueOf(node);
        }
    }
}
