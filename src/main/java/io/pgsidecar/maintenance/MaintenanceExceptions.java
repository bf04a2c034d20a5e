package io.pgsidecar.maintenance;

/**
 * The errors only maintenance reports to its callers; the admin API maps each to a status and code.
 * Those it shares with the other acting features (unknown table, refused) are {@link io.pgsidecar.db.ActionExceptions}.
 */
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

}
