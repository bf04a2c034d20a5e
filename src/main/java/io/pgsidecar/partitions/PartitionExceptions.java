package io.pgsidecar.partitions;

import io.pgsidecar.db.ActionExceptions;

/**
 * The errors only the partitions feature reports to its callers; the admin API maps each to a status and
 * code. Those it shares with the other acting features (unknown table, bad request, busy, refused) are
 * {@link ActionExceptions}.
 */
public final class PartitionExceptions {

    private PartitionExceptions() {
    }

    /** The table is not range-partitioned on a date or timestamp column: 422 with where to go instead. */
    public static final class NotManageable extends RuntimeException {
        public NotManageable(String message) {
            super(message);
        }
    }

    /** An existing partition covers part of a requested range with other bounds. */
    public static final class Overlap extends RuntimeException {
        public Overlap(String message) {
            super(message);
        }
    }

    /** pg_partman manages the table: the agent never touches it. */
    public static final class ManagedByPartman extends RuntimeException {
        public ManagedByPartman(String table) {
            super("table " + table + " is managed by pg_partman (its part_config); pgsidecar never changes it");
        }
    }

    /** Another session (the job, another agent, another call) works on the set now. */
    public static ActionExceptions.Busy busy(String table) {
        return new ActionExceptions.Busy("partitions of " + table + " are being changed by another session now (the "
                + "partition job, another agent or another call); try again in a moment");
    }
}
