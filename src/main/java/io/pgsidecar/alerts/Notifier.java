package io.pgsidecar.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.pgsidecar.config.SecretFiles;
import io.pgsidecar.config.DatabaseName;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Delivers alert changes from the leader to every configured {@link Receiver}. Deliveries go
 * through a bounded queue served by one thread, with retries and exponential backoff; the engine
 * never waits for a receiver. Outcomes are counted in {@code pgsidecar_alerts_notifications_total}.
 */
@ApplicationScoped
public class Notifier {

    private static final Logger LOG = Logger.getLogger(Notifier.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final AlertsConfig.Notifications config;
    private final List<Receiver> receivers = new ArrayList<>();
    /**
     * Made on the first delivery, on the sender thread (the only one that uses it): building one
     * sets up TLS and starts a selector thread, which an agent with no receivers never needs.
     */
    private HttpClient http;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, String> lastError = new ConcurrentHashMap<>();
    private final OwnedMeters meters;

    public Notifier(AlertsConfig config, ObjectMapper json, DatabaseName databaseName, OwnedMeters meters,
                    @ConfigProperty(name = "quarkus.http.port", defaultValue = "9188") int port) {
        this.config = config.notifications();
        this.meters = meters;
        AlertPayloads payloads = new AlertPayloads(json, databaseName.value(), this.config.runbookBaseUrl());
        String generatorUrl = this.config.generatorUrl()
                .orElse("http://localhost:" + port + "/api/v1/admin/database/alerts");
        for (String u : this.config.alertmanagerUrls().orElse(List.of())) {
            receivers.add(AlertmanagerReceiver.of(u, payloads, generatorUrl, this.config.resendInterval()));
        }
        byte[] secret = readSecret(this.config).map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
        for (WebhookReceiver.Target t : WebhookReceiver.targets(this.config.webhookUrls().orElse(List.of()))) {
            receivers.add(WebhookReceiver.of(t, payloads, secret));
        }
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pgsidecar-notify");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        for (Receiver r : receivers) {
            for (String outcome : List.of("sent", "retried", "failed", "dropped")) {
                counter(r, outcome);
            }
        }
    }

    static Optional<String> readSecret(AlertsConfig.Notifications c) {
        if (c.webhookSecretFile().isPresent()) {
            try {
                return Optional.of(SecretFiles.read(c.webhookSecretFile().get()).strip());
            } catch (IOException e) {
                throw new IllegalStateException("webhook secret file cannot be read: " + e.getMessage());
            }
        }
        return c.webhookSecret().filter(s -> !s.isBlank());
    }

    /** Queues the changes of one evaluation to every receiver that takes any of them. */
    void send(List<Alert> fired, List<Alert> resend, List<Alert> resolved) {
        Instant now = Instant.now();
        for (Receiver r : receivers) {
            r.body(fired, resend, resolved, now).ifPresent(body -> enqueue(r, body));
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
        } catch (RejectedExecutionException e) {
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
            r.headers(body).forEach(b::header);
            request = b.build();
        } catch (RuntimeException e) {
            fail(r, e.toString());
            return;
        }
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
        }
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, ex) -> {
            try {
                executor.execute(() -> outcome(r, body, attempt, resp, ex));
            } catch (RejectedExecutionException e) {
                inFlight.decrementAndGet();
            }
        });
    }

    private void outcome(Receiver r, byte[] body, int attempt, HttpResponse<Void> resp, Throwable ex) {
        String error;
        if (ex != null) {
            Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
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
        } catch (RejectedExecutionException e) {
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

    private Counter counter(Receiver r, String outcome) {
        return outcomes.computeIfAbsent(r.name() + "|" + outcome, k -> meters.own(
                Counter.builder("pgsidecar.alerts.notifications").tag("receiver", r.name()).tag("outcome", outcome)
                        .description("Alert deliveries by receiver and outcome (sent, retried, failed, dropped)")
                        .register(meters.registry())));
    }

    void stop(@Observes ShutdownEvent ev) {
        executor.shutdownNow();
    }
}
