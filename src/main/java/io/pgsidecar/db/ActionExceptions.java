package io.pgsidecar.db;

/**
 * The errors that maintenance, partitions and indexes all report when a request cannot act on the
 * database: declared once here and mapped once in the admin API's error table. What only one feature
 * can say (an unknown run, a partition overlap, a name taken) stays in that feature's exceptions.
 */
public final class ActionExceptions {

    private ActionExceptions() {
    }

    /** A request names a table (or column) that is not there, or a name that is not a table name. */
    public static class UnknownTable extends RuntimeException {

        public UnknownTable(String message) {
            super(message);
        }

        /** {@code table 'name' why}: a named table and what is wrong with it. */
        public UnknownTable(String table, String why) {
            super("table '" + table + "' " + why);
        }
    }

    /** A request that cannot be carried out as given: nothing was done. */
    public static class BadRequest extends RuntimeException {

        public BadRequest(String message) {
            super(message);
        }
    }

    /** Another session (a job, another agent, another call) works on the same thing now. */
    public static class Busy extends RuntimeException {

        public Busy(String message) {
            super(message);
        }
    }

    /** Not on this server: a standby, or a PostgreSQL release with a known bug for the action. */
    public static class Refused extends RuntimeException {

        public Refused(String message) {
            super(message);
        }
    }
}
