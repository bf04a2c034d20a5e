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

    /**
     * PostgreSQL's reserved key words and those it reserves for types and functions: as a role,
     * schema or table name they need quotes (the unreserved and column-name ones do not).
     */
    private static final java.util.Set<String> RESERVED = java.util.Set.of("all", "analyse", "analyze", "and", "any",
            "array", "as", "asc", "asymmetric", "both", "case", "cast", "check", "collate", "column", "constraint",
            "create", "current_catalog", "current_date", "current_role", "current_time", "current_timestamp",
            "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false",
            "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
            "lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or",
            "order", "placing", "primary", "references", "returning", "select", "session_user", "some", "symmetric",
            "system_user", "table", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic",
            "when", "where", "window", "with",
            "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full",
            "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps",
            "right", "similar", "tablesample", "verbose");

    /** An identifier as {@code quote_ident} shows it: as is when it needs no quotes, else quoted. */
    public static String display(String name) {
        return isSimple(name) && !RESERVED.contains(name) ? name : quote(name);
    }

    /** Quotes an identifier the way {@code quote_ident} does. */
    public static String quote(String name) {
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not an identifier: " + name);
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
