package io.pgsidecar.statements;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The kind of a statement, from its first keyword (after comments); WITH is classed by its main verb. */
public enum StatementType {
    SELECT, INSERT, UPDATE, DELETE, OTHER;

    private static final Pattern COMMENTS = Pattern.compile("(?s)/\\*.*?\\*/|--[^\\n]*");
    private static final Pattern FIRST_WORD = Pattern.compile("^[\\s(]*([A-Za-z]+)");
    private static final Pattern MAIN_VERB_AFTER_CTE = Pattern.compile("\\)\\s*(SELECT|INSERT|UPDATE|DELETE)\\b",
            Pattern.CASE_INSENSITIVE);

    public static StatementType of(String text) {
        if (text == null) {
            return OTHER;
        }
        String t = strip(text);
        Matcher m = FIRST_WORD.matcher(t);
        if (!m.find()) {
            return OTHER;
        }
        String word = m.group(1).toUpperCase(Locale.ROOT);
        if (word.equals("WITH")) {
            Matcher v = MAIN_VERB_AFTER_CTE.matcher(t);
            StatementType last = OTHER;
            while (v.find()) {
                last = valueOf(v.group(1).toUpperCase(Locale.ROOT));
            }
            return last;
        }
        if (word.equals("TABLE") || word.equals("VALUES")) {
            return SELECT;
        }
        try {
            StatementType s = valueOf(word);
            return s == OTHER ? OTHER : s;
        } catch (IllegalArgumentException e) {
            return OTHER;
        }
    }

    /** The text without comments, trimmed. */
    static String strip(String text) {
        return COMMENTS.matcher(text).replaceAll(" ").trim();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
