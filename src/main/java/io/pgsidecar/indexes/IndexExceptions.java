package io.pgsidecar.indexes;

import io.pgsidecar.db.ActionExceptions;

/**
 * The errors the index feature reports to its callers; the admin API maps each to a status and code.
 * BadRequest, UnknownTable, Busy and Refused are the shared {@link ActionExceptions} under this
 * feature's names, only because IndexService and IndexBuilder (changed by other work right now) still
 * throw them by these names; they are mapped as the shared ones and go once those two move over.
 */
public final class IndexExceptions {

    private IndexExceptions() {
    }

    /** A request that cannot be read as an index to build: nothing was done. */
    public static final class BadRequest extends ActionExceptions.BadRequest {
        public BadRequest(String message) {
            super(message);
        }
    }

    /** A table or column that does not exist. */
    public static final class UnknownTable extends ActionExceptions.UnknownTable {
        public UnknownTable(String message) {
            super(message);
        }
    }

    /** No recommendation or build with this id. */
    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** Another build works on the table (here or on another agent). */
    public static final class Busy extends ActionExceptions.Busy {
        public Busy(String message) {
            super(message);
        }
    }

    /** An index of that name exists with another definition. */
    public static final class NameTaken extends RuntimeException {
        public NameTaken(String message) {
            super(message);
        }
    }

    /** Not on this server: a standby, or PostgreSQL 14.0–14.3. */
    public static final class Refused extends ActionExceptions.Refused {
        public Refused(String message) {
            super(message);
        }
    }

    /** The build ran and failed; its leftover was dropped. */
    public static final class BuildFailed extends RuntimeException {
        private final long buildId;

        public BuildFailed(long buildId, String message) {
            super(message);
            this.buildId = buildId;
        }

        public long buildId() {
            return buildId;
        }
    }
}
