package io.pgsidecar.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.pgsidecar.config.SecretFiles;
import io.pgsidecar.config.DatabaseName;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.util.concurrent.TimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Requests go through the Vert.x HTTP client, on the event loop the agent already runs for its own
 * server: a second HTTP stack (the JDK's client, with its selector thread and TLS set-up) cost
 * 10–15 MiB of resident memory once alerts were delivered.
 */
@ApplicationScoped
public class Notifier {

    private static final Logger LOG = Logger.getLogger(Notifier.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final AlertsConfig.Notifications config;
    private final List<Receiver> receivers = new ArrayList<>();
    private final Vertx vertx;
    /** Made on the first delivery, on the sender thread (the only one that uses it). */
    private HttpClient http;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, String> lastError = new ConcurrentHashMap<>();
    private final OwnedMeters meters;

    public Notifier(AlertsConfig config, ObjectMapper json, DatabaseName databaseName, OwnedMeters meters,
                    Vertx vertx, @ConfigProperty(name = "quarkus.http.port", defaultValue = "9188") int port) {
        this.config = config.notifications();
        this.vertx = vertx;
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
        RequestOptions request;
        try {
            long ms = config.timeout().toMillis();
            request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(r.uri().toURL())
                    .setConnectTimeout(ms).setFollowRedirects(false)
                    .putHeader("Content-Type", "application/json").putHeader("User-Agent", "pgsidecar");
            r.headers(body).forEach(request::putHeader);
        } catch (MalformedURLException | RuntimeException e) {
            fail(r, e.toString());
            return;
        }
        if (http == null) {
            http = vertx.createHttpClient(new HttpClientOptions().setName("pgsidecar-notify")
                    .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis()))
                    .setKeepAliveTimeout(30).setMaxPoolSize(2));
        }
        // the whole exchange is bounded, not each wait for bytes: a receiver that answers a byte at
        // a time is cut off at the timeout too
        http.request(request).compose(req -> {
            long timer = vertx.setTimer(Math.max(1, config.timeout().toMillis()),
                    t -> req.reset(0, new TimeoutException("no answer within " + config.timeout().toMillis() + " ms")));
            return req.send(Buffer.buffer(body)).compose(resp -> {
                resp.exceptionHandler(e -> { }); // the end's future carries it
                return resp.end().map(v -> resp.statusCode());
            }).onComplete(x -> vertx.cancelTimer(timer));
        }).onComplete(ar -> {
            try {
                executor.execute(() -> outcome(r, body, attempt, ar.succeeded() ? ar.result() : 0, ar.cause()));
            } catch (RejectedExecutionException e) {
                inFlight.decrementAndGet();
            }
        });
    }

    private void outcome(Receiver r, byte[] body, int attempt, int status, Throwable ex) {
        String error;
        if (ex != null) {
            // a request cut off at the timeout is a reset stream whose cause says so
            Throwable cause = ex instanceof StreamResetException && ex.getCause() != null ? ex.getCause() : ex;
            error = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        } else {
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

    /** The last failure of each receiver that has not delivered since (for tests and the log). */
    Map<String, String> lastErrors() {
        return Map.copyOf(lastError);
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
        HttpClient h = http;
        if (h != null) {
            h.close();
        }
    }
}
