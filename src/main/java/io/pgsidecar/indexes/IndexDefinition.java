package io.pgsidecar.indexes;

import io.pgsidecar.db.Identifiers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A CREATE INDEX request in structured form. It never holds caller SQL: every part is a checked identifier (always
 * rendered double-quoted), a word from a fixed allow list, or a literal that the agent re-renders itself. The
 * constructors re-check those rules, so a definition built by hand is as safe to render as a parsed one.
 *
 * @param schema  the table's schema, {@code null} when not given
 * @param table   the table name
 * @param name    the index name, {@code null} when not given
 * @param unique  whether the index is UNIQUE
 * @param method  the access method, lower case, from {@link #METHODS}; {@code null} becomes {@code "btree"}
 * @param keys    the key columns and expressions, in order (at least one)
 * @param include the INCLUDE columns; {@code null} becomes an empty list
 * @param where   the partial-index predicate, {@code null} when none
 */
public record IndexDefinition(String schema, String table, String name, boolean unique, String method,
        List<Key> keys, List<String> include, Predicate where) {

    /** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
    public static final int MAX_IDENTIFIER_BYTES = 63;
    /** PostgreSQL's INDEX_MAX_KEYS: key plus INCLUDE columns. */
    public static final int MAX_INDEX_COLUMNS = 32;
    /** Access methods accepted after USING. */
    public static final List<String> METHODS = List.of("btree", "hash", "gin", "gist", "brin", "spgist");
    /** Immutable built-in functions of one column accepted in an index expression. */
    public static final List<String> FUNCTIONS = List.of("lower", "upper", "abs", "md5", "length", "btrim");
    /** Operator classes accepted after a key. */
    public static final List<String> OPCLASSES = List.of("text_pattern_ops", "varchar_pattern_ops",
            "bpchar_pattern_ops", "jsonb_path_ops", "jsonb_ops", "gin_trgm_ops", "gist_trgm_ops");

    public IndexDefinition {
        if (schema != null) {
            checkIdentifier(schema, "schema name");
        }
        checkIdentifier(table, "table name");
        if (name != null) {
            checkIdentifier(name, "index name");
        }
        method = method == null ? "btree" : method;
        if (!METHODS.contains(method)) {
            throw new IndexSqlParser.Refused(
                    "index method " + method + " is not allowed (allowed: " + String.join(", ", METHODS) + ")");
        }
        keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
        if (keys.isEmpty()) {
            throw new IndexSqlParser.Refused("an index needs at least one column or expression");
        }
        include = include == null ? List.of() : List.copyOf(include);
        for (String column : include) {
            checkIdentifier(column, "INCLUDE column");
        }
        if (keys.size() + include.size() > MAX_INDEX_COLUMNS) {
            throw new IndexSqlParser.Refused("the index has " + (keys.size() + include.size())
                    + " columns; at most " + MAX_INDEX_COLUMNS + " are accepted");
        }
        if (unique && !method.equals("btree")) {
            throw new IndexSqlParser.Refused("UNIQUE indexes are only supported by btree, not " + method);
        }
    }

    /** The key column names in order (for an expression key, the column inside the function). */
    public List<String> columns() {
        return keys.stream().map(Key::column).toList();
    }

    /**
     * The agent's own statement for this definition, e.g.
     * {@code CREATE UNIQUE INDEX CONCURRENTLY "idx" ON "public"."users" USING btree ("a", lower("b") DESC NULLS LAST)
     * INCLUDE ("c") WHERE ("d" IS NOT NULL)}. The arguments, not the record's own schema/table/name, are used.
     *
     * @param schema        the schema to qualify the table with, or {@code null} for none
     * @param table         the table name
     * @param indexName     the index name
     * @param concurrently  whether to add CONCURRENTLY
     */
    public String toSql(String schema, String table, String indexName, boolean concurrently) {
        return render(schema, table, indexName, concurrently, false);
    }

    /**
     * The statement for a partitioned parent: {@code CREATE [UNIQUE] INDEX "name" ON ONLY "s"."t" USING ...}
     * (CONCURRENTLY is not possible there).
     */
    public String toSqlOnOnly(String schema, String table, String indexName) {
        return render(schema, table, indexName, false, true);
    }

    private String render(String schema, String table, String indexName, boolean concurrently, boolean only) {
        StringBuilder sql = new StringBuilder("CREATE ");
        if (unique) {
            sql.append("UNIQUE ");
        }
        sql.append("INDEX ");
        if (concurrently) {
            sql.append("CONCURRENTLY ");
        }
        sql.append(Identifiers.quote(checkIdentifier(indexName, "index name"))).append(" ON ");
        if (only) {
            sql.append("ONLY ");
        }
        if (schema != null) {
            sql.append(Identifiers.quote(checkIdentifier(schema, "schema name"))).append('.');
        }
        sql.append(Identifiers.quote(checkIdentifier(table, "table name")));
        sql.append(" USING ").append(method).append(" (");
        sql.append(keys.stream().map(Key::toSql).collect(Collectors.joining(", "))).append(')');
        if (!include.isEmpty()) {
            sql.append(" INCLUDE (")
                    .append(include.stream().map(Identifiers::quote).collect(Collectors.joining(", ")))
                    .append(')');
        }
        if (where != null) {
            sql.append(" WHERE (").append(where.toSql()).append(')');
        }
        return sql.toString();
    }

    /**
     * The name PostgreSQL would choose: {@code table_col1_col2_idx}, at most 63 bytes of UTF-8. When too long, the
     * longer of the table part and the columns part is shortened one byte at a time (as PostgreSQL's makeObjectName
     * does), cutting only at character boundaries; the {@code _idx} suffix is always kept.
     */
    public static String defaultName(String table, List<String> columns) {
        Objects.requireNonNull(table, "table");
        String joined = String.join("_", Objects.requireNonNull(columns, "columns"));
        int overhead = "_idx".length() + (joined.isEmpty() ? 0 : 1);
        int available = MAX_IDENTIFIER_BYTES - overhead;
        int tableBytes = utf8Length(table);
        int columnBytes = utf8Length(joined);
        while (tableBytes + columnBytes > available) {
            if (tableBytes > columnBytes) {
                tableBytes--;
            } else {
                columnBytes--;
            }
        }
        StringBuilder name = new StringBuilder(clipUtf8(table, tableBytes));
        if (!joined.isEmpty()) {
            name.append('_').append(clipUtf8(joined, columnBytes));
        }
        return name.append("_idx").toString();
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The longest prefix of {@code s} whose UTF-8 form fits in {@code maxBytes}, never splitting a character. */
    private static String clipUtf8(String s, int maxBytes) {
        int bytes = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > maxBytes) {
                break;
            }
            bytes += len;
            end += Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /** Refuses a null, empty, over-long or NUL-containing identifier; returns it unchanged otherwise. */
    static String checkIdentifier(String identifier, String what) {
        if (identifier == null || identifier.isEmpty()) {
            throw new IndexSqlParser.Refused("the " + what + " is empty");
        }
        if (identifier.indexOf('\0') >= 0) {
            throw new IndexSqlParser.Refused("the " + what + " contains a NUL character");
        }
        int bytes = utf8Length(identifier);
        if (bytes > MAX_IDENTIFIER_BYTES) {
            throw new IndexSqlParser.Refused("the " + what + " is " + bytes + " bytes; at most "
                    + MAX_IDENTIFIER_BYTES + " bytes are accepted");
        }
        return identifier;
    }

    /**
     * One key of the index.
     *
     * @param column     the column (inside the function, if any)
     * @param function   {@code null}, or a lower-case name from {@link #FUNCTIONS}
     * @param descending whether DESC was given
     * @param nullsOrder {@code null}, {@code "first"} or {@code "last"}
     * @param opclass    {@code null}, or a lower-case name from {@link #OPCLASSES}
     */
    public record Key(String column, String function, boolean descending, String nullsOrder, String opclass) {

        public Key {
            checkIdentifier(column, "column name");
            if (function != null && !FUNCTIONS.contains(function)) {
                throw new IndexSqlParser.Refused("function " + function
                        + " is not allowed in an index expression (allowed: " + String.join(", ", FUNCTIONS) + ")");
            }
            if (nullsOrder != null && !nullsOrder.equals("first") && !nullsOrder.equals("last")) {
                throw new IndexSqlParser.Refused("NULLS " + nullsOrder + " is not accepted (FIRST or LAST)");
            }
            if (opclass != null && !OPCLASSES.contains(opclass)) {
                throw new IndexSqlParser.Refused("operator class " + opclass + " is not allowed (allowed: "
                        + String.join(", ", OPCLASSES) + ")");
            }
        }

        /** A plain ascending column key. */
        public static Key of(String column) {
            return new Key(column, null, false, null, null);
        }

        /** This key as it appears inside the column list, e.g. {@code lower("b") DESC NULLS LAST}. */
        public String toSql() {
            StringBuilder sql = new StringBuilder();
            if (function == null) {
                sql.append(Identifiers.quote(column));
            } else {
                sql.append(function).append('(').append(Identifiers.quote(column)).append(')');
            }
            if (opclass != null) {
                sql.append(' ').append(opclass);
            }
            if (descending) {
                sql.append(" DESC");
            }
            if (nullsOrder != null) {
                sql.append(" NULLS ").append(nullsOrder.toUpperCase(Locale.ROOT));
            }
            return sql.toString();
        }
    }

    /** A partial-index predicate: a tree of simple column tests. */
    public sealed interface Predicate permits Comparison, InList, IsNull, BoolColumn, And, Or {

        /** The predicate in SQL, identifiers quoted and literals rendered by the agent. */
        String toSql();

        /** The columns the predicate reads, in order of first appearance. */
        Set<String> columns();
    }

    /** {@code column op literal}; {@code !=} is normalised to {@code <>}. */
    public record Comparison(String column, String op, Literal value) implements Predicate {

        private static final Set<String> OPERATORS = Set.of("=", "<>", "<", "<=", ">", ">=");

        public Comparison {
            checkIdentifier(column, "column name");
            op = "!=".equals(op) ? "<>" : op;
            if (!OPERATORS.contains(op)) {
                throw new IndexSqlParser.Refused("operator " + op + " is not accepted (= <> < <= > >=)");
            }
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toSql() {
            return Identifiers.quote(column) + " " + op + " " + value.toSql();
        }

        @Override
        public Set<String> columns() {
            return Set.of(column);
        }
    }

    /** {@code column IN (literal, ...)}. */
    public record InList(String column, List<Literal> values) implements Predicate {

        public InList {
            checkIdentifier(column, "column name");
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IndexSqlParser.Refused("an IN list needs at least one value");
            }
        }

        @Override
        public String toSql() {
            return Identifiers.quote(column) + " IN ("
                    + values.stream().map(Literal::toSql).collect(Collectors.joining(", ")) + ")";
        }

        @Override
        public Set<String> columns() {
            return Set.of(column);
        }
    }

    /** {@code column IS [NOT] NULL}. */
    public record IsNull(String column, boolean negated) implements Predicate {

        public IsNull {
            checkIdentifier(column, "column name");
        }

        @Override
        public String toSql() {
            return Identifiers.quote(column) + (negated ? " IS NOT NULL" : " IS NULL");
        }

        @Override
        public Set<String> columns() {
            return Set.of(column);
        }
    }

    /** A bare boolean column, or {@code NOT column}. */
    public record BoolColumn(String column, boolean negated) implements Predicate {

        public BoolColumn {
            checkIdentifier(column, "column name");
        }

        @Override
        public String toSql() {
            return (negated ? "NOT " : "") + Identifiers.quote(column);
        }

        @Override
        public Set<String> columns() {
            return Set.of(column);
        }
    }

    /** Terms joined by AND; an OR term is parenthesised. */
    public record And(List<Predicate> terms) implements Predicate {

        public And {
            terms = List.copyOf(terms);
            if (terms.isEmpty()) {
                throw new IndexSqlParser.Refused("AND needs at least one term");
            }
        }

        @Override
        public String toSql() {
            List<String> parts = new ArrayList<>();
            for (Predicate term : terms) {
                // AND binds tighter than OR, so only an OR inside an AND needs parentheses.
                parts.add(term instanceof Or ? "(" + term.toSql() + ")" : term.toSql());
            }
            return String.join(" AND ", parts);
        }

        @Override
        public Set<String> columns() {
            return unionOfColumns(terms);
        }
    }

    /** Terms joined by OR. */
    public record Or(List<Predicate> terms) implements Predicate {

        public Or {
            terms = List.copyOf(terms);
            if (terms.isEmpty()) {
                throw new IndexSqlParser.Refused("OR needs at least one term");
            }
        }

        @Override
        public String toSql() {
            return terms.stream().map(Predicate::toSql).collect(Collectors.joining(" OR "));
        }

        @Override
        public Set<String> columns() {
            return unionOfColumns(terms);
        }
    }

    private static Set<String> unionOfColumns(List<Predicate> terms) {
        Set<String> columns = new LinkedHashSet<>();
        for (Predicate term : terms) {
            columns.addAll(term.columns());
        }
        return Collections.unmodifiableSet(columns);
    }

    /**
     * A literal value in a predicate. The text is the value itself (a string without quotes), checked on
     * construction so that {@link #toSql()} is always a single well-formed literal.
     */
    public record Literal(Kind kind, String text) {

        private static final Pattern NUMBER = Pattern.compile("-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)");

        /** The kinds of literal accepted. */
        public enum Kind { STRING, NUMBER, BOOLEAN }

        public Literal {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(text, "text");
            if (kind == Kind.NUMBER && !NUMBER.matcher(text).matches()) {
                throw new IndexSqlParser.Refused("not a number literal: " + text);
            }
            if (kind == Kind.BOOLEAN && !text.equals("true") && !text.equals("false")) {
                throw new IndexSqlParser.Refused("not a boolean literal: " + text);
            }
            if (kind == Kind.STRING && text.indexOf('\0') >= 0) {
                throw new IndexSqlParser.Refused("a string literal contains a NUL character");
            }
        }

        /** A string literal holding {@code value}. */
        public static Literal string(String value) {
            return new Literal(Kind.STRING, value);
        }

        /** A number literal; {@code digits} must be an optionally negative integer or decimal. */
        public static Literal number(String digits) {
            return new Literal(Kind.NUMBER, digits);
        }

        /** TRUE or FALSE. */
        public static Literal bool(boolean value) {
            return new Literal(Kind.BOOLEAN, Boolean.toString(value));
        }

        /**
         * The literal in SQL. A string is single-quoted with {@code '} doubled; if it holds a backslash it is
         * written as {@code E'...'} with backslashes doubled too, which reads the same whatever
         * standard_conforming_strings is set to.
         */
        public String toSql() {
            if (kind == Kind.STRING) {
                String quoted = text.replace("'", "''");
                return text.indexOf('\\') >= 0 ? "E'" + quoted.replace("\\", "\\\\") + "'" : "'" + quoted + "'";
            }
            return text;
        }
    }
}
