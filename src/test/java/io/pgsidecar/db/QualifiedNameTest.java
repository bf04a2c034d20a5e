package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Table names are read as PostgreSQL reads them, and written back so that they read the same again. */
class QualifiedNameTest {

    // ------------------------------------------------------------ examples

    @Example
    void unquotedPartsFoldToLowerCaseAndQuotedOnesKeepTheirCase() {
        assertThat(QualifiedName.parse("Orders")).isEqualTo(new QualifiedName(null, "orders"));
        assertThat(QualifiedName.parse("\"Orders\"")).isEqualTo(new QualifiedName(null, "Orders"));
        assertThat(QualifiedName.parse("Sales.Orders")).isEqualTo(new QualifiedName("sales", "orders"));
        assertThat(QualifiedName.parse("\"Sales\".orders")).isEqualTo(new QualifiedName("Sales", "orders"));
        assertThat(QualifiedName.parse("public.user")).isEqualTo(new QualifiedName("public", "user"));
        assertThat(QualifiedName.parse("t$1")).isEqualTo(new QualifiedName(null, "t$1"));
    }

    @Example
    void onlyAsciiLettersFoldAsInAUtf8Database() {
        assertThat(QualifiedName.parse("Café")).isEqualTo(new QualifiedName(null, "café"));
        assertThat(QualifiedName.parse("ÉTÉ")).isEqualTo(new QualifiedName(null, "ÉtÉ"));
    }

    @Example
    void quotedPartsMayHoldDotsBlanksAndDoubledQuotes() {
        assertThat(QualifiedName.parse("\"a.b\".\"c\"\"d\"")).isEqualTo(new QualifiedName("a.b", "c\"d"));
        assertThat(QualifiedName.parse("\"my table\"")).isEqualTo(new QualifiedName(null, "my table"));
        assertThat(QualifiedName.parse("  public . \"x\"  ")).isEqualTo(new QualifiedName("public", "x"));
    }

    @Example
    void anythingElseIsRefusedWithWhatAndWhere() {
        refused("a.b.c", "found '.' at position 4");
        refused("users; DROP TABLE x", "found ';' at position 6");
        refused("users--", "comments");
        refused("users /* x */", "comments");
        refused("", "empty");
        refused("   ", "empty");
        refused(null, "no table name");
        refused("a.", "missing");
        refused(".a", "expected a name at position 1");
        refused("a..b", "expected a name at position 3");
        refused("1abc", "expected a name");
        refused("a b", "found 'b'");
        refused("\"\"", "empty quoted identifier");
        refused("\"open", "unterminated");
        refused("U&\"x\"", "found '&'");
        refused("a\0b", "U+0000");
        refused("\"a\0b\"", "U+0000");
        refused("\"a\uD800\"", "unpaired surrogate");
    }

    @Example
    void aPartIsAtMost63BytesOfUtf8() {
        assertThat(QualifiedName.parse("a".repeat(63)).name()).hasSize(63);
        assertThat(QualifiedName.parse("é".repeat(31) + "a").name()).hasSize(32);
        refused("a".repeat(64), "64 bytes; at most 63");
        refused("\"" + "é".repeat(32) + "\"", "64 bytes; at most 63");
        refused("public." + "b".repeat(64), "64 bytes");
    }

    @Example
    void formsOfOneName() {
        QualifiedName n = new QualifiedName("public", "Orders");
        assertThat(n.quoted()).isEqualTo("\"public\".\"Orders\"");
        assertThat(n.display()).isEqualTo("public.\"Orders\"");
        assertThat(n).hasToString("public.Orders");
        assertThat(new QualifiedName(null, "orders").quoted()).isEqualTo("\"orders\"");
        assertThat(new QualifiedName("s", "select").display()).isEqualTo("s.\"select\"");
        assertThat(QualifiedName.parse("orders").orIn("public")).isEqualTo(new QualifiedName("public", "orders"));
        assertThat(QualifiedName.parse("app.orders").orIn("public")).isEqualTo(new QualifiedName("app", "orders"));
    }

    @Example
    void aNameThatIsNoNameCannotBeMade() {
        assertThatThrownBy(() -> new QualifiedName("public", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QualifiedName("", "t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QualifiedName("public", null)).isInstanceOf(NullPointerException.class);
    }

    private static void refused(String text, String message) {
        assertThatThrownBy(() -> QualifiedName.parse(text)).as(String.valueOf(text))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    // ------------------------------------------------------------ properties

    @Property
    void theQuotedFormReadsBackAsTheSameName(@ForAll("names") QualifiedName name) {
        assertThat(QualifiedName.parse(name.quoted())).isEqualTo(name);
    }

    @Property
    void theDisplayedFormReadsBackAsTheSameName(@ForAll("names") QualifiedName name) {
        assertThat(QualifiedName.parse(name.display())).isEqualTo(name);
    }

    @Property
    void anUnquotedNameIsItsLowerCaseAndAQuotedOneItself(@ForAll("unquoted") String schema,
                                                          @ForAll("unquoted") String table) {
        assertThat(QualifiedName.parse(schema + "." + table)).isEqualTo(new QualifiedName(
                schema.toLowerCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)));
        assertThat(QualifiedName.parse("\"" + schema + "\".\"" + table + "\"")).isEqualTo(
                new QualifiedName(schema, table));
    }

    /** Any text at all: a name, or a refusal that says why; and what is read is read the same again. */
    @Property(tries = 2000)
    void anyTextIsANameOrARefusal(@ForAll("texts") String text) {
        QualifiedName name;
        try {
            name = QualifiedName.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(QualifiedName.parse(name.quoted())).isEqualTo(name);
    }

    @Provide
    Arbitrary<QualifiedName> names() {
        Arbitrary<String> part = Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZz_$.\" é漢-;/*0").ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(15),
                unquoted());
        Arbitrary<String> valid = part.filter(QualifiedNameTest::isPart);
        return Combinators.combine(valid.injectNull(0.3), valid).as(QualifiedName::new);
    }

    @Provide
    Arbitrary<String> unquoted() {
        return Combinators.combine(Arbitraries.chars().range('a', 'z').range('A', 'Z').with('_'),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                        .withChars('_', '$').ofMaxLength(62)).as((c, rest) -> c + rest);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZ_$.\" \t\n-/*;&'é0").ofMaxLength(30),
                Arbitraries.strings().all().ofMaxLength(30));
    }

    private static boolean isPart(String s) {
        try {
            new QualifiedName(null, s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
