package io.pgsidecar.partitions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pgsidecar.PartitionsSuiteIT;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Side by side with pg_partman 4.7 (Debian's postgresql-15-partman): identical parents, one managed
 * by pg_partman (monthly, premake 4), one by pgsidecar, end up with the same future ranges, and with
 * a two-month retention both remove the same partitions. pg_partman's parent is left alone.
 */
@QuarkusTest
@TestProfile(PartitionsSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class, initArgs = {
        @ResourceArg(name = "own", value = "true"), @ResourceArg(name = "sql", value = PartitionsSuiteIT.SQL)})
class PartmanIT {

    static final String BASE = "/api/v1/admin/database/partitions";

    @Inject
    PartitionJob job;

    @BeforeEach
    void ready() {
        // the leader's first run at start-up comes after the agent's migrations: wait for it
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> job.state().at() != null);
    }

    static PgCluster pg() {
        return PgTestResource.ownCluster();
    }

    /** The ranges of a parent's partitions (the default left out), as UTC text, from {@code since} on. */
    static TreeSet<String> ranges(Statement s, String table, LocalDate since) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        try (ResultSet rs = s.executeQuery("SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c JOIN pg_inherits i "
                + "ON i.inhrelid = c.oid WHERE i.inhparent = '" + table + "'::regclass AND NOT c.relpartbound IS NULL")) {
            while (rs.next()) {
                String b = rs.getString(1);
                if (!b.equals("DEFAULT") && b.compareTo("FOR VALUES FROM ('" + since) >= 0) {
                    out.add(b);
                }
            }
        }
        return out;
    }

    @Test
    void pgPartmanAndPgsidecarMakeTheSameRangesAndRetentionRemovesTheSamePartitions() throws Exception {
        try (Connection c = pg().connect("app"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_partman' "
                    + "AND default_version LIKE '4.%'")) {
                rs.next();
                Assumptions.assumeTrue(rs.getInt(1) == 1, "pg_partman 4.x is not installed for PostgreSQL "
                        + pg().majorVersion() + " here (Debian: apt-get install postgresql-15-partman; .ci/run does)");
            }
            s.execute("SET TimeZone = 'UTC'");
            s.execute("CREATE SCHEMA partman");
            s.execute("CREATE EXTENSION pg_partman SCHEMA partman");
            s.execute("SELECT partman.create_parent(p_parent_table => 'public.pm_a', p_control => 'created_at', "
                    + "p_type => 'native', p_interval => 'monthly', p_premake => 4)");
            job.runOnce();
            LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
            TreeSet<String> partman = ranges(s, "pm_a", month);
            assertThat(partman).hasSize(5);
            assertThat(ranges(s, "sc_a", month)).as("future ranges").isEqualTo(partman);

            // pg_partman's set is shown as its own and never touched
            given().auth().oauth2("test-token").get(BASE + "/status").then().statusCode(200)
                    .body("data.tables.find { it.table == 'public.pm_a' }.managed_by", equalTo("pg_partman"))
                    .body("data.tables.find { it.table == 'public.sc_a' }.managed_by", equalTo("pgsidecar"));
            given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{\"table_name\": \"pm_a\", "
                            + "\"column_name\": \"created_at\", \"start_date\": \"2030-01-01\", \"end_date\": "
                            + "\"2030-02-01\", \"interval\": \"month\"}").post(BASE + "/create").then().statusCode(409)
                    .body("error.code", equalTo("managed_by_pg_partman"));
            given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{\"retention_months\": 1}")
                    .post(BASE + "/pm_a/cleanup").then().statusCode(409).body("error.code", equalTo("managed_by_pg_partman"));

            // the months pg_partman made behind (its premake), made for sc_a too, then a two-month retention
            LocalDate first = month.minusMonths(4);
            given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{\"table_name\": \"sc_a\", "
                    + "\"column_name\": \"created_at\", \"start_date\": \"" + first + "\", \"end_date\": \"" + month
                    + "\", \"interval\": \"month\"}").post(BASE + "/create").then().statusCode(200);
            LocalDate longAgo = month.minusYears(2);
            assertThat(ranges(s, "sc_a", longAgo)).isEqualTo(ranges(s, "pm_a", longAgo));
            s.execute("UPDATE partman.part_config SET retention = '2 months', retention_keep_table = false "
                    + "WHERE parent_table = 'public.pm_a'");
            s.execute("SELECT partman.run_maintenance('public.pm_a')");
            given().auth().oauth2("test-token").contentType(ContentType.JSON)
                    .body("{\"retention_months\": 2, \"mode\": \"drop\"}").post(BASE + "/sc_a/cleanup").then()
                    .statusCode(200);
            TreeSet<String> left = ranges(s, "pm_a", longAgo);
            assertThat(left.size()).as("pg_partman removed some").isLessThan(9);
            assertThat(ranges(s, "sc_a", longAgo)).as("the same partitions left").isEqualTo(left);
        }
    }
}
