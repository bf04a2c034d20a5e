package io.pgsidecar.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgsidecar.db.DatabaseName;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Delivers alert changes to Alertmanager (v2 API) and JSON webhooks from the leader. Deliveries go
 * through a bounded queue served by one thread, with retries and exponential backoff; the engine
 * never waits for a receiver. Outcomes are counted in {@code pgsidecar_alerts_notifications_total}.
 */
@ApplicationScoped
public class Notifier {

    private static final Logger LOG = Logger.getLogger(Notifier.class);
    static final String SIGNATURE_HEADER = "X-Pgsidecar-Signature";
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    /** One configured destination. */
    record Receiver(String name, String kind, URI uri) {
    }

    private final AlertsConfig.Notifications config;
    private final ObjectMapper json;
    private final String database;
    private final String generatorUrl;
    private final List<Receiver> receivers = new ArrayList<>();
    private final byte[] secret;
    private final HttpClient http;
    private final ScheduledExecutorService executor;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, String> lastError = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final OwnedMeters meters;

    public Notifier(AlertsConfig config, ObjectMapper json, DatabaseName databaseName, OwnedMeters meters,
                    @ConfigProperty(name = "quarkus.http.port", defaultValue = "9188") int port) {
        this.config = config.notifications();
        this.json = json;
        this.database = databaseName.value();
        this.meters = meters;
        this.registry = meters.registry();
        this.generatorUrl = this.config.generatorUrl()
                .orElse("http://localhost:" + port + "/api/v1/admin/database/alerts");
        for (String u : this.config.alertmanagerUrls().orElse(List.of())) {
            String base = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
            URI uri = URI.create(base + "/api/v2/alerts");
            receivers.add(new Receiver("alertmanager:" + uri.getHost() + ":" + uri.getPort(), "alertmanager", uri));
        }
        for (String u : this.config.webhookUrls().orElse(List.of())) {
            URI uri = URI.create(u);
            receivers.add(new Receiver("webhook:" + uri.getHost() + ":" + uri.getPort(), "webhook", uri));
        }
        this.secret = readSecret(this.config).map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pgsidecar-notify");
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        this.executor = ex;
        for (Receiver r : receivers) {
            for (String outcome : List.of("sent", "retried", "failed", "dropped")) {
                counter(r, outcome);
            }
        }
    }

    static Optional<String> readSecret(AlertsConfig.Notifications c) {
        if (c.webhookSecretFile().isPresent()) {
            try {
                return Optional.of(Files.readString(Path.of(c.webhookSecretFile().get())).strip());
            } catch (IOException e) {
                throw new IllegalStateException("webhook secret file cannot be read: " + e.getMessage());
            }
        }
        return c.webhookSecret().filter(s -> !s.isBlank());
    }


    /**
     * Queues the changes of one evaluation: newly firing alerts and resolved ones go to every
     * receiver; re-sends of alerts still firing go to Alertmanager only (webhooks get changes).
     */
    void send(List<Alert> fired, List<Alert> resend, List<Alert> resolved) {
        if (receivers.isEmpty() || (fired.isEmpty() && resend.isEmpty() && resolved.isEmpty())) {
            return;
        }
        Instant now = Instant.now();
        for (Receiver r : receivers) {
            byte[] body;
            if ("alertmanager".equals(r.kind())) {
                List<Map<String, Object>> alerts = new ArrayList<>();
                for (Alert a : fired) {
                    alerts.add(alertmanagerAlert(a, now, false));
                }
                for (Alert a : resend) {
                    alerts.add(alertmanagerAlert(a, now, false));
                }
                for (Alert a : resolved) {
                    alerts.add(alertmanagerAlert(a, now, true));
                }
                body = bytes(alerts);
            } else {
                if (fired.isEmpty() && resolved.isEmpty()) {
                    continue;
                }
                List<Map<String, Object>> alerts = new ArrayList<>();
                for (Alert a : fired) {
                    alerts.add(webhookAlert(a, "firing"));
                }
                for (Alert a : resolved) {
                    alerts.add(webhookAlert(a, "resolved"));
                }
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("version", "1");
                payload.put("source", "pgsidecar");
                payload.put("database", database);
                payload.put("sent_at", now.toString());
                payload.put("alerts", alerts);
                body = bytes(payload);
            }
            enqueue(r, body);
        }
    }

