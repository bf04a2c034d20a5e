package io.pgsidecar.activity;

/** What only the activity feature reports; mapped in the admin API's error table. */
public final class ActivityExceptions {

    private ActivityExceptions() {
    }

    /** No session has this pid. */
    public static class UnknownSession extends RuntimeException {
        public UnknownSession(int pid) {
            super("no session has pid " + pid + " (it has ended)");
        }
    }

    /**
     * The pid is not the session that was judged: it ended, and the pid may now be another one's
     * (its start differs). Nothing was signalled.
     */
    public static class SessionChanged extends RuntimeException {
        public SessionChanged(String message) {
            super(message);
        }
    }
}
