package io.pgsidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.DbConfigCheck;
import io.pgsidecar.replicas.ReplicasConfig;
import io.pgsidecar.replicas.ReplicasConfigCheck;
import io.pgsidecar.statements.StatementsConfig;
import io.pgsidecar.statements.StatementsConfigCheck;
import io.pgsidecar.testing.TestConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The start-up message of bad configuration, as each feature's check writes it: one line per bad
 * key, naming the key (with its environment alias) and the value; a good configuration has none.
 */
class ConfigChecksTest {

    static ConfigProblems problems() {
        return new ConfigProblems();
    }

    @Test
    void defaultsPass() {
        ConfigProblems p = problems();
        new DbConfigCheck(TestConfig.mapping(DbConfig.class, Map.of()), Optional.of("jdbc:postgresql://db:5432/app"))
                .check(p);
        new StatementsConfigCheck(TestConfig.mapping(StatementsConfig.class, Map.of())).check(p);
        new ReplicasConfigCheck(TestConfig.mapping(ReplicasConfig.class, Map.of())).check(p);
        new io.pgsidecar.activity.ActivityConfigCheck(TestConfig.mapping(io.pgsidecar.activity.ActivityConfig.class,
                Map.of())).check(p);
        assertThat(p.list()).isEmpty();
    }

    @Test
    void theActivityCheckNamesEachBadKey() {
        ConfigProblems p = new ConfigProblems();
        new io.pgsidecar.activity.ActivityConfigCheck(TestConfig.mapping(io.pgsidecar.activity.ActivityConfig.class,
                Map.of("pgsidecar.activity.sample-interval", "100ms", "pgsidecar.activity.history", "30s",
                        "pgsidecar.activity.blocking-interval", "0s"))).check(p);
        assertThat(p.list()).anySatisfy(m -> assertThat(m).startsWith("pgsidecar.activity.sample-interval='PT0.1S'"))
                .anySatisfy(m -> assertThat(m).startsWith("pgsidecar.activity.history='PT30S'"))
                .anySatisfy(m -> assertThat(m).startsWith("pgsidecar.activity.blocking-interval"));
        ConfigProblems tooLong = new ConfigProblems();
        new io.pgsidecar.activity.ActivityConfigCheck(TestConfig.mapping(io.pgsidecar.activity.ActivityConfig.class,
                Map.of("pgsidecar.activity.history", "48h"))).check(tooLong);
        assertThat(tooLong.list()).singleElement().satisfies(m -> assertThat(m).contains("at most 86400 samples"));
    }

    @Test
    void theDatabaseCheckNamesEachBadKey() {
        ConfigProblems p = problems();
        new DbConfigCheck(TestConfig.mapping(DbConfig.class, Map.of("pgsidecar.db.schema", "Agent-Schema",
                "pgsidecar.db.pool.max-size", "0", "pgsidecar.db.lock-timeout", "0s")), Optional.empty()).check(p);
        assertThat(p.list()).containsExactlyInAnyOrder(
                "no database configured: set DATABASE_URL (postgresql://user:password@host:5432/db) or "
                        + "quarkus.datasource.jdbc.url",
                "pgsidecar.db.schema='Agent-Schema': expected a lower-case identifier (letters, digits, _; at most 63 "
                        + "characters; not a reserved word)",
                "pgsidecar.db.pool.max-size (DB_POOL_SIZE)='0': expected at least 1",
                "pgsidecar.db.lock-timeout='PT0S': expected a duration above zero");
    }

    @Test
    void aSchemaNameFlywayCouldNotUseUnquotedIsRefused() {
        for (String schema : List.of("user", "Agent", "agent schema")) {
            ConfigProblems p = problems();
            new DbConfigCheck(TestConfig.mapping(DbConfig.class, Map.of("pgsidecar.db.schema", schema)),
                    Optional.of("jdbc:postgresql://h/db")).check(p);
            assertThat(p.list()).as(schema).singleElement().asString().startsWith("pgsidecar.db.schema='" + schema + "'");
        }
    }

    @Test
    void aDatabaseUrlAlreadyReportedIsNotReportedTwice() {
        ConfigProblems p = problems();
        p.add("DATABASE_URL='postgresql://x:***@h:notaport/db': the host or port is not valid");
        new DbConfigCheck(TestConfig.mapping(DbConfig.class, Map.of()), Optional.empty()).check(p);
        assertThat(p.list()).hasSize(1);
        assertThat(p.message()).startsWith("pgsidecar cannot start, the configuration is invalid:\n  - DATABASE_URL=");
    }

    @Test
    void theReplicaCheckNamesTheEntryAndItsAlias() {
        ConfigProblems p = problems();
        new ReplicasConfigCheck(TestConfig.mapping(ReplicasConfig.class, Map.of(
                "pgsidecar.replicas.list[0].name", "r1", "pgsidecar.replicas.list[0].url", "postgresql://h:5432/app",
                "pgsidecar.replicas.list[1].name", "r1", "pgsidecar.replicas.list[1].url", "mysql://h/app",
                "pgsidecar.replicas.list[1].weight", "0",
                "pgsidecar.replicas.load-balancing", "fastest"))).check(p);
        assertThat(p.list()).containsExactlyInAnyOrder(
                "pgsidecar.replicas.list[1] (READ_REPLICAS entry 1) name='r1': duplicate replica name",
                "pgsidecar.replicas.list[1] (READ_REPLICAS entry 1) url='mysql://h/app': the scheme must be "
                        + "postgresql:// or postgres://",
                "pgsidecar.replicas.list[1] (READ_REPLICAS entry 1) weight='0': expected a whole number above 0",
                "pgsidecar.replicas.load-balancing (REPLICA_LOAD_BALANCING)='fastest': expected round_robin, "
                        + "weighted_random or least_connections");
    }

    @Test
    void theStatementsCheckNamesTheAliasOfTheSlowQueryThreshold() {
        ConfigProblems p = problems();
        new StatementsConfigCheck(TestConfig.mapping(StatementsConfig.class, Map.of(
                "pgsidecar.statements.slow-query-threshold", "0s", "pgsidecar.statements.regression-factor", "1",
                "pgsidecar.statements.max-text-length", "10"))).check(p);
        assertThat(p.list()).containsExactlyInAnyOrder(
                "pgsidecar.statements.slow-query-threshold (SLOW_QUERY_THRESHOLD)='PT0S': expected a duration above zero",
                "pgsidecar.statements.regression-factor='1.0': expected a number above 1",
                "pgsidecar.statements.max-text-length='10': expected at least 64");
    }
}
