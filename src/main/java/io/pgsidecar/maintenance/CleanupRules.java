package io.pgsidecar.maintenance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.db.QualifiedName;
import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The retention rules of cleanup_old_data, from the JSON list and the per-table keys. */
final class CleanupRules {

    /** One table's rule. {@code schema} defaults to public. */
    record Rule(String schema, String table, String column, Duration olderThan, int batchSize) {
        String qualified() {
            return name().toString();
        }

        QualifiedName name() {
            return new QualifiedName(schema, table);
        }
    }

    private static final Set<String> FIELDS = Set.of("table", "column", "older_than", "batch_size");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private CleanupRules() {
    }

    /**
     * @throws IllegalArgumentException naming the rule and what is wrong
     */
    static List<Rule> parse(MaintenanceConfig config) {
        MaintenanceConfig.Cleanup c = config.cleanup();
        int defaultBatch = config.cleanupOldData().batchSize();
        List<Rule> out = new ArrayList<>();
        if (c.rules().isPresent() && !c.rules().get().isBlank()) {
            JsonNode list;
            try {
                list = new ObjectMapper().readTree(c.rules().get());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (list == null || !list.isArray()) {
                throw new IllegalArgumentException("expected a JSON list of {table, column, older_than, batch_size}");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode r = list.get(i);
                if (!r.isObject()) {
                    throw new IllegalArgumentException("rule " + i + " is not an object");
                }
                for (Iterator<String> f = r.fieldNames(); f.hasNext(); ) {
                    String name = f.next();
                    if (!FIELDS.contains(name)) {
                        throw new IllegalArgumentException("rule " + i + " has an unknown field '" + name + "' (known: table, "
                                + "column, older_than, batch_size)");
                    }
                }
                if (!r.path("table").isTextual() || !r.path("column").isTextual() || !r.path("older_than").isTextual()) {
                    throw new IllegalArgumentException("rule " + i + " needs table, column and older_than as strings");
                }
                if (r.has("batch_size") && !r.get("batch_size").canConvertToInt()) {
                    throw new IllegalArgumentException("rule " + i + ": batch_size must be a whole number");
                }
                out.add(rule("rule " + i, r.get("table").asText(), r.get("column").asText(), r.get("older_than").asText(),
                        r.has("batch_size") ? r.get("batch_size").asInt() : defaultBatch));
            }
        }
        for (Map.Entry<String, MaintenanceConfig.TableRule> e : c.tables().entrySet()) {
            MaintenanceConfig.TableRule t = e.getValue();
            out.add(rule("tables." + e.getKey(), e.getKey(), t.column(), t.olderThan().toString(),
                    t.batchSize().orElse(defaultBatch)));
        }
        return List.copyOf(out);
    }

    private static Rule rule(String where, String table, String column, String olderThan, int batchSize) {
        QualifiedName name;
        try {
            name = QualifiedName.parse(table).orIn("public");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": table '" + table + "' is not a name (schema.table)");
        }
        if (!NAME.matcher(column).matches()) {
            throw new IllegalArgumentException(where + ": column '" + column + "' is not a name");
        }
        Duration age;
        try {
            age = new DurationConverter().convert(olderThan);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": older_than '" + olderThan + "' is not a duration (90d, 12h)");
        }
        if (age == null || age.isNegative() || age.isZero()) {
            throw new IllegalArgumentException(where + ": older_than '" + olderThan + "' must be above zero");
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw new IllegalArgumentException(where + ": batch_size " + batchSize + " must be 1 to 100000");
        }
        return new Rule(name.schema(), name.name(), column, age, batchSize);
    }
}
