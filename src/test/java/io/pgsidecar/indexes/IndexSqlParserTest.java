package io.pgsidecar.indexes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsidecar.indexes.IndexDefinition.And;
import io.pgsidecar.indexes.IndexDefinition.BoolColumn;
import io.pgsidecar.indexes.IndexDefinition.Comparison;
import io.pgsidecar.indexes.IndexDefinition.InList;
import io.pgsidecar.indexes.IndexDefinition.IsNull;
import io.pgsidecar.indexes.IndexDefinition.Key;
import io.pgsidecar.indexes.IndexDefinition.Literal;
import io.pgsidecar.indexes.IndexDefinition.Or;
import io.pgsidecar.indexes.IndexDefinition.Predicate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexSqlParserTest {

    // ------------------------------------------------------------ accepted statements

    @Test
    void documentedExample() {
        IndexDefinition def = IndexSqlParser.parse("CREATE INDEX idx_users_email ON users (email);");
        assertThat(def.schema()).isNull();
        assertThat(def.table()).isEqualTo("users");
        assertThat(def.name()).isEqualTo("idx_users_email");
        assertThat(def.unique()).isFalse();
        assertThat(def.method()).isEqualTo("btree");
        assertThat(def.keys()).containsExactly(Key.of("email"));
        assertThat(def.include()).isEmpty();
        assertThat(def.where()).isNull();
        assertThat(def.columns()).containsExactly("email");
    }

    @Test
    void keywordsAreCaseInsensitiveAndUnquotedNamesFold() {
        IndexDefinition def = IndexSqlParser.parse("create Index IDX on Users (EMail)");
        assertThat(def.name()).isEqualTo("idx");
        assertThat(def.table()).isEqualTo("users");
        assertThat(def.columns()).containsExactly("email");
    }

    @Test
    void schemaQualifiedAndQuotedMixedCaseNames() {
        IndexDefinition def = IndexSqlParser.parse(
                "CREATE INDEX \"Idx \"\"Odd\"\"\" ON \"Sales\".\"OrderLines\" (\"CustomerId\", sku)");
        assertThat(def.schema()).isEqualTo("Sales");
        assertThat(def.table()).isEqualTo("OrderLines");
        assertThat(def.name()).isEqualTo("Idx \"Odd\"");
        assertThat(def.columns()).containsExactly("CustomerId", "sku");
        assertThat(IndexSqlParser.parse("CREATE INDEX ON public.users (a)").schema()).isEqualTo("public");
    }

    @Test
    void descNullsLastAndExpressions() {
        IndexDefinition def = IndexSqlParser.parse(
                "CREATE INDEX ON t (created_at DESC NULLS LAST, lower(email), (upper(name)) ASC NULLS FIRST)");
        assertThat(def.keys()).containsExactly(
                new Key("created_at", null, true, "last", null),
                new Key("email", "lower", false, null, null),
                new Key("name", "upper", false, "first", null));
        assertThat(IndexSqlParser.parse("CREATE INDEX ON t (((lower(a))))").keys())
                .containsExactly(new Key("a", "lower", false, null, null));
    }

    @Test
    void partialIndexPredicates() {
        assertThat(where("deleted_at IS NULL")).isEqualTo(new IsNull("deleted_at", false));
        assertThat(where("email IS NOT NULL")).isEqualTo(new IsNull("email", true));
        assertThat(where("active")).isEqualTo(new BoolColumn("active", false));
        assertThat(where("NOT archived")).isEqualTo(new BoolColumn("archived", true));
        assertThat(where("active IS TRUE")).isEqualTo(new Comparison("active", "=", Literal.bool(true)));
        assertThat(where("active = false")).isEqualTo(new Comparison("active", "=", Literal.bool(false)));
        assertThat(where("status = 'active'")).isEqualTo(new Comparison("status", "=", Literal.string("active")));
        assertThat(where("amount >= -10.5")).isEqualTo(new Comparison("amount", ">=", Literal.number("-10.5")));
        assertThat(where("kind != 'x'")).isEqualTo(new Comparison("kind", "<>", Literal.string("x")));
        assertThat(where("status IN ('new', 'open', 3)")).isEqualTo(new InList("status",
                List.of(Literal.string("new"), Literal.string("open"), Literal.number("3"))));
        assertThat(where("a = 1 AND (b = 2 OR c IS NULL) AND d")).isEqualTo(new And(List.of(
                new Comparison("a", "=", Literal.number("1")),
                new Or(List.of(new Comparison("b", "=", Literal.number("2")), new IsNull("c", false))),
                new BoolColumn("d", false))));
        assertThat(where("a = 1 AND (b = 2 OR c IS NULL) AND d").columns()).containsExactly("a", "b", "c", "d");
    }

    @Test
    void includeAndGinWithOpclass() {
        IndexDefinition def = IndexSqlParser.parse("CREATE INDEX ON users (email) INCLUDE (name, \"Phone\")");
        assertThat(def.include()).containsExactly("name", "Phone");

        IndexDefinition gin = IndexSqlParser.parse("CREATE INDEX ON docs USING GIN (body jsonb_path_ops)");
        assertThat(gin.method()).isEqualTo("gin");
        assertThat(gin.keys()).containsExactly(new Key("body", null, false, null, "jsonb_path_ops"));
    }

    @Test
    void ifNotExistsConcurrentlyOnlyAndTrailingSemicolon() {
        IndexDefinition def = IndexSqlParser.parse(
                "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON ONLY measurements (id) ;  -- done\n");
        assertThat(def.unique()).isTrue();
        assertThat(def.name()).isEqualTo("idx");
        assertThat(def.table()).isEqualTo("measurements");
        assertThat(IndexSqlParser.parse("CREATE INDEX CONCURRENTLY ON t (a)").name()).isNull();
        assertThat(IndexSqlParser.parse("/* lead */ CREATE INDEX ON t (a) -- trail").columns()).containsExactly("a");
    }

    @Test
    void roundTripToSql() {
        IndexDefinition def = IndexSqlParser.parse("CREATE UNIQUE INDEX x ON users (a, lower(b) DESC NULLS LAST)"
                + " INCLUDE (c) WHERE d IS NOT NULL");
        assertThat(def.toSql("public", "users", "idx", true)).isEqualTo("CREATE UNIQUE INDEX CONCURRENTLY \"idx\""
                + " ON \"public\".\"users\" USING btree (\"a\", lower(\"b\") DESC NULLS LAST) INCLUDE (\"c\")"
                + " WHERE (\"d\" IS NOT NULL)");
        assertThat(def.toSqlOnOnly("public", "users", "idx")).isEqualTo("CREATE UNIQUE INDEX \"idx\""
                + " ON ONLY \"public\".\"users\" USING btree (\"a\", lower(\"b\") DESC NULLS LAST) INCLUDE (\"c\")"
                + " WHERE (\"d\" IS NOT NULL)");

        IndexDefinition partial = IndexSqlParser.parse("create index on \"T\" using gin (doc jsonb_path_ops)"
                + " where status = 'it''s' and (n > -1 or flag) and kind in ('a', 'b') and not gone");
        assertThat(partial.toSql(null, "T", "we\"ird", false)).isEqualTo("CREATE INDEX \"we\"\"ird\" ON \"T\""
                + " USING gin (\"doc\" jsonb_path_ops) WHERE (\"status\" = 'it''s' AND (\"n\" > -1 OR \"flag\")"
                + " AND \"kind\" IN ('a', 'b') AND NOT \"gone\")");

        // Rendering the rendered predicate again gives the same structure.
        Predicate where = partial.where();
        assertThat(IndexSqlParser.parsePredicate(where.toSql())).isEqualTo(where);
    }

    @Test
    void literalsAreRenderedByTheAgent() {
        assertThat(Literal.string("a'b").toSql()).isEqualTo("'a''b'");
        assertThat(Literal.string("a\\b'").toSql()).isEqualTo("E'a\\\\b'''");
        assertThat(Literal.number("-0.5").toSql()).isEqualTo("-0.5");
        assertThat(Literal.bool(true).toSql()).isEqualTo("true");
        assertThatThrownBy(() -> Literal.number("1; DROP TABLE t")).isInstanceOf(IndexSqlParser.Refused.class);
        assertThatThrownBy(() -> new Comparison("a", "= 1 OR 1", Literal.number("1")))
                .isInstanceOf(IndexSqlParser.Refused.class);
    }

    @Test
    void defaultNameFollowsPostgresAndFitsIn63Bytes() {
        assertThat(IndexDefinition.defaultName("users", List.of("email"))).isEqualTo("users_email_idx");
        assertThat(IndexDefinition.defaultName("t", List.of("a", "b"))).isEqualTo("t_a_b_idx");

        String name = IndexDefinition.defaultName("t".repeat(50), List.of("c".repeat(40), "d"));
        assertThat(name).hasSize(63).startsWith("ttt").endsWith("ccc_idx");
        assertThat(name).isEqualTo("t".repeat(29) + "_" + "c".repeat(29) + "_idx");

        // Multi-byte characters are never split.
        String wide = IndexDefinition.defaultName("é".repeat(40), List.of("ü".repeat(40)));
        assertThat(wide.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(wide).isEqualTo("é".repeat(14) + "_" + "ü".repeat(14) + "_idx");
    }

    @Test
    void qualifiedNamesAndIdentifiers() {
        assertThat(IndexSqlParser.parseQualifiedName("users")).containsExactly(null, "users");
        assertThat(IndexSqlParser.parseQualifiedName("public.users")).containsExactly("public", "users");
        assertThat(IndexSqlParser.parseQualifiedName("\"Odd\".\"T\"")).containsExactly("Odd", "T");
        assertThat(IndexSqlParser.parseIdentifier("Email")).isEqualTo("email");
        assertThat(IndexSqlParser.parseIdentifier("\"Email\"")).isEqualTo("Email");
    }

    // ------------------------------------------------------------ refused input

    @Test
    void twoStatementsAreRefused() {
        refused("CREATE INDEX a ON t (x); DROP TABLE t", "only one statement");
        refused("CREATE INDEX ON t (a) /* x */ ; DROP TABLE t", "only one statement");
        refused("CREATE INDEX ON t (a);;", "only one statement");
    }

    @Test
    void otherStatementsAreRefused() {
        refused("DROP TABLE users", "only CREATE INDEX is accepted; found DROP");
        refused("CREATE TABLE x (a int)", "found CREATE TABLE");
        refused("", "empty");
    }

    @Test
    void functionsOutsideTheAllowListAreRefused() {
        refused("CREATE INDEX ON t ((pg_terminate_backend(1)))", "function pg_terminate_backend is not allowed");
        refused("CREATE INDEX ON t (nextval('s'))", "function nextval is not allowed");
        refused("CREATE INDEX ON t (lower(upper(a)))", "nested");
        refused("CREATE INDEX ON t (lower('x'))", "only a column argument");
        refused("CREATE INDEX ON t (a) WHERE a = now()", "function calls are not accepted");
    }

    @Test
    void oversizedStatementIsRefusedBeforeLexing() {
        String huge = "CREATE INDEX ON t (a) WHERE b = '" + "x".repeat(100 * 1024) + "'";
        refused(huge, "at most 8192");
    }

    @Test
    void sqlInATableNameIsRefused() {
        assertThatThrownBy(() -> IndexSqlParser.parseQualifiedName("users; DROP TABLE x"))
                .isInstanceOf(IndexSqlParser.Refused.class).hasMessageContaining("';'");
        assertThatThrownBy(() -> IndexSqlParser.parseQualifiedName("users--"))
                .isInstanceOf(IndexSqlParser.Refused.class).hasMessageContaining("comments");
        assertThatThrownBy(() -> IndexSqlParser.parseQualifiedName("a.b.c"))
                .isInstanceOf(IndexSqlParser.Refused.class).hasMessageContaining("'.'");
        assertThatThrownBy(() -> IndexSqlParser.parseIdentifier("a, b"))
                .isInstanceOf(IndexSqlParser.Refused.class).hasMessageContaining("single column name");
    }

    @Test
    void lexicalTricksAreRefused() {
        refused("CREATE INDEX ON t (a) WHERE b = $$x$$", "dollar-quoted");
        refused("CREATE INDEX ON t (a) WHERE b = $tag$x$tag$", "dollar-quoted");
        refused("CREATE INDEX ON t (a) WHERE b = $1", "parameter $1");
        refused("CREATE INDEX ON t (a) WHERE b = E'\\x27'", "escape strings");
        refused("CREATE INDEX ON t (a) WHERE b = U&'x'", "Unicode escapes");
        refused("CREATE INDEX ON t (a) WHERE b = 'open", "unterminated");
        refused("CREATE INDEX ON t (a) /* open", "unterminated comment");
        refused("CREATE INDEX ON t (a[1])", "'['");
        refused("CREATE INDEX ON t (a) WHERE b || 'x' = 'y'", "'|'");
        refused("CREATE INDEX ON t (a) WHERE b = 1e3", "malformed number");
        refused("CREATE INDEX ON t (\"\")", "empty quoted identifier");
    }

    @Test
    void predicateRestrictions() {
        refused("CREATE INDEX ON t (a) WHERE b = 'x'::text", "casts are not accepted");
        refused("CREATE INDEX ON t (a) WHERE b::int = 1", "casts are not accepted");
        refused("CREATE INDEX ON t (a) WHERE b = c", "another column");
        refused("CREATE INDEX ON t (a) WHERE b IN (SELECT id FROM u)", "subqueries");
        refused("CREATE INDEX ON t (a) WHERE b NOT IN (1, 2)", "NOT IN");
        refused("CREATE INDEX ON t (a) WHERE NOT (b = 1)", "NOT");
        refused("CREATE INDEX ON t (a) WHERE b = NULL", "IS NULL");
        refused("CREATE INDEX ON t (a) WHERE b LIKE 'x%'", "LIKE");
        refused("CREATE INDEX ON t (a) WHERE " + "(".repeat(11) + "b" + ")".repeat(11), "10 levels");
        refused("CREATE INDEX ON t (a) WHERE " + "b = 1 AND ".repeat(50) + "c", "50 terms");
        assertThatThrownBy(() -> IndexSqlParser.parsePredicate("a = 1; DROP TABLE t"))
                .isInstanceOf(IndexSqlParser.Refused.class).hasMessageContaining("';'");
    }

    @Test
    void unsupportedClausesAreNamed() {
        refused("CREATE INDEX ON t (a) WITH (fillfactor = 70)", "WITH (...) storage parameters");
        refused("CREATE INDEX ON t (a) TABLESPACE fast", "TABLESPACE is not accepted");
        refused("CREATE UNIQUE INDEX ON t (a) NULLS NOT DISTINCT", "NULLS [NOT] DISTINCT");
        refused("CREATE INDEX ON t (a COLLATE \"C\")", "COLLATE");
        refused("CREATE INDEX ON t USING rum (a)", "index method rum is not allowed");
        refused("CREATE INDEX ON t (a int4_ops)", "operator class int4_ops is not allowed");
        refused("CREATE INDEX ON t (a) WHERE b extra", "unexpected extra");
        refused("CREATE INDEX ON select (a)", "reserved word");
    }

    @Test
    void longIdentifiersAreRefused() {
        refused("CREATE INDEX ON t (" + "a".repeat(64) + ")", "64 bytes");
        refused("CREATE INDEX ON t (\"" + "é".repeat(32) + "\")", "64 bytes");
        assertThat(IndexSqlParser.parse("CREATE INDEX ON t (" + "a".repeat(63) + ")").columns())
                .containsExactly("a".repeat(63));
    }

    private static Predicate where(String predicate) {
        Predicate parsed = IndexSqlParser.parse("CREATE INDEX ON t (a) WHERE " + predicate).where();
        assertThat(IndexSqlParser.parsePredicate(predicate)).isEqualTo(parsed);
        return parsed;
    }

    private static void refused(String sql, String telling) {
        assertThatThrownBy(() -> IndexSqlParser.parse(sql))
                .isInstanceOf(IndexSqlParser.Refused.class)
                .hasMessageContaining(telling);
    }
}
