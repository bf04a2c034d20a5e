package io.pgsidecar.partitions;

import io.pgsidecar.db.Identifiers;
import io.pgsidecar.statements.StatementsSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** A partitioning candidate: the interval that gives partitions of about the target size, and the plan to convert. */
final class Conversion {

    private Conversion() {
    }

    static PartitionAnalysis.Candidate candidate(String schema, String table, double bytes, double rows, String column,
                                                 String columnType, double correlation, double inserts, double updates,
                                                 double deletes, String oldestText, String newestText, boolean referenced,
                                                 long targetBytes, StatementsSnapshot snapshot, Instant now) {
        Optional<ColumnType> type = ColumnType.of(columnType);
        Optional<Instant> oldest = type.flatMap(t -> oldestText == null ? Optional.empty() : t.parse(oldestText));
        Optional<Instant> newest = type.flatMap(t -> newestText == null ? Optional.empty() : t.parse(newestText));
        double spanDays = oldest.isPresent() && newest.isPresent()
                ? Math.max(1, Duration.between(oldest.get(), newest.get()).toHours() / 24.0) : 365;
        double bytesPerDay = bytes / spanDays;
        PartitionInterval best = PartitionInterval.MONTH;
        double bestDistance = Double.MAX_VALUE;
        for (PartitionInterval i : PartitionInterval.values()) {
            double d = Math.abs(Math.log(Math.max(1, bytesPerDay * i.days()) / targetBytes));
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        int partitions = (int) Math.ceil(spanDays / best.days()) + 4;
        double changeShare = (updates + deletes) / Math.max(1, inserts + updates + deletes);
        List<String> why = new ArrayList<>();
        why.add(String.format(Locale.ROOT, "%.1f GB and %.0f rows", bytes / 1e9, rows));
        why.add(String.format(Locale.ROOT, "%s is NOT NULL and follows the insert order (correlation %.2f)", column,
                correlation));
        why.add(String.format(Locale.ROOT, "insert-mostly: %.1f %% of its writes are updates or deletes",
                changeShare * 100));
        why.add(String.format(Locale.ROOT, "%s partitions of about %.1f GB each (target %.1f GB)", best.label(),
                bytesPerDay * best.days() / 1e9, targetBytes / 1e9));
        List<String> stmts = statements(schema, table, column, snapshot);
        if (!stmts.isEmpty()) {
            why.add(stmts.size() + " recent statement(s) filter on " + column + ": partition pruning helps them");
        }
        if (referenced) {
            why.add("other tables reference it with foreign keys: those must be re-pointed to the new parent");
        }
        PartitionInterval chosen = best;
        return new PartitionAnalysis.Candidate(schema + "." + table, bytes, rows, column, columnType, correlation,
                changeShare, oldestText, newestText, chosen.label(), partitions, bytesPerDay * chosen.days(), stmts,
                referenced, why, type.map(t -> plan(schema, table, column, t, chosen, now)).orElse(null));
    }

    /** Recent statements (the latest interval's) that read the table and name the column after WHERE. */
    static List<String> statements(String schema, String table, String column, StatementsSnapshot snapshot) {
        if (snapshot == null || snapshot.statements() == null) {
            return List.of();
        }
        Pattern from = Pattern.compile("(?is)\\b(from|join|update)\\s+(\"?" + Pattern.quote(schema) + "\"?\\.)?\"?"
                + Pattern.quote(table) + "\"?\\b");
        Pattern where = Pattern.compile("(?is)\\bwhere\\b.*\\b" + Pattern.quote(column) + "\\b");
        List<String> out = new ArrayList<>();
        for (StatementsSnapshot.StatementStat s : snapshot.statements()) {
            if (s.query() != null && from.matcher(s.query()).find() && where.matcher(s.query()).find()) {
                String q = s.query().replaceAll("\\s+", " ");
                out.add(s.queryid() + ": " + (q.length() > 120 ? q.substring(0, 120) + "..." : q));
                if (out.size() >= 10) {
                    break;
                }
            }
        }
        return out;
    }

    /**
     * The low-downtime route, as SQL for people to review: the existing rows bounded by a CHECK
     * validated without blocking writes; then, in one short transaction under lock_timeout, the table
     * renamed, a partitioned parent under the old name, the old table attached as the historical
     * partition (no scan: the CHECK proves it), and the next partitions made ahead.
     */
    static String plan(String schema, String table, String column, ColumnType type, PartitionInterval interval,
                       Instant now) {
        PartitionSet shape = new PartitionSet(schema, table, column, interval, 4, Optional.empty(),
                PartitionSet.Retention.NONE, Optional.empty(), ZoneOffset.UTC, interval.defaultNaming());
        LocalDate current = interval.floor(type.day(type.now(now, ZoneOffset.UTC), ZoneOffset.UTC));
        LocalDate boundary = interval.next(current);
        String t = Identifiers.quote(schema) + "." + Identifiers.quote(table);
        String historyName = cut(table, "_history");
        String history = Identifiers.quote(schema) + "." + Identifiers.quote(historyName);
        String col = Identifiers.quote(column);
        String check = Identifiers.quote(cut(table, "_history_bound"));
        String bound = type.literal(boundary, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder();
        b.append("-- Convert ").append(schema).append('.').append(table).append(" to ").append(interval.label())
                .append(" range partitions by ").append(column).append(". For review: pgsidecar does not run this.\n")
                .append("-- A primary key or unique constraint on a partitioned table must include ").append(column)
                .append(";\n-- foreign keys that reference the table must be dropped first and re-created against the "
                        + "new parent.\n")
                .append("-- 1. Bound the existing rows, validated without blocking writes:\n")
                .append("ALTER TABLE ").append(t).append(" ADD CONSTRAINT ").append(check).append(" CHECK (").append(col)
                .append(" IS NOT NULL AND ").append(col).append(" < ").append(bound).append(") NOT VALID;\n")
                .append("ALTER TABLE ").append(t).append(" VALIDATE CONSTRAINT ").append(check).append(";\n")
                .append("-- 2. The swap, in one short transaction:\n")
                .append("BEGIN;\nSET LOCAL lock_timeout = '2s';\n")
                .append("ALTER TABLE ").append(t).append(" RENAME TO ").append(Identifiers.quote(historyName)).append(";\n")
                .append("CREATE TABLE ").append(t).append(" (LIKE ").append(history)
                .append(" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)")
                .append(" PARTITION BY RANGE (").append(col).append(");\n")
                .append("ALTER TABLE ").append(t).append(" ATTACH PARTITION ").append(history)
                .append(" FOR VALUES FROM (MINVALUE) TO (").append(bound).append(");\n");
        LocalDate d = boundary;
        for (int i = 0; i < 4; i++) {
            Layout.Range r = Layout.range(shape, type, d, interval.next(d));
            b.append("CREATE TABLE ").append(Identifiers.quote(schema)).append('.').append(Identifiers.quote(r.name()))
                    .append(" PARTITION OF ").append(t).append(" FOR VALUES FROM (").append(r.lowerLiteral())
                    .append(") TO (").append(r.upperLiteral()).append(");\n");
            d = interval.next(d);
        }
        b.append("COMMIT;\n")
                .append("-- 3. Indexes for the parent: CREATE INDEX ... ON ONLY ").append(t)
                .append(" (...), then ALTER INDEX ... ATTACH PARTITION each partition's matching index\n")
                .append("--    (the history table's existing indexes attach without a rebuild).\n")
                .append("-- 4. Add the set to PARTITION_STRATEGIES so pgsidecar keeps partitions ahead:\n")
                .append("--    {\"table_name\": \"").append(schema).append('.').append(table)
                .append("\", \"partition_type\": \"range\", \"partition_column\": \"").append(column)
                .append("\", \"strategy_config\": {\"interval\": \"").append(interval.label()).append("\"}}\n");
        return b.toString();
    }

    private static String cut(String table, String suffix) {
        return (table.length() + suffix.length() > 63 ? table.substring(0, 63 - suffix.length()) : table) + suffix;
    }
}
