package io.pgsidecar.db;

import java.util.Objects;

/**
 * A table name as a caller writes it, read the way PostgreSQL reads one: {@code table} or
 * {@code schema.table}, each part an unquoted identifier, folded to lower case, or a double-quoted one,
 * kept as written (it may hold dots, spaces and {@code ""} for a quote). Blanks around the parts are
 * allowed; anything else (a third part, an operator, a comment, an empty part, a part over 63 bytes)
 * is refused, since these names end up in the catalog lookups and statements the agent builds.
 *
 * <p>Unquoted identifiers are what PostgreSQL's lexer takes: a letter (ASCII or not) or {@code _},
 * then letters, digits, {@code _} and {@code $}; only ASCII letters are folded, as PostgreSQL does
 * in a UTF-8 database. Key words are not refused: the name is looked up in the catalog and quoted
 * when spliced, so {@code public.user} names a table called {@code user}.
 *
 * @param schema the schema, or null when the caller named none
 * @param name the table
 */
public record QualifiedName(String schema, String name) {

    /** Longest part in bytes of UTF-8: PostgreSQL's NAMEDATALEN - 1. */
    public static final int MAX_PART_BYTES = 63;
    /** Longest text read: two quoted parts of the longest, every character a doubled quote, and a dot. */
    private static final int MAX_TEXT = 4 * MAX_PART_BYTES + 64;

    public QualifiedName {
        checkPart(name, "table name");
        if (schema != null) {
            checkPart(schema, "schema name");
        }
    }

    /**
     * Reads {@code text} as a table name.
     *
     * @throws IllegalArgumentException naming what is wrong and where (1-based position)
     */
    public static QualifiedName parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no table name was given");
        }
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("the table name is " + text.length() + " characters; a [schema.]table "
                    + "name is at most " + MAX_TEXT);
        }
        Reader r = new Reader(text);
        r.blanks();
        if (r.atEnd()) {
            throw new IllegalArgumentException("the table name is empty");
        }
        String first = r.part();
        r.blanks();
        String second = null;
        if (!r.atEnd() && r.peek() == '.') {
            r.i++;
            r.blanks();
            second = r.part();
            r.blanks();
        }
        if (!r.atEnd()) {
            throw new IllegalArgumentException("only a table name ([schema.]table) is accepted; found " + r.found()
                    + " at position " + (r.i + 1));
        }
        return second == null ? new QualifiedName(null, first) : new QualifiedName(first, second);
    }

    /** This name, or with {@code schema} when it names none. */
    public QualifiedName orIn(String schema) {
        return this.schema != null ? this : new QualifiedName(schema, name);
    }

    /** The name as PostgreSQL takes it in a statement: each part double-quoted ({@link Identifiers#quote}). */
    public String quoted() {
        return (schema == null ? "" : Identifiers.quote(schema) + ".") + Identifiers.quote(name);
    }

    /**
     * The name as {@code regclass} shows it: a part quoted only where it needs quotes
     * ({@link Identifiers#display}), so {@code public.orders} but {@code public."Orders"}.
     */
    public String display() {
        return (schema == null ? "" : Identifiers.display(schema) + ".") + Identifiers.display(name);
    }

    /** The parts joined with a dot, as messages and the API have always shown them ({@code public.Orders}). */
    @Override
    public String toString() {
        return schema == null ? name : schema + "." + name;
    }

    private static void checkPart(String part, String what) {
        Objects.requireNonNull(part, what);
        if (part.isEmpty()) {
            throw new IllegalArgumentException("the " + what + " is empty");
        }
        for (int k = 0; k < part.length(); k++) {
            char c = part.charAt(k);
            if (c == '\0') {
                throw new IllegalArgumentException("the " + what + " holds the character U+0000");
            }
            if (Character.isHighSurrogate(c) && k + 1 < part.length() && Character.isLowSurrogate(part.charAt(k + 1))) {
                k++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("the " + what + " holds an unpaired surrogate character");
            }
        }
        int bytes = part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_PART_BYTES) {
            throw new IllegalArgumentException("the " + what + " " + clip(part) + " is " + bytes + " bytes; at most "
                    + MAX_PART_BYTES + " are accepted");
        }
    }

    private static String clip(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** A cursor over the text. */
    private static final class Reader {

        private final String s;
        private int i;

        Reader(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        char peek() {
            return s.charAt(i);
        }

        void blanks() {
            while (!atEnd()) {
                char c = peek();
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B') {
                    i++;
                } else if (s.startsWith("--", i) || s.startsWith("/*", i)) {
                    throw new IllegalArgumentException("comments are not accepted in a name (at position " + (i + 1)
                            + ")");
                } else {
                    return;
                }
            }
        }

        /** One identifier at {@code i}: quoted as written, unquoted folded. */
        String part() {
            if (atEnd()) {
                throw new IllegalArgumentException("a name is missing at the end (after position " + i + ")");
            }
            int start = i;
            if (peek() == '"') {
                StringBuilder value = new StringBuilder();
                i++;
                while (true) {
                    if (atEnd()) {
                        throw new IllegalArgumentException("unterminated quoted identifier starting at position "
                                + (start + 1));
                    }
                    char c = s.charAt(i++);
                    if (c == '"') {
                        if (!atEnd() && peek() == '"') {
                            value.append('"');
                            i++;
                            continue;
                        }
                        break;
                    }
                    value.append(c);
                }
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("an empty quoted identifier (\"\") at position " + (start + 1)
                            + " is not accepted");
                }
                return value.toString();
            }
            int cp = s.codePointAt(i);
            if (!identStart(cp)) {
                throw new IllegalArgumentException("expected a name at position " + (start + 1) + "; found " + found());
            }
            StringBuilder value = new StringBuilder();
            while (!atEnd() && identPart(s.codePointAt(i))) {
                cp = s.codePointAt(i);
                value.appendCodePoint(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp);
                i += Character.charCount(cp);
            }
            return value.toString();
        }

        /** What stands at {@code i}, for a message. */
        String found() {
            int cp = s.codePointAt(i);
            if (cp > 0x20 && cp < 0x7F) {
                return "'" + (char) cp + "'";
            }
            return String.format("U+%04X", cp);
        }

        private static boolean identStart(int cp) {
            return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_'
                    || (cp > 0x7F && Character.isLetter(cp));
        }

        private static boolean identPart(int cp) {
            return identStart(cp) || (cp >= '0' && cp <= '9') || cp == '$'
                    || (cp > 0x7F && Character.isLetterOrDigit(cp));
        }
    }
}
