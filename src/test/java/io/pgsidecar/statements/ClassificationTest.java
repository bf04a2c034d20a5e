package io.pgsidecar.statements;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClassificationTest {

    @Test
    void statementTypes() {
        assertThat(StatementType.of("SELECT 1")).isEqualTo(StatementType.SELECT);
        assertThat(StatementType.of("/* app */ select * from t")).isEqualTo(StatementType.SELECT);
        assertThat(StatementType.of("  (SELECT 1) UNION (SELECT 2)")).isEqualTo(StatementType.SELECT);
        assertThat(StatementType.of("insert into t values ($1)")).isEqualTo(StatementType.INSERT);
        assertThat(StatementType.of("UPDATE t SET a = $1")).isEqualTo(StatementType.UPDATE);
        assertThat(StatementType.of("-- c\nDELETE FROM t")).isEqualTo(StatementType.DELETE);
        assertThat(StatementType.of("WITH x AS (SELECT 1) DELETE FROM t USING x")).isEqualTo(StatementType.DELETE);
        assertThat(StatementType.of("WITH x AS (SELECT 1) SELECT * FROM x")).isEqualTo(StatementType.SELECT);
        assertThat(StatementType.of("CREATE TABLE t (a int)")).isEqualTo(StatementType.OTHER);
        assertThat(StatementType.of("VACUUM")).isEqualTo(StatementType.OTHER);
        assertThat(StatementType.of(null)).isEqualTo(StatementType.OTHER);
    }

    @Test
    void keyLookupsAreRecognised() {
        assertThat(NPlusOne.isKeyLookup("SELECT id, name FROM items WHERE id = $1")).isTrue();
        assertThat(NPlusOne.isKeyLookup("select * from public.orders o where o.customer_id = $1 limit $2")).isTrue();
        assertThat(NPlusOne.isKeyLookup("SELECT * FROM items WHERE id = $1 AND tenant = $2")).isTrue();
    }

    @Test
    void otherShapesAreNot() {
        assertThat(NPlusOne.isKeyLookup("SELECT * FROM a JOIN b ON a.id = b.a WHERE a.id = $1")).isFalse();
        assertThat(NPlusOne.isKeyLookup("SELECT * FROM a, b WHERE a.id = $1")).isFalse();
        assertThat(NPlusOne.isKeyLookup("SELECT * FROM items WHERE id > $1")).isFalse();
        assertThat(NPlusOne.isKeyLookup("SELECT * FROM items")).isFalse();
        assertThat(NPlusOne.isKeyLookup("SELECT * FROM items WHERE id = (SELECT max(id) FROM items)")).isFalse();
        assertThat(NPlusOne.isKeyLookup("UPDATE items SET a = 1 WHERE id = $1")).isFalse();
    }

    @Test
    void countersQueryFollowsTheExtensionVersion() {
        assertThat(StatementsReader.countersQuery("1.8")).isSameAs(StatementsQueries.COUNTERS_V1_8);
        assertThat(StatementsReader.countersQuery("1.9")).isSameAs(StatementsQueries.COUNTERS_V1_9);
        assertThat(StatementsReader.countersQuery("1.10")).isSameAs(StatementsQueries.COUNTERS_V1_9);
        assertThat(StatementsReader.countersQuery("1.11")).isSameAs(StatementsQueries.COUNTERS_V1_11);
        assertThat(StatementsReader.countersQuery("1.12")).isSameAs(StatementsQueries.COUNTERS_V1_11);
        assertThat(StatementsQueries.COUNTERS_V1_8).doesNotContain("s.toplevel").contains("blk_read_time");
        assertThat(StatementsQueries.COUNTERS_V1_11).contains("shared_blk_read_time").contains("stats_since");
    }

    @Test
    void parameterCount() {
        assertThat(PlanService.parameterCount("SELECT $1, $3, $2")).isEqualTo(3);
        assertThat(PlanService.parameterCount("SELECT 1")).isZero();
    }
}
