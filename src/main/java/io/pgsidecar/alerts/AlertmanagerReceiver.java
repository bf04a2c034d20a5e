package io.pgsidecar.alerts;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alertmanager's v2 API ({@code POST /api/v2/alerts}): firing alerts, their re-sends and resolves,
 * in Alertmanager's own field names.
 */
record AlertmanagerReceiver(String name, URI uri, AlertPayloads payloads, String generatorUrl,
                            Duration resendInterval) implements Receiver {

    /** A receiver for the Alertmanager at {@code baseUrl} (its v2 alerts endpoint is added). */
    static AlertmanagerReceiver of(String baseUrl, AlertPayloads payloads, String generatorUrl, Duration resendInterval) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        URI uri = URI.create(base + "/api/v2/alerts");
        return new AlertmanagerReceiver("alertmanager:" + uri.getHost() + ":" + uri.getPort(), uri, payloads,
                generatorUrl, resendInterval);
    }

    @Override
    public Optional<byte[]> body(List<Alert> fired, List<Alert> resend, List<Alert> resolved, Instant now) {
        if (fired.isEmpty() && resend.isEmpty() && resolved.isEmpty()) {
            return Optional.empty();
        }
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Alert a : fired) {
            alerts.add(alert(a, now, false));
        }
        for (Alert a : resend) {
            alerts.add(alert(a, now, false));
        }
        for (Alert a : resolved) {
            alerts.add(alert(a, now, true));
        }
        return Optional.of(payloads.bytes(alerts));
    }

    private Map<String, Object> alert(Alert a, Instant now, boolean resolved) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("labels", payloads.labels(a));
        m.put("annotations", payloads.annotations(a));
        m.put("startsAt", (a.firingSince() != null ? a.firingSince() : a.pendingSince()).toString());
        // While firing, endsAt lies a few resends ahead: if the agent goes away, Alertmanager
        // resolves the alert by itself (what Prometheus does too).
        Instant ends = resolved ? (a.resolvedAt() != null ? a.resolvedAt() : now)
                : now.plus(resendInterval.multipliedBy(4));
        m.put("endsAt", ends.toString());
        m.put("generatorURL", generatorUrl);
        return m;
    }
}
