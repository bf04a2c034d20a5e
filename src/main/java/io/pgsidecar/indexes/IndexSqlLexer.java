package io.pgsidecar.indexes;

import io.pgsidecar.indexes.IndexSqlParser.Refused;
import java.util.Locale;

/**
 * The tokenizer of {@link IndexSqlParser}: produces tokens on demand, so that the first problem in reading order is
 * the one reported. It refuses what PostgreSQL would read differently from how it looks (escape, bit-string and
 * dollar-quoted strings, parameters, Unicode escapes, NUL) and, where names are read, comments.
 */
final class IndexSqlLexer {

    enum T { IDENT, STRING, NUMBER, PUNCT, EOF }

    /**
     * A token. For IDENT the value is the folded (unquoted) or unescaped (quoted) name; for STRING the unescaped
     * content; for NUMBER and PUNCT the text itself. {@code raw} is the source text, {@code pos} its 0-based start.
     */
    static final class Token {
        final T type;
        final String value;
        final boolean quoted;
        final int pos;
        final String raw;

        Token(T type, String value, boolean quoted, int pos, String raw) {
            this.type = type;
            this.value = value;
            this.quoted = quoted;
            this.pos = pos;
            this.raw = raw;
        }
    }

    static String at(Token token) {
        return " at position " + (token.pos + 1);
    }

    /** A short, printable rendering of a token for messages. */
    static String describe(Token token) {
        switch (token.type) {
            case EOF:
                return "end of input";
            case PUNCT:
                return "'" + token.value + "'";
            case STRING:
                return "string " + printable(token.raw);
            case NUMBER:
                return "number " + printable(token.raw);
            default:
                return printable(token.raw);
        }
    }

    /** A token as a key word would be written: unquoted identifiers upper-cased. */
    static String word(Token token) {
        if (token.type == T.IDENT && !token.quoted) {
            return token.value.toUpperCase(Locale.ROOT);
        }
        return describe(token);
    }

