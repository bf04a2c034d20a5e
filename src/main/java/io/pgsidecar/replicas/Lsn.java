package io.pgsidecar.replicas;

/** PostgreSQL WAL positions ({@code 16/B374D848}) as byte offsets. */
public final class Lsn {

    private Lsn() {
    }

    /** The byte position of an LSN in text form; null stays null. */
    public static Long parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an LSN: " + text);
        }
        long hi = Long.parseLong(text.substring(0, slash), 16);
        long lo = Long.parseLong(text.substring(slash + 1), 16);
        return (hi << 32) | lo;
    }
}
