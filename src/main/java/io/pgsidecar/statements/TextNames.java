package io.pgsidecar.statements;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The names and operators a statement text mentions, read the way PostgreSQL's lexer reads them:
 * unquoted identifiers folded to lower case, quoted ones as written, operators as the longest run of
 * operator characters; string literals (plain, {@code E'...'}, dollar-quoted), comments (nested) and
 * {@code $n} parameters are skipped. It never refuses a text: whatever it cannot read is skipped, so
 * the screen that uses it errs towards seeing more names, never fewer.
 *
 * @param names identifiers: every candidate name of a function, relation or type
 * @param operators operator symbols such as {@code +++} or {@code @>}
 */
record TextNames(Set<String> names, Set<String> operators) {

    private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

    static TextNames of(String text) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> operators = new LinkedHashSet<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                while (i < n && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                i = skipBlockComment(text, i);
            } else if (c == '\'') {
                i = skipString(text, i + 1, false);
            } else if ((c == 'e' || c == 'E') && i + 1 < n && text.charAt(i + 1) == '\''
                    && (i == 0 || !isIdentPart(text.charAt(i - 1)))) {
                i = skipString(text, i + 2, true);
            } else if ((c == 'u' || c == 'U') && text.startsWith("&\"", i + 1)
                    && (i == 0 || !isIdentPart(text.charAt(i - 1)))) {
                // U&"d\0061ta": the name with its escapes decoded, and as written (whichever the server reads)
                int end = text.indexOf('"', i + 3);
                end = end < 0 ? n : end;
                String raw = text.substring(i + 3, end);
                names.add(raw);
                names.add(unicodeEscapes(raw));
                i = end + 1;
            } else if (c == '"') {
                int end = i + 1;
                StringBuilder name = new StringBuilder();
                while (end < n) {
                    char d = text.charAt(end);
                    if (d == '"') {
                        if (end + 1 < n && text.charAt(end + 1) == '"') {
                            name.append('"');
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    name.append(d);
                    end++;
                }
                if (name.length() > 0) {
                    names.add(name.toString());
                }
                i = end + 1;
            } else if (c == '$') {
                int tagEnd = dollarTagEnd(text, i);
                if (tagEnd > 0) {
                    String tag = text.substring(i, tagEnd + 1);
                    int close = text.indexOf(tag, tagEnd + 1);
                    i = close < 0 ? n : close + tag.length();
                } else {
                    i++;
                    while (i < n && Character.isDigit(text.charAt(i))) {
                        i++; // a parameter ($1)
                    }
                }
            } else if (isIdentStart(c)) {
                int end = i + 1;
                while (end < n && isIdentPart(text.charAt(end))) {
                    end++;
                }
                names.add(fold(text.substring(i, end)));
                i = end;
            } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
                int end = i + 1;
                while (end < n && OPERATOR_CHARS.indexOf(text.charAt(end)) >= 0
                        && !text.startsWith("--", end) && !text.startsWith("/*", end)) {
                    end++;
                }
                addOperator(operators, text.substring(i, end));
                i = end;
            } else {
                i++;
            }
        }
        // key words the parser turns into operators
        for (String[] k : IMPLIED) {
            if (names.contains(k[0])) {
                operators.addAll(java.util.Arrays.asList(k).subList(1, k.length));
            }
        }
        return new TextNames(names, operators);
    }

    /** A key word and the operators it stands for. */
    private static final String[][] IMPLIED = {
        {"like", "~~", "!~~"}, {"ilike", "~~*", "!~~*"}, {"similar", "~", "!~"},
        {"between", ">=", "<=", ">", "<"}, {"in", "=", "<>"}, {"any", "=", "<>"}, {"some", "=", "<>"},
        {"all", "=", "<>"}, {"case", "="}, {"nullif", "="}, {"distinct", "=", "<>"}};

    /** Unquoted names fold as PostgreSQL folds them: ASCII letters only. */
    private static String fold(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int k = 0; k < name.length(); k++) {
            char ch = name.charAt(k);
            b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
        }
        return b.toString();
    }

    /**
     * An operator as the lexer splits it: a trailing + or - is its own operator unless the run holds
     * one of ~ ! @ # % ^ & | ` ? (so {@code =-} is {@code =} and {@code -}). Both readings are kept.
     */
    private static void addOperator(Set<String> operators, String op) {
        operators.add(op);
        String rest = op;
        boolean keepsTrailing = rest.chars().anyMatch(ch -> "~!@#%^&|`?".indexOf(ch) >= 0);
        while (!keepsTrailing && rest.length() > 1 && (rest.endsWith("+") || rest.endsWith("-"))) {
            operators.add(rest.substring(rest.length() - 1));
            rest = rest.substring(0, rest.length() - 1);
            operators.add(rest);
        }
    }

    /** The \XXXX and \+XXXXXX escapes of a U&"..." name decoded (the default escape character). */
    private static String unicodeEscapes(String raw) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < raw.length(); k++) {
            char ch = raw.charAt(k);
            try {
                if (ch == '\\' && k + 1 < raw.length() && raw.charAt(k + 1) == '\\') {
                    b.append('\\');
                    k++;
                } else if (ch == '\\' && k + 7 < raw.length() && raw.charAt(k + 1) == '+') {
                    b.appendCodePoint(Integer.parseInt(raw.substring(k + 2, k + 8), 16));
                    k += 7;
                } else if (ch == '\\' && k + 4 < raw.length()) {
                    b.appendCodePoint(Integer.parseInt(raw.substring(k + 1, k + 5), 16));
                    k += 4;
                } else {
                    b.append(ch);
                }
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /** The index after a string that starts (after its quote) at {@code i}; backslash escapes in E'...'. */
    private static int skipString(String text, int i, boolean backslashes) {
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < n && text.charAt(i + 1) == '\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    private static int skipBlockComment(String text, int i) {
        int depth = 0;
        int n = text.length();
        while (i < n) {
            if (text.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (text.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** The index of the closing {@code $} of a dollar-quote tag ({@code $$}, {@code $tag$}) at {@code i}, or -1. */
    private static int dollarTagEnd(String text, int i) {
        int j = i + 1;
        if (j < text.length() && text.charAt(j) == '$') {
            return j;
        }
        if (j >= text.length() || !isIdentStart(text.charAt(j))) {
            return -1;
        }
        while (j < text.length() && isIdentPart(text.charAt(j)) && text.charAt(j) != '$') {
            j++;
        }
        return j < text.length() && text.charAt(j) == '$' ? j : -1;
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c >= 0x80;
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || Character.isDigit(c) || c == '$';
    }
}
