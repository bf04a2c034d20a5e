package io.pgsidecar.partitions;

import java.time.Instant;
import java.util.Map;

/**
 * What the leader's partition job last learned, for the metrics and the alert rules: per table its
 * runway, rows in the default partition and partition count, and the job history's endings.
 *
 * @param at null before the leader's first run
 */
record PartitionsState(Instant at, Map<String, TableState> tables, JobStore.Endings endings) {

    static final PartitionsState EMPTY = new PartitionsState(null, Map.of(), JobStore.Endings.NONE);

    /**
     * @param premake for a configured set, else null
     * @param runway whole intervals ahead for a configured set; future partitions for another table
     * @param defaultRows counted (up to a cap) for a configured set, estimated for another table; null: no default partition
     */
    record TableState(String table, boolean configured, Integer premake, int runway, Long defaultRows, int partitions,
                      long bytes) {
    }

    /** Sets whose last job that did not end ok ended after their last ok one. */
    boolean failing(String table) {
        Instant bad = endings.notOk().get(table);
        Instant ok = endings.ok().get(table);
        return bad != null && (ok == null || bad.isAfter(ok));
    }
}
