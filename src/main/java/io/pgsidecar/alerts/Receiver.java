package io.pgsidecar.alerts;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One configured destination of alert notifications. Each kind owns its payload: what it is sent
 * for one evaluation's changes, and the headers that go with it.
 */
sealed interface Receiver permits AlertmanagerReceiver, WebhookReceiver {

    /**
     * The {@code receiver} label of the delivery counters: {@code alertmanager:host:port}, or
     * {@code webhook:<name>} with the webhook's configured name.
     */
    String name();

    URI uri();

    /**
     * The body for one evaluation's changes, or empty when this receiver gets none of them.
     *
     * @param fired alerts that started firing
     * @param resend alerts still firing whose resend interval has passed
     * @param resolved alerts whose condition is gone
     */
    Optional<byte[]> body(List<Alert> fired, List<Alert> resend, List<Alert> resolved, Instant now);

    /** Headers to send with {@code body}, besides the content type. */
    default Map<String, String> headers(byte[] body) {
        return Map.of();
    }
}
