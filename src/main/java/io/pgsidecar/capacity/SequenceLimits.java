package io.pgsidecar.capacity;

import io.pgsidecar.capacity.CapacitySnapshot.SequenceUse;
import java.time.Instant;
import java.util.Locale;

/** A sequence's limit: its own bound, or the integer column it feeds where that ends first (pure). */
final class SequenceLimits {

    private SequenceLimits() {
    }

    /** One sequence as read. */
    record Row(String sequence, String dataType, Long lastValue, long minValue, long maxValue, long increment,
               boolean cycles, String table, String column, String columnType) {
    }

    /** The largest value of an integer column type, or null for another type (numeric). */
    static Long columnMax(String type) {
        if (type == null) {
            return null;
        }
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "smallint" -> (long) Short.MAX_VALUE;
            case "integer" -> (long) Integer.MAX_VALUE;
            case "bigint" -> Long.MAX_VALUE;
            default -> null;
        };
    }

    static Long columnMin(String type) {
        if (type == null) {
            return null;
        }
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "smallint" -> (long) Short.MIN_VALUE;
            case "integer" -> (long) Integer.MIN_VALUE;
            case "bigint" -> Long.MIN_VALUE;
            default -> null;
        };
    }

    /** The sequence against its limit, with the date it reaches it at {@code perSecond} (null: unknown). */
    static SequenceUse use(Row r, Double perSecond, Instant now) {
        boolean up = r.increment() > 0;
        long own = up ? r.maxValue() : r.minValue();
        Long col = up ? columnMax(r.columnType()) : columnMin(r.columnType());
        boolean byColumn = col != null && (up ? col < own : col > own);
        long limit = byColumn ? col : own;
        Double ratio = null;
        Instant at = null;
        if (r.lastValue() != null) {
            ratio = limit == 0 ? null : Math.max(0, r.lastValue() / (double) limit);
            if (perSecond != null && perSecond != 0 && Math.signum(perSecond) == Math.signum(r.increment())) {
                double seconds = (limit - (double) r.lastValue()) / perSecond;
                if (seconds >= 0 && seconds < 1e11) {
                    at = now.plusMillis((long) (seconds * 1000));
                }
            }
        }
        return new SequenceUse(r.sequence(), r.dataType(), r.lastValue(), limit, byColumn ? "column" : "sequence",
                r.table(), r.column(), r.columnType(), ratio, perSecond, r.cycles() ? null : at, r.cycles());
    }
}
