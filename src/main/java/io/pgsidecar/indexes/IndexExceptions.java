package io.pgsidecar.indexes;

/**
 * The errors only the index feature reports; the admin API maps each to a status and code. Those it
 * shares with the other acting features (bad request, unknown table, busy, refused) are
 * {@link io.pgsidecar.db.ActionExceptions}.
 */
public final class IndexExceptions {

    private IndexExceptions() {
    }



    /** No recommendation or build with this id. */
    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }


    /** An index of that name exists with another definition. */
    public static final class NameTaken extends RuntimeException {
        public NameTaken(String message) {
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
