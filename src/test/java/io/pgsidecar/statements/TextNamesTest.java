package io.pgsidecar.statements;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The names and operators the plan screen looks up: every one a text can call, none hidden by quoting. */
class TextNamesTest {

    @Test
    void namesAreFoldedUnlessQuotedAndOperatorsAreWhole() {
        TextNames n = TextNames.of("SELECT Evil($1), s.\"MixedCase\"(x) FROM public.Loot l WHERE l.a +++ $2 AND b @> c");
        assertThat(n.names()).contains("select", "evil", "s", "MixedCase", "x", "from", "public", "loot", "l", "a", "b",
                "c");
        assertThat(n.operators()).contains("+++", "@>");
        assertThat(n.names()).doesNotContain("Evil", "Loot");
    }

    @Test
    void literalsAndCommentsHideNothingThatIsCode() {
        TextNames n = TextNames.of("SELECT 'evil()' , E'it\\'s fake()', $$ dollar() $$, $tag$ x() $tag$ "
                + "/* outer /* nested() */ still() */ -- line()\n, real()");
        assertThat(n.names()).contains("select", "real").doesNotContain("evil", "fake", "dollar", "x", "nested",
                "still", "line");
    }

    @Test
    void operatorCallSyntaxAndQuotedQuotes() {
        TextNames n = TextNames.of("SELECT a OPERATOR(public.===) b, \"we\"\"ird\"()");
        assertThat(n.operators()).contains("===");
        assertThat(n.names()).contains("operator", "public", "we\"ird");
    }

    @Test
    void anUnterminatedTextEndsTheScanWithoutFailing() {
        assertThat(TextNames.of("SELECT f() WHERE x = 'open").names()).contains("f");
        assertThat(TextNames.of("SELECT $$ open").names()).containsExactly("select");
        assertThat(TextNames.of("SELECT \"open").names()).contains("select", "open");
    }

    @Test
    void theLexerReadsWhatTheServerReads() {
        TextNames n = TextNames.of("SELECT Ävil(), U&\"d\\0061ta\"() WHERE a =- 1 AND b LIKE c AND d BETWEEN e AND f "
                + "AND g IN (h) AND k @- 2");
        assertThat(n.names()).contains("Ävil", "data").doesNotContain("ävil");
        assertThat(n.operators()).contains("=-", "=", "-", "~~", "!~~", ">=", "<=", "<>", "@-")
                .doesNotContain("@");
    }
}
