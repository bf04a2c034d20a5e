package io.pgsidecar.partitions;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.Optional;

/**
 * One configured partition set: a range-partitioned parent, its key column, how long each partition
 * is, how many to keep ahead, and what happens to old ones.
 *
 * @param retentionMonths empty when the set keeps everything
 */
public record PartitionSet(String schema, String table, String column, PartitionInterval interval, int premake,
                           Optional<Integer> retentionMonths, Retention retention, Optional<String> archiveSchema,
                           ZoneId zone, String naming) {

    /** What retention does with a partition past the cutoff. */
    public enum Retention {
        /** Nothing: the set keeps every partition (the default). */
        NONE,
        /** Detached from the parent and kept as a table of its own (moved to the archive schema if given). */
        DETACH,
        /** Detached and dropped: the data is gone. */
        DROP
    }

    public String qualified() {
        return schema + "." + table;
    }

    /** The name of the partition starting on {@code start}, at most 63 bytes (the parent's name is cut to fit). */
    String partitionName(LocalDate start) {
        String rest = naming.replace("{YYYY}", String.format("%04d", start.getYear()))
                .replace("{MM}", String.format("%02d", start.getMonthValue()))
                .replace("{DD}", String.format("%02d", start.getDayOfMonth()))
                .replace("{IYYY}", String.format("%04d", start.get(IsoFields.WEEK_BASED_YEAR)))
                .replace("{IW}", String.format("%02d", start.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)))
                .replace("{Q}", Integer.toString(start.get(IsoFields.QUARTER_OF_YEAR)));
        if (!rest.contains("{parent}")) {
            return cut(rest, 63);
        }
        int room = 63 - (rest.replace("{parent}", "").getBytes(StandardCharsets.UTF_8).length);
        return rest.replace("{parent}", cut(table, Math.max(1, room)));
    }

    private static String cut(String s, int bytes) {
        String out = s;
        while (out.getBytes(StandardCharsets.UTF_8).length > bytes) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }
}
