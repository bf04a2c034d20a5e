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

    /** A name a webhook may be given: a letter, then letters, digits, '-' or '_'. */
    private static final java.util.regex.Pattern NAMED =
            java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9_-]{0,62})=(.*)", java.util.regex.Pattern.DOTALL);

    /**
     * One entry of {@code webhook-urls}: {@code name=url}, or a bare URL, which is named by its
     * position in the list (1, 2, ...). A URL begins with its scheme and a colon, so it is never
     * read as a name.
     */
    record Target(String name, String url) {
    }

    /** The entries of {@code webhook-urls}, each with its name. */
    static List<Target> targets(List<String> entries) {
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String e = entries.get(i).trim();
            var m = NAMED.matcher(e);
            out.add(m.matches() ? new Target(m.group(1), m.group(2).trim()) : new Target(Integer.toString(i + 1), e));
        }
        return out;
    }

    /**
     * A receiver posting to the target's URL, named {@code webhook:<name>} (the {@code receiver}
     * label of its counters): by its name, not its host, so two webhooks on one host are counted
     * apart. {@code secret} null: unsigned.
     */
    static WebhookReceiver of(Target target, AlertPayloads payloads, byte[] secret) {
        return new WebhookReceiver("webhook:" + target.name(), URI.create(target.url()), payloads, secret);
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
