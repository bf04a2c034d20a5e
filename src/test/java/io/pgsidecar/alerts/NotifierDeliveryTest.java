package io.pgsidecar.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgsidecar.metrics.OwnedMeters;
import io.pgsidecar.testing.HangingReceiver;
import io.pgsidecar.testing.Ports;
import io.pgsidecar.testing.TestConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Deliveries through the Vert.x HTTP client are bounded by the timeout as a whole: a receiver that
 * never answers, and one that answers a byte at a time (each wait for bytes shorter than the
 * timeout), both end as failed deliveries, counted, within a few timeouts.
 */
class NotifierDeliveryTest {

    private static final Vertx VERTX = Vertx.vertx();

    @AfterAll
    static void closeVertx() {
        VERTX.close();
    }

    @Test
    void aReceiverThatNeverAnswersFailsAtTheTimeout() throws Exception {
        try (HangingReceiver hanging = new HangingReceiver(Ports.free())) {
            assertFailsWithin(hanging.url());
        }
    }

    @Test
    void aReceiverThatAnswersAByteAtATimeFailsAtTheTimeoutToo() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> drip(server), "dripping-receiver");
            t.setDaemon(true);
            t.start();
            assertFailsWithin("http://127.0.0.1:" + server.getLocalPort() + "/drip");
        }
    }

    private static void assertFailsWithin(String url) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AlertsConfig config = TestConfig.mapping(AlertsConfig.class, Map.of(
                "pgsidecar.alerts.notifications.webhook-urls", "slow=" + url,
                "pgsidecar.alerts.notifications.timeout", "400ms",
                "pgsidecar.alerts.notifications.max-attempts", "1"));
        Notifier n = new Notifier(config, new ObjectMapper(), new io.pgsidecar.config.DatabaseName(Optional.of("app"),
                Optional.empty()), new OwnedMeters(registry), VERTX, 9188);
        try {
            long start = System.nanoTime();
            n.send(List.of(alert()), List.of(), List.of());
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> count(registry, "failed") == 1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
            assertThat(count(registry, "sent")).isZero();
            assertThat(n.lastErrors()).containsValue("TimeoutException: no answer within 400 ms after 1 attempts");
        } finally {
            n.stop(null);
        }
    }

    /** Reads one request, then sends a 200 whose body comes one byte every 100 ms, for 10 s at most. */
    private static void drip(ServerSocket server) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            in.read(buf);
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 100; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(100);
            }
        } catch (IOException | InterruptedException e) {
            // the client gave up: what the test expects
        }
    }

    private static double count(SimpleMeterRegistry registry, String outcome) {
        Counter c = registry.find("pgsidecar.alerts.notifications").tag("receiver", "webhook:slow")
                .tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    private static Alert alert() {
        Instant now = Instant.now();
        return new Alert(1, "SlowQuery", "warning", Map.of("queryid", "42"), "slow", "a slow statement", 2.0, 1.0,
                AlertState.FIRING, now, now, null, now, List.of());
    }
}
