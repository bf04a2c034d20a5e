package io.pgsidecar.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.LegacyNamesSuiteIT;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The freeze path: a table whose age(relfrozenxid) passed the configured share of
 * autovacuum_freeze_max_age gets VACUUM (FREEZE). The share is tiny here (2,000 transactions), so
 * the test can age a table by consuming transaction ids instead of waiting for 150 million.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(LegacyNamesSuiteIT.Profile.class)
@WithTestResource(PgTestResource.class)
class MaintenanceFreezeIT {

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void aTableOldEnoughGetsVacuumFreeze() throws Exception {
        MaintenanceClient.awaitReady();
        try (Connection c = PgTestResource.cluster().connect(database); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ancient (id int)");
            s.execute("INSERT INTO ancient SELECT generate_series(1, 1000)");
            for (int i = 0; i < 2500; i++) {
                s.executeQuery("SELECT txid_current()").close();
            }
            long before = age(s);
            assertThat(before).isGreaterThan(2000);
            JsonPath run = MaintenanceClient.run("vacuum", "{\"tables\": [\"ancient\"]}", Duration.ofSeconds(60));
            assertThat(run.getString("data.items.find { it.target == 'public.ancient' }.action")).isEqualTo("vacuum_freeze");
            assertThat(run.getString("data.items.find { it.target == 'public.ancient' }.sql"))
                    .isEqualTo("/* pgsidecar */ VACUUM (FREEZE, VERBOSE) \"public\".\"ancient\"");
            assertThat(run.getString("data.items.find { it.target == 'public.ancient' }.outcome")).isEqualTo("ok");
            assertThat(age(s)).isLessThan(before);
        }
    }

    static long age(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT age(relfrozenxid) FROM pg_class WHERE relname = 'ancient'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
