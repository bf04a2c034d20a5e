package io.pgsidecar.maintenance;

/** The errors maintenance reports to its callers; the admin API maps each to a status and code. */
public final class MaintenanceExceptions {

    private MaintenanceExceptions() {
    }

    /** No task of this name. */
    public static final class UnknownTask extends RuntimeException {
        public UnknownTask(String name) {
            super("maintenance task '" + name + "' does not exist (known: update_statistics, vacuum, maintain_indexes, "
                    + "cleanup_old_data, connection_health, housekeeping)");
        }
    }

    /** A table named in a request that is not in the database, or not one the task can act on. */
    public static final class UnknownTable extends RuntimeException {
        public UnknownTable(String table, String why) {
            super("table '" + table + "' " + why);
        }
    }

    /** The task runs already (here or on another agent), or every maintenance slot is taken. */
    public static final class AlreadyRunning extends RuntimeException {
        private final Long runId;

        public AlreadyRunning(String message, Long runId) {
            super(message);
            this.runId = runId;
        }

        public Long runId() {
            return runId;
        }
    }

    /** A cancel of a run that has ended already. */
    public static final class NotRunning extends RuntimeException {
        public NotRunning(String message) {
            super(message);
        }
    }

    /** No run with this id. */
    public static final class UnknownRun extends RuntimeException {
        public UnknownRun(long id) {
            super("maintenance run '" + id + "' does not exist");
        }
    }

    /** The run cannot be done on this server (a standby, a PostgreSQL release with a known bug). */
    public static final class Refused extends RuntimeException {
        public Refused(String why) {
            super(why);
        }
    }
}