    static String printable(String text) {
        String clipped = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < clipped.length(); i++) {
            char c = clipped.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- lexer

    private final String s;
    private final boolean commentsAllowed;
    private int i;

    IndexSqlLexer(String s, boolean commentsAllowed) {
        this.s = s;
        this.commentsAllowed = commentsAllowed;
        // NUL and unpaired surrogates cannot be sent to PostgreSQL faithfully; refuse them wherever they are.
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '\0') {
                throw new Refused("character U+0000 at position " + (k + 1) + " is not accepted");
            }
            if (Character.isHighSurrogate(c) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
                k++;
            } else if (Character.isSurrogate(c)) {
                throw new Refused("an unpaired surrogate character at position " + (k + 1) + " is not accepted");
            }
        }
    }

    Token next() {
        skipSpaceAndComments();
        if (i >= s.length()) {
            return new Token(T.EOF, "", false, i, "");
        }
        char c = s.charAt(i);
        if (isIdentStart(c)) {
            return unquotedIdentifier();
        }
        if (c == '"') {
            return quotedIdentifier();
        }
        if (c == '\'') {
            return string();
        }
        if (isDigit(c) || (c == '.' && i + 1 < s.length() && isDigit(s.charAt(i + 1)))) {
            return number();
        }
        if (c == '$') {
            if (i + 1 < s.length() && isDigit(s.charAt(i + 1))) {
                int end = i + 1;
                while (end < s.length() && isDigit(s.charAt(end))) {
                    end++;
                }
                throw new Refused("parameter " + s.substring(i, end) + " at position " + (i + 1)
                        + " is not accepted; write the value itself");
            }
            throw new Refused("dollar-quoted strings ($$...$$, $tag$...$tag$) are not accepted (at position "
                    + (i + 1) + "); write a plain '...' string");
        }
        String op = operator(c);
        if (op != null) {
            Token token = new Token(T.PUNCT, op, false, i, op);
            i += op.length();
            return token;
        }
        throw new Refused("character " + describeChar(s.codePointAt(i)) + " at position " + (i + 1)
                + " is not accepted");
    }

    /** The punctuation or operator starting at {@code i}, or null. */
    private String operator(char c) {
        char n = i + 1 < s.length() ? s.charAt(i + 1) : '\0';
        switch (c) {
            case '(':
            case ')':
            case ',':
            case '.':
            case ';':
            case '=':
            case '-':
                return String.valueOf(c);
            case '<':
                return n == '=' ? "<=" : n == '>' ? "<>" : "<";
            case '>':
                return n == '=' ? ">=" : ">";
            case '!':
                return n == '=' ? "!=" : null;
            case ':':
                return n == ':' ? "::" : null;
            default:
                return null;
        }
    }

    private void skipSpaceAndComments() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B') {
                i++;
            } else if (c == '-' && s.startsWith("--", i)) {
                refuseComment();
                while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                    i++;
                }
            } else if (c == '/' && s.startsWith("/*", i)) {
                refuseComment();
                skipBlockComment();
            } else {
                return;
            }
        }
    }

    private void refuseComment() {
        if (!commentsAllowed) {
            throw new Refused("comments are not accepted in a name (at position " + (i + 1) + ")");
        }
    }

    /** Skips a block comment; like PostgreSQL, block comments nest. */
    private void skipBlockComment() {
        int start = i;
        int depth = 0;
        while (i < s.length()) {
            if (s.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (s.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return;
                }
            } else {
                i++;
            }
        }
        throw new Refused("unterminated comment starting at position " + (start + 1));
    }

    private Token unquotedIdentifier() {
        int start = i;
        while (i < s.length() && isIdentPart(s.charAt(i))) {
            i++;
        }
        String raw = s.substring(start, i);
        char next = i < s.length() ? s.charAt(i) : '\0';
        // One-letter prefixes that change how the following quote is read.
        if (raw.length() == 1 && next == '\'') {
            switch (Character.toLowerCase(raw.charAt(0))) {
                case 'e':
                    throw new Refused("escape strings (E'...') are not accepted (at position " + (start + 1)
                            + "); write a plain '...' string");
                case 'b':
                case 'x':
                    throw new Refused("bit-string literals (B'...', X'...') are not accepted (at position "
                            + (start + 1) + ")");
                case 'n':
                    throw new Refused("national character literals (N'...') are not accepted (at position "
                            + (start + 1) + "); write a plain '...' string");
                default:
                    break;
            }
        }
        if (raw.equalsIgnoreCase("u") && next == '&') {
            throw new Refused("Unicode escapes (U&'...', U&\"...\") are not accepted (at position " + (start + 1)
                    + ")");
        }
        checkIdentifierLength(raw, start);
        return new Token(T.IDENT, raw.toLowerCase(Locale.ROOT), false, start, raw);
    }

    private Token quotedIdentifier() {
        int start = i;
        String value = quoted('"', "quoted identifier");
        if (value.isEmpty()) {
            throw new Refused("an empty quoted identifier (\"\") at position " + (start + 1)
                    + " is not accepted");
        }
        checkIdentifierLength(value, start);
        return new Token(T.IDENT, value, true, start, s.substring(start, i));
    }

    private Token string() {
        int start = i;
        String value = quoted('\'', "string literal");
        return new Token(T.STRING, value, false, start, s.substring(start, i));
    }

    /** Reads a {@code quote}-delimited text at {@code i}, where a doubled quote stands for one. */
    private String quoted(char quote, String what) {
        int start = i;
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
            if (i >= s.length()) {
                throw new Refused("unterminated " + what + " starting at position " + (start + 1));
            }
            char c = s.charAt(i);
            if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    value.append(quote);
                    i += 2;
                    continue;
                }
                i++;
                return value.toString();
            }
            value.append(c);
            i++;
        }
    }

    private Token number() {
        int start = i;
        while (i < s.length() && isDigit(s.charAt(i))) {
            i++;
        }
        // A '.' belongs to the number unless it starts a '..'.
        if (i < s.length() && s.charAt(i) == '.' && !s.startsWith("..", i)) {
            i++;
            while (i < s.length() && isDigit(s.charAt(i))) {
                i++;
            }
        }
        if (i < s.length() && isIdentPart(s.charAt(i))) {
            int end = i;
            while (end < s.length() && isIdentPart(s.charAt(end))) {
                end++;
            }
            throw new Refused("malformed number " + printable(s.substring(start, end)) + " at position "
                    + (start + 1) + "; only plain integers and decimals are accepted");
        }
        String text = s.substring(start, i);
        return new Token(T.NUMBER, text, false, start, text);
    }

    private static void checkIdentifierLength(String name, int start) {
        int bytes = IndexDefinition.utf8Length(name);
        if (bytes > IndexDefinition.MAX_IDENTIFIER_BYTES) {
            throw new Refused("identifier " + printable(name) + " at position " + (start + 1) + " is " + bytes
                    + " bytes; at most " + IndexDefinition.MAX_IDENTIFIER_BYTES + " bytes are accepted");
        }
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || isDigit(c) || c == '$';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String describeChar(int cp) {
        String code = String.format("U+%04X", cp);
        if (cp > 0x20 && cp < 0x7F) {
            return "'" + (char) cp + "'";
        }
        if (Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.MATH_SYMBOL
                || Character.getType(cp) == Character.OTHER_SYMBOL) {
            return "'" + new String(Character.toChars(cp)) + "' (" + code + ")";
        }
        return code;
    }
}
