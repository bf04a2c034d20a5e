package io.pgsidecar.db;

import java.util.regex.Pattern;

/** Checks and quotes SQL identifiers that must be spliced into statements (never user text). */
public final class Identifiers {

    private static final Pattern SIMPLE = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

    private Identifiers() {
    }

    /** True for a lower-case, unquoted-safe identifier of at most 63 characters. */
    public static boolean isSimple(String name) {
        return name != null && SIMPLE.matcher(name).matches();
    }

    /** Quotes an identifier the way {@code quote_ident} does. */
    public static String quote(String name) {
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not an identifier: " + name);
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
