package io.pgsidecar.indexes;

import static io.pgsidecar.indexes.IndexSqlLexer.at;
import static io.pgsidecar.indexes.IndexSqlLexer.describe;
import static io.pgsidecar.indexes.IndexSqlLexer.printable;
import static io.pgsidecar.indexes.IndexSqlLexer.word;

import io.pgsidecar.db.QualifiedName;
import io.pgsidecar.indexes.IndexDefinition.BoolColumn;
import io.pgsidecar.indexes.IndexDefinition.Comparison;
import io.pgsidecar.indexes.IndexDefinition.InList;
import io.pgsidecar.indexes.IndexDefinition.IsNull;
import io.pgsidecar.indexes.IndexDefinition.Key;
import io.pgsidecar.indexes.IndexDefinition.Literal;
import io.pgsidecar.indexes.IndexDefinition.Predicate;
import io.pgsidecar.indexes.IndexSqlLexer.T;
import io.pgsidecar.indexes.IndexSqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses a caller's CREATE INDEX statement (or parts of one) into an {@link IndexDefinition}. The caller's text is
 * never executed: a lexer and a recursive-descent parser accept a small subset of PostgreSQL's syntax, and the agent
 * later writes its own statement from the structured result. Anything outside the subset is refused with a
 * {@link Refused} whose message names what was refused and, where it helps, its position (1-based character offset).
 *
 * <p>Accepted statement:
 * <pre>
 * CREATE [UNIQUE] INDEX [CONCURRENTLY] [ [IF NOT EXISTS] name ] ON [ONLY] [schema.]table [USING method]
 *     ( elem [, ...] ) [INCLUDE ( column [, ...] )] [WHERE predicate] [;]
 * elem      := ( column | func(column) | ( func(column) ) ) [opclass] [ASC | DESC] [NULLS FIRST | NULLS LAST]
 * predicate := and [OR and]...      and := factor [AND factor]...
 * factor    := NOT column | ( predicate ) | column IS [NOT] NULL | column IS TRUE | column IS FALSE
 *            | column op literal | column IN ( literal [, ...] ) | column
 * </pre>
 * CONCURRENTLY, IF NOT EXISTS and ONLY are accepted but not recorded: the agent decides those itself.
 */
public final class IndexSqlParser {

    /** Longest input accepted, in characters. */
    public static final int MAX_LENGTH = 8192;
    /** Deepest parenthesis nesting accepted in a predicate or index expression. */
    public static final int MAX_DEPTH = 10;
    /** Most predicate terms accepted (each IN-list value counts as one). */
    public static final int MAX_TERMS = 50;

