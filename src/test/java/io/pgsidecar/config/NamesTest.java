package io.pgsidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.db.Identifiers;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void databaseNameComesFromTheJdbcUrl() {
        assertThat(DatabaseName.fromJdbcUrl("jdbc:postgresql://h:5432/orders?sslmode=require")).isEqualTo("orders");
        assertThat(DatabaseName.fromJdbcUrl("jdbc:postgresql://h/my%20db")).isEqualTo("my db");
        assertThat(DatabaseName.fromJdbcUrl("jdbc:postgresql://h:5432/")).isEqualTo("unknown");
        assertThat(DatabaseName.parse("jdbc:postgresql://db.example:6432/orders?sslmode=require"))
                .isEqualTo(new DatabaseName.Target("db.example", 6432, "orders"));
        assertThat(DatabaseName.parse("jdbc:postgresql://[::1]/app")).isEqualTo(new DatabaseName.Target("[::1]", 5432, "app"));
    }

    @Test
    void identifiersAreCheckedAndQuoted() {
        assertThat(Identifiers.isSimple("pgsidecar")).isTrue();
        assertThat(Identifiers.isSimple("pg_sidecar2")).isTrue();
        assertThat(Identifiers.isSimple("Robert'); DROP TABLE students;--")).isFalse();
        assertThat(Identifiers.isSimple("a".repeat(64))).isFalse();
        assertThat(Identifiers.quote("we\"ird")).isEqualTo("\"we\"\"ird\"");
    }
}
