package io.pgsidecar.audit;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One admin action: who asked, what, with which parameters, and how it ended.
 *
 * <p>Every text it carries is kept escaped: control characters and unpaired surrogates become
 * {@code \\uXXXX}. A caller's input can then never make the row unstorable (PostgreSQL refuses a
 * NUL in {@code text} and {@code \\u0000} in {@code jsonb}) nor forge a line in the agent's log.
 *
 * @param outcome {@code success}, or the error code the caller got
 */
@RegisterForReflection
public record AuditEntry(Long id, Instant occurredAt, String caller, String clientAddress, String instance,
                         String action, Map<String, Object> parameters, String outcome, Integer httpStatus,
                         String detail, long durationMs) {

    public AuditEntry {
        caller = escape(caller);
        clientAddress = escape(clientAddress);
        instance = escape(instance);
        action = escape(action);
        parameters = parameters == null ? null : escapeMap(parameters);
        outcome = escape(outcome);
        detail = escape(detail);
    }

    /** {@code s} with control characters (but tab) and unpaired surrogates written as {@code \\uXXXX}. */
    public static String escape(String s) {
        if (s == null || clean(s)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                out.append(c).append(s.charAt(++i));
            } else if (unsafe(c)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean clean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (unsafe(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean unsafe(char c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate(c);
    }

    private static Map<String, Object> escapeMap(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(escape(String.valueOf(k)), escapeValue(v)));
        return out;
    }

    private static Object escapeValue(Object v) {
        if (v instanceof String s) {
            return escape(s);
        }
        if (v instanceof Map<?, ?> m) {
            return escapeMap(m);
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            c.forEach(x -> out.add(escapeValue(x)));
            return out;
        }
        return v;
    }
}
