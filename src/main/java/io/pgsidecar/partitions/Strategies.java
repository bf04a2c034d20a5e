package io.pgsidecar.partitions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.db.QualifiedName;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code PARTITION_STRATEGIES} / {@code pgsidecar.partitions.strategies}: a JSON list of sets, each
 * {@code {"table_name", "partition_type": "range", "partition_column", "strategy_config": {...}}}.
 * Pure: every problem is thrown with the set and the field it is about.
 */
final class Strategies {

    static final Set<String> FIELDS = Set.of("table_name", "partition_type", "partition_column", "strategy_config");
    static final Set<String> CONFIG_FIELDS = Set.of("interval", "premake", "retention_months", "retention",
            "archive_schema", "time_zone", "naming");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z]+}");
    private static final Set<String> PLACEHOLDERS = Set.of("{parent}", "{YYYY}", "{MM}", "{DD}", "{IYYY}", "{IW}", "{Q}");

    private Strategies() {
    }

    /**
     * @param defaultRetentionMonths {@code PARTITION_RETENTION_MONTHS}, for sets whose retention is on
     *                               and gives no months of its own
     * @throws IllegalArgumentException naming the set and what is wrong
     */
    static List<PartitionSet> parse(Optional<String> json, int defaultRetentionMonths) {
        if (json.isEmpty() || json.get().isBlank()) {
            return List.of();
        }
        JsonNode list;
        try {
            list = new ObjectMapper().readTree(json.get());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("expected a JSON list of {table_name, partition_type, partition_column, "
                    + "strategy_config}");
        }
        List<PartitionSet> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            PartitionSet s = one(list.get(i), i, defaultRetentionMonths);
            if (!seen.add(s.qualified())) {
                throw new IllegalArgumentException("set " + i + ": " + s.qualified() + " is configured twice");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static PartitionSet one(JsonNode n, int i, int defaultRetentionMonths) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("set " + i + " is not an object");
        }
        unknown(n, FIELDS, "set " + i);
        String tableName = text(n, "table_name", "set " + i, true);
        String where = "set " + i + " (" + tableName + ")";
        QualifiedName table;
        try {
            table = QualifiedName.parse(tableName).orIn("public");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": table_name '" + tableName + "' is not a name (schema.table)");
        }
        String type = Optional.ofNullable(text(n, "partition_type", where, false)).orElse("range");
        if (!type.equalsIgnoreCase("range")) {
            throw new IllegalArgumentException(where + ": partition_type '" + type + "' is not managed; only range "
                    + "partitioning by a date or timestamp column is");
        }
        String column = text(n, "partition_column", where, true);
        if (!NAME.matcher(column).matches()) {
            throw new IllegalArgumentException(where + ": partition_column '" + column + "' is not a name");
        }
        JsonNode c = n.path("strategy_config");
        if (!c.isMissingNode() && !c.isObject()) {
            throw new IllegalArgumentException(where + ": strategy_config must be an object");
        }
        if (c.isObject()) {
            unknown(c, CONFIG_FIELDS, where + " strategy_config");
        }
        String intervalText = Optional.ofNullable(text(c, "interval", where, false)).orElse("month");
        PartitionInterval interval = PartitionInterval.parse(intervalText).orElseThrow(() -> new IllegalArgumentException(
                where + ": interval '" + intervalText + "' is not one of day, week, month, quarter, year"));
        int premake = integer(c, "premake", where, 4, 1, 1000);
        String retentionText = Optional.ofNullable(text(c, "retention", where, false)).orElse("none");
        PartitionSet.Retention retention;
        try {
            retention = PartitionSet.Retention.valueOf(retentionText.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": retention '" + retentionText + "' is not none, detach or drop");
        }
        Optional<Integer> months = c.has("retention_months")
                ? Optional.of(integer(c, "retention_months", where, 0, 1, 1200)) : Optional.empty();
        if (retention != PartitionSet.Retention.NONE && months.isEmpty()) {
            months = Optional.of(defaultRetentionMonths);
        }
        Optional<String> archive = Optional.ofNullable(text(c, "archive_schema", where, false));
        if (archive.isPresent() && !NAME.matcher(archive.get()).matches()) {
            throw new IllegalArgumentException(where + ": archive_schema '" + archive.get() + "' is not a name");
        }
        if (archive.isPresent() && retention != PartitionSet.Retention.DETACH) {
            throw new IllegalArgumentException(where + ": archive_schema is for retention 'detach' only");
        }
        String zoneText = Optional.ofNullable(text(c, "time_zone", where, false)).orElse("UTC");
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneText);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(where + ": time_zone '" + zoneText + "' is not a time zone (UTC, "
                    + "Europe/Berlin, America/Los_Angeles)");
        }
        String naming = Optional.ofNullable(text(c, "naming", where, false)).orElse(interval.defaultNaming());
        checkNaming(naming, interval, where);
        return new PartitionSet(table.schema(), table.name(), column, interval, premake, months, retention, archive,
                zone, naming);
    }

    /** The pattern uses known placeholders only, makes names, and tells two consecutive partitions apart. */
    private static void checkNaming(String naming, PartitionInterval interval, String where) {
        var m = PLACEHOLDER.matcher(naming);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group())) {
                throw new IllegalArgumentException(where + ": naming has an unknown placeholder " + m.group()
                        + " (known: " + String.join(", ", new java.util.TreeSet<>(PLACEHOLDERS)) + ")");
            }
        }
        String bare = naming.replaceAll("\\{[A-Za-z]+}", "x");
        if (!NAME.matcher(bare.length() > 63 ? bare.substring(0, 63) : bare).matches()) {
            throw new IllegalArgumentException(where + ": naming '" + naming + "' does not make a table name");
        }
        PartitionSet probe = new PartitionSet("s", "t", "c", interval, 1, Optional.empty(), PartitionSet.Retention.NONE,
                Optional.empty(), ZoneId.of("UTC"), naming);
        Set<String> names = new HashSet<>();
        LocalDate d = interval.floor(LocalDate.of(2024, 12, 30));
        for (int k = 0; k < 60; k++) {
            if (!names.add(probe.partitionName(d))) {
                throw new IllegalArgumentException(where + ": naming '" + naming + "' gives two " + interval.label()
                        + " partitions the same name (" + probe.partitionName(d) + ")");
            }
            d = interval.next(d);
        }
    }

    private static void unknown(JsonNode n, Set<String> known, String where) {
        for (Iterator<String> f = n.fieldNames(); f.hasNext(); ) {
            String name = f.next();
            if (!known.contains(name)) {
                throw new IllegalArgumentException(where + " has an unknown field '" + name + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }

    private static String text(JsonNode n, String field, String where, boolean required) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException(where + " needs " + field);
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": " + field + " must be a non-empty string");
        }
        return v.asText().trim();
    }

    private static int integer(JsonNode n, String field, String where, int dflt, int min, int max) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            throw new IllegalArgumentException(where + ": " + field + " must be a whole number from " + min + " to " + max);
        }
        return v.asInt();
    }
}
