package io.pgsidecar.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code READ_REPLICAS} as the configuration guide writes it, a JSON list of
 * {@code {name, url, weight, max_lag_seconds, max_lag_bytes, password_file}}, turned into the
 * indexed keys {@code pgsidecar.replicas.list[i].name}, ..., so the JSON and the keys (and Helm
 * values) are one configuration.
 */
final class ReplicasJson {

    private static final Map<String, String> FIELDS = Map.of(
            "name", "name", "url", "url", "weight", "weight", "max_lag_seconds", "max-lag-seconds",
            "max_lag_bytes", "max-lag-bytes", "password_file", "password-file");
    private static final Set<String> NUMERIC = Set.of("weight", "max_lag_seconds", "max_lag_bytes");

    private ReplicasJson() {
    }

    static Map<String, String> expand(String key, String raw) {
        JsonNode list;
        try {
            list = new ObjectMapper().readTree(raw);
        } catch (JsonProcessingException e) {
            // Jackson's own message quotes the text it could not read, which may be a password
            var where = e.getLocation();
            throw new IllegalArgumentException("not valid JSON" + (where == null ? ""
                    : " at line " + where.getLineNr() + ", column " + where.getColumnNr())
                    + " (expected a list of {\"name\": ..., \"url\": ...} objects)");
        }
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("expected a JSON list of {name, url, weight, max_lag_seconds}");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode r = list.get(i);
            if (!r.isObject()) {
                throw new IllegalArgumentException("entry " + i + " is not an object");
            }
            var names = r.fieldNames();
            while (names.hasNext()) {
                String f = names.next();
                if (!FIELDS.containsKey(f)) {
                    throw new IllegalArgumentException("entry " + i + " has an unknown field '" + DatabaseUrl.redact(f)
                            + "' (known: "
                            + String.join(", ", FIELDS.keySet()) + ")");
                }
                JsonNode v = r.get(f);
                if (NUMERIC.contains(f) && !v.isNumber()) {
                    throw new IllegalArgumentException("entry " + i + ": " + f + " must be a number");
                }
                out.put(key + "[" + i + "]." + FIELDS.get(f), v.asText());
            }
            for (String required : new String[] {"name", "url"}) {
                if (!r.hasNonNull(required)) {
                    throw new IllegalArgumentException("entry " + i + " has no " + required);
                }
            }
        }
        return out;
    }
}