    /**
     * PostgreSQL's reserved key words plus those that cannot name a column; they are refused as unquoted names in a
     * statement or predicate, as PostgreSQL would refuse them.
     */
    private static final Set<String> RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array", "as",
            "asc", "asymmetric", "both", "case", "cast", "check", "collate", "column", "constraint", "create",
            "current_catalog", "current_date", "current_role", "current_time", "current_timestamp", "current_user",
            "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for",
            "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into", "lateral",
            "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or", "order",
            "placing", "primary", "references", "returning", "select", "session_user", "some", "symmetric",
            "system_user", "table", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic",
            "when", "where", "window", "with",
            "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full",
            "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps",
            "right", "similar", "tablesample", "verbose");

    private static final Set<String> COMPARISONS = Set.of("=", "<>", "!=", "<", "<=", ">", ">=");
    private static final Set<String> UNSUPPORTED_OPERATORS = Set.of("like", "ilike", "similar", "between",
            "isnull", "notnull", "overlaps", "any", "all", "some");

    private IndexSqlParser() {
    }

    /** Thrown for any input outside the accepted subset; the message says what was refused. */
    public static final class Refused extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }

    /**
     * Parses one CREATE INDEX statement, with an optional trailing {@code ;}.
     *
     * @throws Refused if the text is not a single statement in the accepted subset
     */
    public static IndexDefinition parse(String sql) {
        Parser parser = new Parser(checkLength(sql, "statement"), true);
        if (parser.tok.type == T.EOF) {
            throw new Refused("the statement is empty");
        }
        return parser.statement();
    }

    /**
     * Parses a partial-index predicate on its own (the {@code where} of a structured request), without the WHERE
     * key word.
     *
     * @throws Refused if the text is not a predicate in the accepted subset, or has anything after it
     */
    public static Predicate parsePredicate(String text) {
        Parser parser = new Parser(checkLength(text, "predicate"), true);
        if (parser.tok.type == T.EOF) {
            throw new Refused("the predicate is empty");
        }
        Predicate predicate = parser.predicate();
        if (parser.tok.type != T.EOF) {
            throw new Refused("unexpected " + describe(parser.tok) + " after the predicate" + at(parser.tok));
        }
        return predicate;
    }

    /**
     * Parses a table name written as {@code table}, {@code schema.table} or with quoted parts
     * ({@code "Odd"."T"}), as {@link QualifiedName#parse} reads it: unquoted parts are folded to lower case.
     *
     * @return {schema or null, name}
     * @throws Refused if the text is anything but such a name
     */
    public static String[] parseQualifiedName(String text) {
        try {
            QualifiedName name = QualifiedName.parse(checkLength(text, "name"));
            return new String[] {name.schema(), name.name()};
        } catch (IllegalArgumentException e) {
            throw e instanceof Refused r ? r : new Refused(e.getMessage());
        }
    }

    /**
     * Parses one identifier (a column name given as a string): unquoted and folded to lower case, or double-quoted
     * with case kept. Comments are refused here.
     *
     * @throws Refused if the text is anything but one identifier
     */
    public static String parseIdentifier(String text) {
        Parser parser = new Parser(checkLength(text, "name"), false);
        if (parser.tok.type == T.EOF) {
            throw new Refused("the column name is empty");
        }
        String name = parser.name("column name", false);
        if (parser.tok.type != T.EOF) {
            throw new Refused("only a single column name is accepted; found " + describe(parser.tok)
                    + at(parser.tok));
        }
        return name;
    }

    private static String checkLength(String text, String what) {
        if (text == null) {
            throw new Refused("no " + what + " was given");
        }
        if (text.length() > MAX_LENGTH) {
            throw new Refused("the " + what + " is " + text.length() + " characters; at most " + MAX_LENGTH
                    + " are accepted");
        }
        return text;
    }

    // ---------------------------------------------------------------- parser

    /** Recursive descent over the lexer with one token of look-ahead ({@link #tok}). */
    private static final class Parser {

        private final IndexSqlLexer lexer;
        Token tok;
        private int depth;
        private int terms;

        Parser(String text, boolean commentsAllowed) {
            lexer = new IndexSqlLexer(text, commentsAllowed);
            tok = lexer.next();
        }

        private void advance() {
            tok = lexer.next();
        }

        private boolean kw(String keyword) {
            return tok.type == T.IDENT && !tok.quoted && tok.value.equals(keyword);
        }

        private boolean acceptKw(String keyword) {
            if (kw(keyword)) {
                advance();
                return true;
            }
            return false;
        }

        private void expectKw(String keyword, String context) {
            if (!acceptKw(keyword)) {
                throw new Refused("expected " + keyword.toUpperCase(Locale.ROOT) + " " + context + "; found "
                        + describe(tok) + at(tok));
            }
        }

        private boolean punct(String p) {
            return tok.type == T.PUNCT && tok.value.equals(p);
        }

        private boolean acceptPunct(String p) {
            if (punct(p)) {
                advance();
                return true;
            }
            return false;
        }

        private void expectPunct(String p, String context) {
            if (!acceptPunct(p)) {
                throw new Refused("expected '" + p + "' " + context + "; found " + describe(tok) + at(tok));
            }
        }

        /** Consumes an identifier token; refuses anything else. */
        private Token identToken(String what) {
            if (tok.type != T.IDENT) {
                throw new Refused("expected " + what + "; found " + describe(tok) + at(tok));
            }
            Token token = tok;
            advance();
            return token;
        }

        /** Consumes a name, refusing unquoted reserved words when {@code strict}. */
        String name(String what, boolean strict) {
            Token token = identToken("a " + what);
            if (strict) {
                checkNotReserved(token, what);
            }
            return token.value;
        }

        private static void checkNotReserved(Token token, String what) {
            if (!token.quoted && RESERVED.contains(token.value)) {
                throw new Refused(token.value.toUpperCase(Locale.ROOT) + at(token) + " is a reserved word; write it"
                        + " in double quotes to use it as the " + what);
            }
        }

        /** Refuses a cast or COLLATE after a column in the column list. */
        private void refuseCast() {
            if (punct("::")) {
                throw new Refused("casts are not accepted in an index expression" + at(tok)
                        + "; write the column alone");
            }
            if (kw("collate")) {
                throw new Refused("COLLATE is not accepted" + at(tok));
            }
        }

        // ------------------------------------------------------------ statement

        IndexDefinition statement() {
            if (!kw("create")) {
                throw new Refused("only CREATE INDEX is accepted; found " + word(tok));
            }
            advance();
            boolean unique = acceptKw("unique");
            if (!kw("index")) {
                throw new Refused("only CREATE INDEX is accepted; found CREATE " + (unique ? "UNIQUE " : "")
                        + word(tok));
            }
            advance();
            acceptKw("concurrently");
            String indexName = null;
            if (acceptKw("if")) {
                expectKw("not", "after IF");
                expectKw("exists", "after IF NOT");
                if (kw("on")) {
                    throw new Refused("IF NOT EXISTS needs an index name" + at(tok));
                }
                indexName = indexName();
            } else if (!kw("on")) {
                indexName = indexName();
            }
            expectKw("on", "before the table name");
            acceptKw("only");
            String schema = null;
            String table = name("table name", true);
            if (acceptPunct(".")) {
                schema = table;
                table = name("table name", true);
                if (punct(".")) {
                    throw new Refused("three-part names (database.schema.table) are not accepted" + at(tok));
                }
            }
            String method = null;
            if (acceptKw("using")) {
                Token m = identToken("an index method after USING");
                if (!IndexDefinition.METHODS.contains(m.value)) {
                    throw new Refused("index method " + printable(m.value) + " is not allowed (allowed: "
                            + String.join(", ", IndexDefinition.METHODS) + ")");
                }
                method = m.value;
            }
            refuseClauses();
            expectPunct("(", "before the indexed columns");
            if (punct(")")) {
                throw new Refused("an index needs at least one column or expression" + at(tok));
            }
            List<Key> keys = new ArrayList<>();
            do {
                keys.add(element());
            } while (acceptPunct(","));
            expectPunct(")", "or ',' in the column list");
            List<String> include = new ArrayList<>();
            if (acceptKw("include")) {
                expectPunct("(", "after INCLUDE");
                do {
                    include.add(name("INCLUDE column", true));
                    if (punct(".") || punct("(")) {
                        throw new Refused("INCLUDE accepts plain column names only; found " + describe(tok)
                                + at(tok));
                    }
                } while (acceptPunct(","));
                expectPunct(")", "or ',' in the INCLUDE list");
            }
            refuseClauses();
            IndexDefinition.Predicate where = null;
            if (acceptKw("where")) {
                where = predicate();
            }
            refuseClauses();
            if (acceptPunct(";")) {
                if (tok.type != T.EOF) {
                    throw new Refused("only one statement is accepted; found more after ';'" + at(tok));
                }
            } else if (tok.type != T.EOF) {
                throw new Refused("unexpected " + describe(tok) + at(tok) + " after the CREATE INDEX statement");
            }
            return new IndexDefinition(schema, table, indexName, unique, method, keys, include, where);
        }

        private String indexName() {
            String name = name("index name", true);
            if (punct(".")) {
                throw new Refused("the index name cannot be schema-qualified; it is created in the table's schema"
                        + at(tok));
            }
            return name;
        }

        /** Refuses the clauses that exist in PostgreSQL but not in the accepted subset, naming them. */
        private void refuseClauses() {
            if (kw("with")) {
                throw new Refused("WITH (...) storage parameters are not accepted" + at(tok));
            }
            if (kw("tablespace")) {
                throw new Refused("TABLESPACE is not accepted" + at(tok));
            }
            if (kw("nulls")) {
                throw new Refused("NULLS [NOT] DISTINCT is not accepted" + at(tok));
            }
        }

        /** One entry of the column list. */
        private Key element() {
            int parens = 0;
            while (punct("(")) {
                if (++parens > MAX_DEPTH) {
                    throw new Refused("the index expression is nested more than " + MAX_DEPTH + " levels deep"
                            + at(tok));
                }
                advance();
            }
            Token first = identToken("a column or expression in the column list");
            if (punct(".")) {
                throw new Refused("qualified names are not accepted in the column list" + at(tok)
                        + "; write the column alone");
            }
            String column;
            String function = null;
            if (punct("(")) {
                function = first.value;
                if (!IndexDefinition.FUNCTIONS.contains(function)) {
                    throw new Refused("function " + printable(function) + " is not allowed in an index expression"
                            + " (allowed: " + String.join(", ", IndexDefinition.FUNCTIONS) + ")");
                }
                advance();
                column = functionArgument(function);
                expectPunct(")", "after the argument of " + function);
            } else {
                checkNotReserved(first, "column name");
                column = first.value;
            }
            for (int k = 0; k < parens; k++) {
                refuseCast();
                expectPunct(")", "to close the index expression");
            }
            refuseCast();
            String opclass = null;
            if (tok.type == T.IDENT && (tok.quoted || !RESERVED.contains(tok.value)) && !kw("nulls")) {
                Token op = tok;
                advance();
                if (punct(".")) {
                    throw new Refused("schema-qualified operator classes are not accepted" + at(tok));
                }
                if (punct("(")) {
                    throw new Refused("operator class parameters are not accepted" + at(tok));
                }
                if (!IndexDefinition.OPCLASSES.contains(op.value)) {
                    throw new Refused("operator class " + printable(op.value) + " is not allowed (allowed: "
                            + String.join(", ", IndexDefinition.OPCLASSES) + ")");
                }
                opclass = op.value;
            }
            boolean descending = false;
            if (!acceptKw("asc") && acceptKw("desc")) {
                descending = true;
            }
            String nulls = null;
            if (acceptKw("nulls")) {
                if (acceptKw("first")) {
                    nulls = "first";
                } else if (acceptKw("last")) {
                    nulls = "last";
                } else {
                    throw new Refused("expected FIRST or LAST after NULLS; found " + describe(tok) + at(tok));
                }
            }
            return new Key(column, function, descending, nulls, opclass);
        }

        /** The single column argument of an allowed function, positioned after its '('. */
        private String functionArgument(String function) {
            if (tok.type == T.STRING || tok.type == T.NUMBER || punct("-") || kw("true") || kw("false")
                    || kw("null")) {
                throw new Refused("function " + function + " accepts only a column argument; found "
                        + describe(tok) + at(tok));
            }
            Token arg = identToken("a column argument for " + function);
            if (punct("(")) {
                throw new Refused("nested function calls are not accepted (" + printable(arg.value) + " inside "
                        + function + ")" + at(arg));
            }
            if (punct(".")) {
                throw new Refused("qualified names are not accepted in the column list" + at(tok)
                        + "; write the column alone");
            }
            checkNotReserved(arg, "column name");
            if (punct(",")) {
                throw new Refused("function " + function + " accepts a single column argument" + at(tok));
            }
            refuseCast();
            return arg.value;
        }

        // ------------------------------------------------------------ predicate

        /** predicate := and [OR and]... */
        Predicate predicate() {
            List<Predicate> parts = new ArrayList<>();
            addFlattened(parts, conjunction(), false);
            while (acceptKw("or")) {
                addFlattened(parts, conjunction(), false);
            }
            return parts.size() == 1 ? parts.get(0) : new IndexDefinition.Or(parts);
        }

        /** and := factor [AND factor]... */
        private Predicate conjunction() {
            List<Predicate> parts = new ArrayList<>();
            addFlattened(parts, factor(), true);
            while (acceptKw("and")) {
                addFlattened(parts, factor(), true);
            }
            return parts.size() == 1 ? parts.get(0) : new IndexDefinition.And(parts);
        }

        /** Adds a term, merging a nested AND into an AND (or OR into OR) written with parentheses. */
        private static void addFlattened(List<Predicate> parts, Predicate term, boolean and) {
            if (and && term instanceof IndexDefinition.And) {
                parts.addAll(((IndexDefinition.And) term).terms());
            } else if (!and && term instanceof IndexDefinition.Or) {
                parts.addAll(((IndexDefinition.Or) term).terms());
            } else {
                parts.add(term);
            }
        }

        private void countTerm() {
            if (++terms > MAX_TERMS) {
                throw new Refused("the predicate has more than " + MAX_TERMS + " terms" + at(tok));
            }
        }

        private boolean atFactorEnd() {
            return tok.type == T.EOF || punct(")") || punct(";") || kw("and") || kw("or");
        }

        private Predicate factor() {
            if (kw("not")) {
                Token not = tok;
                advance();
                if (tok.type != T.IDENT || (!tok.quoted && RESERVED.contains(tok.value))) {
                    throw new Refused("NOT" + at(not) + " is accepted only directly before a boolean column;"
                            + " write IS NOT NULL, <> or NOT column instead");
                }
                Token column = tok;
                advance();
                if (!atFactorEnd()) {
                    throw new Refused("NOT" + at(not) + " is accepted only directly before a boolean column;"
                            + " write IS NOT NULL, <> or NOT column instead");
                }
                countTerm();
                return new BoolColumn(column.value, true);
            }
            if (punct("(")) {
                Token open = tok;
                advance();
                if (kw("select") || kw("values") || kw("with") || kw("table")) {
                    throw new Refused("subqueries are not accepted in a predicate" + at(tok));
                }
                if (++depth > MAX_DEPTH) {
                    throw new Refused("the predicate is nested more than " + MAX_DEPTH + " levels deep" + at(open));
                }
                Predicate inner = predicate();
                depth--;
                expectPunct(")", "to close the '(' at position " + (open.pos + 1));
                return inner;
            }
            if (tok.type == T.STRING || tok.type == T.NUMBER || punct("-") || kw("true") || kw("false")
                    || kw("null")) {
                throw new Refused("a predicate term must start with a column; found " + describe(tok) + at(tok)
                        + " (write column op literal)");
            }
            Token first = identToken("a column in the predicate");
            if (punct("(")) {
                if (!first.quoted && (first.value.equals("exists") || first.value.equals("array"))) {
                    throw new Refused("subqueries are not accepted in a predicate" + at(first));
                }
                throw new Refused("function calls are not accepted in a predicate (" + printable(first.value)
                        + " at position " + (first.pos + 1) + ")");
            }
            if (punct(".")) {
                throw new Refused("qualified names are not accepted in a predicate" + at(tok)
                        + "; write the column alone");
            }
            checkNotReserved(first, "column name");
            String column = first.value;
            if (punct("::")) {
                throw new Refused("casts are not accepted in a predicate (:: at position " + (tok.pos + 1)
                        + "); write the column alone");
            }
            if (kw("collate")) {
                throw new Refused("COLLATE is not accepted" + at(tok));
            }
            if (acceptKw("is")) {
                boolean negated = acceptKw("not");
                if (acceptKw("null")) {
                    countTerm();
                    return new IsNull(column, negated);
                }
                if (kw("true") || kw("false")) {
                    if (negated) {
                        throw new Refused("IS NOT " + word(tok) + at(tok) + " is not accepted (it also matches"
                                + " NULL); write column IS NULL OR column = " + (kw("true") ? "false" : "true"));
                    }
                    Literal value = Literal.bool(kw("true"));
                    advance();
                    countTerm();
                    return new Comparison(column, "=", value);
                }
                throw new Refused("expected NULL, TRUE or FALSE after IS; found " + word(tok) + at(tok));
            }
            if (kw("not")) {
                Token not = tok;
                advance();
                if (kw("in")) {
                    throw new Refused("NOT IN" + at(not) + " is not accepted in a predicate; list the accepted"
                            + " values with IN, or use <>");
                }
                throw new Refused("NOT " + word(tok) + at(not) + " is not accepted in a predicate");
            }
            if (acceptKw("in")) {
                expectPunct("(", "after IN");
                if (kw("select") || kw("values") || kw("with") || kw("table")) {
                    throw new Refused("subqueries are not accepted in a predicate" + at(tok));
                }
                List<Literal> values = new ArrayList<>();
                do {
                    countTerm();
                    values.add(literal(column));
                } while (acceptPunct(","));
                expectPunct(")", "or ',' in the IN list");
                return new InList(column, values);
            }
            if (tok.type == T.PUNCT && COMPARISONS.contains(tok.value)) {
                String op = tok.value;
                advance();
                countTerm();
                return new Comparison(column, op, literal(column));
            }
            if (tok.type == T.IDENT && !tok.quoted && UNSUPPORTED_OPERATORS.contains(tok.value)) {
                throw new Refused("operator " + word(tok) + at(tok) + " is not accepted in a predicate (accepted:"
                        + " = <> != < <= > >=, IN, IS [NOT] NULL, IS TRUE, IS FALSE)");
            }
            countTerm();
            return new BoolColumn(column, false);
        }

        /** A literal after a comparison operator or in an IN list; refuses anything else, naming it. */
        private Literal literal(String column) {
            Literal literal;
            if (punct("-")) {
                advance();
                if (tok.type != T.NUMBER) {
                    throw new Refused("expected a number after '-'; found " + describe(tok) + at(tok));
                }
                literal = Literal.number("-" + tok.value);
            } else if (tok.type == T.NUMBER) {
                literal = Literal.number(tok.value);
            } else if (tok.type == T.STRING) {
                literal = Literal.string(tok.value);
            } else if (kw("true") || kw("false")) {
                literal = Literal.bool(kw("true"));
            } else if (kw("null")) {
                throw new Refused("comparing with NULL" + at(tok) + " is not accepted; write " + column
                        + " IS NULL");
            } else if (punct("(")) {
                throw new Refused("subqueries and expressions are not accepted in a predicate" + at(tok)
                        + "; write a literal");
            } else if (tok.type == T.IDENT) {
                Token ident = tok;
                advance();
                if (!ident.quoted && ident.value.equals("cast")) {
                    throw new Refused("casts are not accepted in a predicate" + at(ident)
                            + "; write the literal alone");
                }
                if (punct("(")) {
                    throw new Refused("function calls are not accepted in a predicate (" + printable(ident.value)
                            + " at position " + (ident.pos + 1) + ")");
                }
                if (tok.type == T.STRING) {
                    throw new Refused("typed literals (" + printable(ident.value) + " '...')" + at(ident)
                            + " are not accepted; write the literal alone");
                }
                throw new Refused("comparing a column to another column (" + printable(ident.value)
                        + at(ident) + ") is not accepted; compare with a literal");
            } else {
                throw new Refused("expected a literal (string, number, TRUE or FALSE); found " + describe(tok)
                        + at(tok));
            }
            advance();
            if (punct("::")) {
                throw new Refused("casts are not accepted in a predicate (:: at position " + (tok.pos + 1)
                        + "); write the literal alone");
            }
            return literal;
        }
    }
}
