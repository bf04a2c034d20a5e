package io.pgsidecar.partitions;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A top-level partitioned table as the catalog describes it, with its partitions.
 *
 * @param strategy {@code range}, {@code list} or {@code hash}
 * @param keyColumn the key when it is one plain column, else null (expression or several columns)
 * @param keyType {@code format_type} of that column, else null
 * @param partman whether pg_partman manages it ({@code part_config})
 */
public record PartitionedTable(String schema, String name, String strategy, String keyColumn, String keyType,
                               boolean partman, List<Partition> partitions) {

    /** One partition. Bounds are on the key's scale (see {@link ColumnType}); empty when unbounded or unreadable. */
    public record Partition(String schema, String name, String bound, Optional<Instant> lower, Optional<Instant> upper,
                            boolean isDefault, boolean minValue, boolean maxValue, double rows, long bytes,
                            boolean detachPending, boolean partitioned, String newest) {

        public String qualified() {
            return schema + "." + name;
        }

        /** Whether this partition's range is exactly [lower, upper). */
        boolean covers(Instant lo, Instant hi) {
            return lower.isPresent() && upper.isPresent() && lower.get().equals(lo) && upper.get().equals(hi);
        }

        /** Whether this partition's range overlaps [lower, upper). */
        boolean overlaps(Instant lo, Instant hi) {
            if (isDefault) {
                return false;
            }
            boolean startsBeforeHi = minValue || (lower.isPresent() && lower.get().isBefore(hi));
            boolean endsAfterLo = maxValue || (upper.isPresent() && upper.get().isAfter(lo));
            return startsBeforeHi && endsAfterLo;
        }
    }

    public String qualified() {
        return schema + "." + name;
    }

    /** A range-partitioned table on one date or timestamp column: one the agent can manage. */
    boolean manageable() {
        return "range".equals(strategy) && type().isPresent();
    }

    Optional<ColumnType> type() {
        return ColumnType.of(keyType);
    }

    Optional<Partition> defaultPartition() {
        return partitions.stream().filter(Partition::isDefault).findFirst();
    }

    /** The partitions with a range, by lower bound (MINVALUE first). */
    List<Partition> ranged() {
        return partitions.stream().filter(p -> !p.isDefault())
                .sorted((a, b) -> {
                    if (a.minValue() != b.minValue()) {
                        return a.minValue() ? -1 : 1;
                    }
                    return a.lower().orElse(Instant.MIN).compareTo(b.lower().orElse(Instant.MIN));
                }).toList();
    }
}
