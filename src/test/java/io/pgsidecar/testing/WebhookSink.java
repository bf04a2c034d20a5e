package io.pgsidecar.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A local HTTP endpoint that records every POST it accepts (body and headers). */
public final class WebhookSink implements AutoCloseable {

    public record Delivery(String body, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    public WebhookSink(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int answer = status;
            if (answer >= 200 && answer < 300) {
                deliveries.add(new Delivery(new String(body, StandardCharsets.UTF_8),
                        Map.copyOf(exchange.getRequestHeaders())));
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    public void clear() {
        deliveries.clear();
    }

    /** Answers every request with this status from now on (to test retries). */
    public void respondWith(int code) {
        status = code;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
