package io.pgsidecar.alerts;

import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic JSON webhook: one post per evaluation with changes (firing, resolved; no re-sends),
 * signed with {@code X-Pgsidecar-Signature: sha256=<hex HMAC>} when a secret is configured.
 */
record WebhookReceiver(String name, URI uri, AlertPayloads payloads, byte[] secret) implements Receiver {

    static final String SIGNATURE_HEADER = "X-Pgsidecar-Signature";

    /** A receiver posting to {@code url}; {@code secret} null: unsigned. */
    static WebhookReceiver of(String url, AlertPayloads payloads, byte[] secret) {
        URI uri = URI.create(url);
        return new WebhookReceiver("webhook:" + uri.getHost() + ":" + uri.getPort(), uri, payloads, secret);
    }

    @Override
    public Optional<byte[]> body(List<Alert> fired, List<Alert> resend, List<Alert> resolved, Instant now) {
        if (fired.isEmpty() && resolved.isEmpty()) {
            return Optional.empty();
        }
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Alert a : fired) {
            alerts.add(alert(a, "firing"));
        }
        for (Alert a : resolved) {
            alerts.add(alert(a, "resolved"));
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("version", "1");
        payload.put("source", "pgsidecar");
        payload.put("database", payloads.database());
        payload.put("sent_at", now.toString());
        payload.put("alerts", alerts);
        return Optional.of(payloads.bytes(payload));
    }

    private Map<String, Object> alert(Alert a, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("alertname", a.alertname());
        m.put("severity", a.severity());
        m.put("labels", payloads.labels(a));
        m.put("annotations", payloads.annotations(a));
        m.put("value", a.value());
        m.put("threshold", a.threshold());
        m.put("starts_at", a.firingSince() == null ? null : a.firingSince().toString());
        m.put("ends_at", a.resolvedAt() == null ? null : a.resolvedAt().toString());
        m.put("id", a.id());
        return m;
    }

    @Override
    public Map<String, String> headers(byte[] body) {
        return secret == null ? Map.of() : Map.of(SIGNATURE_HEADER, "sha256=" + sign(secret, body));
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
}