    private Map<String, Object> alertmanagerAlert(Alert a, Instant now, boolean resolved) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("labels", labels(a));
        m.put("annotations", annotations(a));
        m.put("startsAt", (a.firingSince() != null ? a.firingSince() : a.pendingSince()).toString());
        // While firing, endsAt lies a few resends ahead: if the agent goes away, Alertmanager
        // resolves the alert by itself (what Prometheus does too).
        Instant ends = resolved ? (a.resolvedAt() != null ? a.resolvedAt() : now)
                : now.plus(config.resendInterval().multipliedBy(4));
        m.put("endsAt", ends.toString());
        m.put("generatorURL", generatorUrl);
        return m;
    }

    /** The alert's labels as receivers get them: with the database, which tells sidecars' databases apart. */
    private Map<String, String> labels(Alert a) {
        Map<String, String> labels = new LinkedHashMap<>(a.allLabels());
        labels.put("database", database);
        return labels;
    }

    private Map<String, String> annotations(Alert a) {
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put("summary", a.summary());
        ann.put("description", a.description());
        if (a.value() != null) {
            ann.put("value", format(a.value()));
        }
        if (a.threshold() != null) {
            ann.put("threshold", format(a.threshold()));
        }
        String base = config.runbookBaseUrl();
        ann.put("runbook_url", (base.endsWith("/") ? base : base + "/") + a.alertname() + ".md");
        return ann;
    }

    private Map<String, Object> webhookAlert(Alert a, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("alertname", a.alertname());
        m.put("severity", a.severity());
        m.put("labels", labels(a));
        m.put("annotations", annotations(a));
        m.put("value", a.value());
        m.put("threshold", a.threshold());
        m.put("starts_at", a.firingSince() == null ? null : a.firingSince().toString());
        m.put("ends_at", a.resolvedAt() == null ? null : a.resolvedAt().toString());
        m.put("id", a.id());
        return m;
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format("%.3f", v);
    }

    private byte[] bytes(Object o) {
        try {
            return json.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void enqueue(Receiver r, byte[] body) {
        if (inFlight.incrementAndGet() > config.queueSize()) {
            inFlight.decrementAndGet();
            counter(r, "dropped").increment();
            warnOnce(r, "notification queue full (" + config.queueSize() + "): dropped");
            return;
        }
        try {
            executor.execute(() -> attempt(r, body, 1));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Starts one attempt without waiting for it: a receiver that is slow to answer delays neither
     * the other receivers nor the other deliveries. The outcome is handled on the sender thread.
     */
    private void attempt(Receiver r, byte[] body, int attempt) {
        HttpRequest request;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(r.uri()).timeout(config.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "pgsidecar")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if ("webhook".equals(r.kind()) && secret != null) {
                b.header(SIGNATURE_HEADER, "sha256=" + sign(secret, body));
            }
            request = b.build();
        } catch (RuntimeException e) {
            fail(r, e.toString());
            return;
        }
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, ex) -> {
            try {
                executor.execute(() -> outcome(r, body, attempt, resp, ex));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                inFlight.decrementAndGet();
            }
        });
    }

    private void outcome(Receiver r, byte[] body, int attempt, HttpResponse<Void> resp, Throwable ex) {
        String error;
        if (ex != null) {
            Throwable cause = ex instanceof java.util.concurrent.CompletionException && ex.getCause() != null
                    ? ex.getCause() : ex;
            error = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        } else {
            int status = resp.statusCode();
            if (status >= 200 && status < 300) {
                counter(r, "sent").increment();
                if (lastError.remove(r.name()) != null) {
                    LOG.infof("notifications to %s delivered again", r.name());
                }
                inFlight.decrementAndGet();
                return;
            }
            error = "HTTP " + status;
            if (status >= 400 && status < 500 && status != 408 && status != 429) {
                // The receiver rejected the payload: retrying sends the same bytes again.
                fail(r, error);
                return;
            }
        }
        if (attempt >= config.maxAttempts()) {
            fail(r, error + " after " + attempt + " attempts");
            return;
        }
        counter(r, "retried").increment();
        Duration delay = config.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 16));
        if (delay.compareTo(MAX_BACKOFF) > 0) {
            delay = MAX_BACKOFF;
        }
        try {
            executor.schedule(() -> attempt(r, body, attempt + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.decrementAndGet();
        }
    }

    private void fail(Receiver r, String error) {
        counter(r, "failed").increment();
        inFlight.decrementAndGet();
        warnOnce(r, error);
    }

    private void warnOnce(Receiver r, String error) {
        if (!error.equals(lastError.put(r.name(), error))) {
            LOG.warnf("notification to %s failed: %s", r.name(), error);
        }
    }

    static String sign(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private Counter counter(Receiver r, String outcome) {
        return outcomes.computeIfAbsent(r.name() + "|" + outcome, k -> meters.own(
                Counter.builder("pgsidecar.alerts.notifications").tag("receiver", r.name()).tag("outcome", outcome)
                        .description("Alert deliveries by receiver and outcome (sent, retried, failed, dropped)")
                        .register(registry)));
    }



    void stop(@Observes ShutdownEvent ev) {
        executor.shutdownNow();
    }
}
