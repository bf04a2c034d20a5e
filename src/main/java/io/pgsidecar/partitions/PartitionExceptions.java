package io.pgsidecar.partitions;

/** The errors the partitions feature reports to its callers; the admin API maps each to a status and code. */
public final class PartitionExceptions {

    private PartitionExceptions() {
    }

    /** A request names a table that is not there (or a name that is not a table name). */
    public static final class UnknownTable extends RuntimeException {
        public UnknownTable(String message) {
            super(message);
        }
    }

    /** A request that cannot be carried out as given: dates, interval, a range too long. */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message);
        }
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
    public static final class Busy extends RuntimeException {
        public Busy(String table) {
            super("partitions of " + table + " are being changed by another session now (the partition job, another "
                    + "agent or another call); try again in a moment");
        }
    }

    /** The database cannot take DDL (a standby). */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }
}
