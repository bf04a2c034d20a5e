package io.pgsidecar.maintenance;

import java.util.Locale;

/** What a retention rule's column may be. */
final class CleanupChecks {

    private CleanupChecks() {
    }

    /** date, timestamp and timestamptz (whatever their precision) decide a row's age. */
    static boolean isDateType(String formatted) {
        String t = formatted.toLowerCase(Locale.ROOT);
        return t.equals("date") || t.startsWith("timestamp");
    }
}
