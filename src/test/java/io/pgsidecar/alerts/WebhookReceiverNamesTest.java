package io.pgsidecar.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgsidecar.config.ConfigProblems;
import io.pgsidecar.metrics.OwnedMeters;
import io.pgsidecar.testing.Ports;
import io.pgsidecar.testing.TestConfig;
import io.pgsidecar.testing.WebhookSink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Each webhook is counted under its own name: two webhooks on one host (here one host and one port,
 * two paths) were one receiver label, {@code webhook:host:port}, and shared their counters.
 */
class WebhookReceiverNamesTest {

    private static final io.vertx.core.Vertx VERTX = io.vertx.core.Vertx.vertx();

    @org.junit.jupiter.api.AfterAll
    static void closeVertx() {
        VERTX.close();
    }

    @Test
    void twoNamedWebhooksOnOneHostHaveTheirOwnCounters() throws Exception {
        try (WebhookSink sink = new WebhookSink(Ports.free())) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Notifier n = notifier("ops=" + sink.url() + "/ops, chat=" + sink.url() + "/chat", registry);
            try {
                assertThat(receivers(registry)).containsExactly("webhook:chat", "webhook:ops");
                n.send(List.of(alert()), List.of(), List.of());
                await().atMost(Duration.ofSeconds(10)).until(() -> sent(registry, "webhook:ops") == 1
                        && sent(registry, "webhook:chat") == 1);
                assertThat(sink.deliveries()).hasSize(2);
            } finally {
                n.stop(null);
            }
        }
    }

    @Test
    void unnamedWebhooksOnOneHostAreNamedByTheirPlaceInTheList() throws Exception {
        try (WebhookSink sink = new WebhookSink(Ports.free())) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Notifier n = notifier(sink.url() + "/a," + sink.url() + "/b", registry);
            try {
                assertThat(receivers(registry)).containsExactly("webhook:1", "webhook:2");
                n.send(List.of(alert()), List.of(), List.of());
                await().atMost(Duration.ofSeconds(10)).until(() -> sent(registry, "webhook:1") == 1
                        && sent(registry, "webhook:2") == 1);
            } finally {
                n.stop(null);
            }
        }
    }

    @Test
    void twoWebhooksOfOneNameAreRefused() {
        ConfigProblems p = new ConfigProblems();
        AlertsConfigCheck.check(TestConfig.mapping(AlertsConfig.class, Map.of(
                "pgsidecar.alerts.notifications.webhook-urls",
                "ops=http://hooks.example.com/a,ops=http://hooks.example.com/b,chat=hooks")), Set.of(), p);
        assertThat(p.list()).containsExactlyInAnyOrder(
                "pgsidecar.alerts.notifications.webhook-urls: two webhooks are named 'ops'; each needs a name of its "
                        + "own (name=url), which its delivery counters carry",
                "pgsidecar.alerts.notifications.webhook-urls='hooks': expected an http:// or https:// URL with a host");
        assertThat(WebhookReceiver.targets(List.of("http://a.example/x?k=v", "team-1=https://b.example/y")))
                .containsExactly(new WebhookReceiver.Target("1", "http://a.example/x?k=v"),
                        new WebhookReceiver.Target("team-1", "https://b.example/y"));
    }

    private static Notifier notifier(String webhooks, SimpleMeterRegistry registry) {
        AlertsConfig config = TestConfig.mapping(AlertsConfig.class, Map.of(
                "pgsidecar.alerts.notifications.webhook-urls", webhooks));
        return new Notifier(config, new ObjectMapper(), new io.pgsidecar.config.DatabaseName(Optional.of("app"),
                Optional.empty()), new OwnedMeters(registry), VERTX, 9188);
    }

    private static Set<String> receivers(SimpleMeterRegistry registry) {
        Set<String> out = new TreeSet<>();
        registry.find("pgsidecar.alerts.notifications").counters().forEach(c -> out.add(c.getId().getTag("receiver")));
        return out;
    }

    private static double sent(SimpleMeterRegistry registry, String receiver) {
        Counter c = registry.find("pgsidecar.alerts.notifications").tag("receiver", receiver).tag("outcome", "sent")
                .counter();
        return c == null ? 0 : c.count();
    }

    private static Alert alert() {
        Instant now = Instant.now();
        return new Alert(1, "SlowQuery", "warning", Map.of("queryid", "42"), "slow", "a slow statement", 2.0, 1.0,
                AlertState.FIRING, now, now, null, now, List.of());
    }
}
