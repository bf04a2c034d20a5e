package io.pgsidecar.alerts;

/** Helpers for the texts rules put into alerts. */
public final class AlertTexts {

    private AlertTexts() {
    }

    /** A query text on one line, cut to 300 characters, for an alert description. */
    public static String clip(String query) {
        if (query == null) {
            return "(text not available)";
        }
        String one = query.replaceAll("\\s+", " ").strip();
        return one.length() > 300 ? one.substring(0, 300) + "…" : one;
    }
}
