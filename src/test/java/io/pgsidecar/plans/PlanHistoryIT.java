package io.pgsidecar.plans;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The plan history on a real PostgreSQL: a top statement's plan is recorded as its shape; dropping
 * the index it uses records a plan change with the difference in words; a statement whose plan
 * cannot be made safely is skipped with the reason. On a server of its own: the shared one's
 * pg_stat_statements churns with every other fork's tests, and an evicted entry has no baseline.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(PlanHistoryIT.Profile.class)
@WithTestResource(value = PgTestResource.class, initArgs = {@ResourceArg(name = "own", value = "true"),
        @ResourceArg(name = "sql", value =
        "CREATE TABLE ph_orders (id bigserial PRIMARY KEY, customer_id int, total numeric); "
                + "INSERT INTO ph_orders (customer_id, total) SELECT g % 5000, g FROM generate_series(1, 60000) g; "
                + "CREATE INDEX ph_orders_customer_idx ON ph_orders (customer_id); ANALYZE ph_orders; "
                + "CREATE TABLE ph_reg (id bigserial PRIMARY KEY, customer_id int, total numeric); "
                + "INSERT INTO ph_reg (customer_id, total) SELECT g % 5000, g FROM generate_series(1, 200000) g; "
                + "CREATE INDEX ph_reg_customer_idx ON ph_reg (customer_id); ANALYZE ph_reg; "
                + "CREATE ROLE ph_owner; "
                + "CREATE FUNCTION ph_double(i int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT i * 2'; "
                + "ALTER FUNCTION ph_double(int) OWNER TO ph_owner")})
class PlanHistoryIT {

    static final String BASE = "/api/v1/admin/database/performance/queries/";
    static final String COOKIE = "pgsidecar_session";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h",
                    "pgsidecar.plans.plan-interval", "1h", "pgsidecar.alerts.evaluation-interval", "1h",
                    "pgsidecar.statements.regression-window", "3s", "pgsidecar.statements.regression-min-increase", "1ms",
                    "pgsidecar.statements.regression-min-calls", "5",
                    // every statement of an interval stored, so the baseline holds the test's own whatever else ran
                    "pgsidecar.statements.stored-top-n", "1000",
                    "pgsidecar.activity.enabled", "false", "pgsidecar.capacity.enabled", "false");
        }
    }

    @Inject
    PlanHistory history;

    @Inject
    StatementsPoller statements;

    @Inject
    io.pgsidecar.alerts.AlertEngine alerts;

    @Inject
    io.pgsidecar.db.SchemaMigrator migrator;

    @Inject
    io.pgsidecar.leader.LeaderService leader;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    /**
     * Both start in the background: a poll before the schema is migrated stores no history (no
     * baseline for the regression), and the scheduled poll of a follower forgets the baseline.
     */
    @org.junit.jupiter.api.BeforeEach
    void schemaMigratedAndLeading() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> migrator.status().done() && leader.isLeader());
    }

    static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    String queryid(Connection c, String like) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT queryid FROM pg_stat_statements "
                + "WHERE query LIKE '" + like + "' AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void droppingTheIndexATopStatementUsesIsAPlanChangeSaidInWords() throws Exception {
        try (Connection c = PgTestResource.cluster().connect(database, "ph-app")) {
            statements.pollOnce();
            Workload.repeat(c, "SELECT total FROM ph_orders WHERE customer_id = ?", 200, 42);
            Workload.repeat(c, "SELECT ph_double(customer_id) FROM ph_orders WHERE id = ?", 200, 7L);
            statements.pollOnce();
            String id = queryid(c, "SELECT total FROM ph_orders WHERE customer_id = %");
            String unsafe = queryid(c, "SELECT ph_double(customer_id) FROM ph_orders%");

            PlanHistory.Run first = history.recordTop();
            assertThat(first.planned()).isPositive();
            assertThat(first.skipped()).as("a function of a role that is not trusted, planned by a login that "
                    + "can act").containsKey(unsafe);
            assertThat(first.skipped().get(unsafe)).contains("ph_double");
            PlanHistory.History h = history.history(Long.parseLong(id), 20);
            assertThat(h.plans()).singleElement().satisfies(v -> {
                assertThat(String.join("\n", v.shape())).contains("on public.ph_orders").contains("using ph_orders_customer_idx");
                assertThat(v.shapeHash()).hasSize(16);
                assertThat(v.differenceToPrevious()).isEmpty();
            });
            // planned again within the interval, the same shape: no new row
            assertThat(history.recordTop().changed()).isZero();
            assertThat(history.history(Long.parseLong(id), 20).plans()).hasSize(1);

            run(c, "DROP INDEX ph_orders_customer_idx");
            PlanHistory.Run second = history.recordTop();
            assertThat(second.changed()).isGreaterThanOrEqualTo(1);
            List<PlanHistory.Version> plans = history.history(Long.parseLong(id), 20).plans();
            assertThat(plans).hasSize(2);
            assertThat(String.join("\n", plans.get(0).shape())).contains("Seq Scan on public.ph_orders")
                    .doesNotContain("ph_orders_customer_idx");
            assertThat(plans.get(0).differenceToPrevious()).anySatisfy(d -> assertThat(d)
                    .contains("using ph_orders_customer_idx on public.ph_orders → ")
                    .contains("Seq Scan on public.ph_orders"));
            assertThat(plans.get(0).firstSeen()).isAfterOrEqualTo(plans.get(1).lastSeen());
            assertThat(plans.get(0).causes()).anySatisfy(x -> {
                assertThat(x.kind()).isEqualTo("index_dropped");
                assertThat(x.relation()).isEqualTo("public.ph_orders");
                assertThat(x.action()).contains("/indexes/create");
            });

            JsonPath api = given().auth().oauth2("test-token").get(BASE + id + "/plans").then().statusCode(200)
                    .extract().jsonPath();
            assertThat(api.getList("data.plans")).hasSize(2);
            assertThat(api.getString("data.plans[0].difference_to_previous[0]")).contains("→");
            assertThat(api.getString("data.query")).contains("ph_orders");
            JsonPath skipped = given().auth().oauth2("test-token").get(BASE + unsafe + "/plans").then().statusCode(200)
                    .extract().jsonPath();
            assertThat(skipped.getString("data.skipped")).contains("ph_double");
            assertThat(skipped.getList("data.plans")).isEmpty();
            given().auth().oauth2("test-token").get(BASE + "123/plans").then().statusCode(404);
            given().auth().oauth2("test-token").get(BASE + "abc/plans").then().statusCode(400);
            given().auth().oauth2("test-token").get(BASE + id + "/plans?limit=0").then().statusCode(400);
            assertThat(given().get("/q/metrics").asString()).containsPattern("pgsidecar_plan_changes_total\\{[^}]*} [1-9]");

            // a table that grew to more than twice its rows is named as a likely cause
            run(c, "CREATE TABLE ph_grow (id int, k int)");
            run(c, "INSERT INTO ph_grow SELECT g, g % 1000 FROM generate_series(1, 20000) g");
            run(c, "ANALYZE ph_grow");
            Workload.repeat(c, "SELECT count(*) FROM ph_grow WHERE k = ?", 300, 3);
            statements.pollOnce();
            String grow = queryid(c, "SELECT count(*) FROM ph_grow WHERE k = %");
            history.recordTop();
            run(c, "INSERT INTO ph_grow SELECT g, g % 1000 FROM generate_series(20001, 80000) g");
            run(c, "CREATE INDEX ph_grow_k ON ph_grow (k)");
            run(c, "ANALYZE ph_grow");
            Workload.repeat(c, "SELECT count(*) FROM ph_grow WHERE k = ?", 300, 3);
            statements.pollOnce();
            history.recordTop();
            List<PlanHistory.Version> grown = history.history(Long.parseLong(grow), 5).plans();
            assertThat(grown).hasSize(2);
            assertThat(grown.get(0).causes()).extracting(PlanHistory.Cause::kind)
                    .contains("table_grew", "index_new", "statistics_refreshed");

            // a plan asked for is recorded too (once per interval): recreate the index and ask
            run(c, "CREATE INDEX ph_orders_customer_idx ON ph_orders (customer_id)");
            given().auth().oauth2("test-token").get(BASE + id + "/plan").then().statusCode(200);
            assertThat(history.history(Long.parseLong(id), 20).plans()).hasSize(3);

            // the CLI says the same
            java.nio.file.Path token = java.nio.file.Files.createTempFile("pgsidecar-token", ".txt");
            java.nio.file.Files.writeString(token, "test-token\n");
            java.io.StringWriter out = new java.io.StringWriter();
            int code = io.pgsidecar.cli.Cli.execute(new String[] {"--url", "http://127.0.0.1:"
                    + io.restassured.RestAssured.port, "--token-file", token.toString(), "plan-history", id},
                    new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()), Map.of());
            java.nio.file.Files.delete(token);
            assertThat(code).isZero();
            assertThat(out.toString()).contains("changed:").contains("Seq Scan on public.ph_orders")
                    .contains("ph_orders_customer_idx");
        }
    }

    @Test
    void anIndexDroppedUnderASteadyWorkloadOpensPlanRegressionNamingItAndRecreatingItResolvesIt() throws Exception {
        String sql = "SELECT sum(total) FROM ph_reg WHERE customer_id = ?";
        try (Connection c = PgTestResource.cluster().connect(database, "ph-steady")) {
            statements.pollOnce();
            Workload.repeat(c, sql, 100, 7);
            statements.pollOnce();
            String id = queryid(c, "SELECT sum(total) FROM ph_reg WHERE customer_id = %");
            history.recordTop();
            assertThat(history.history(Long.parseLong(id), 20).plans()).hasSize(1);
            // the baseline ends where the 3 s recent window begins
            Thread.sleep(3500);

            run(c, "DROP INDEX ph_reg_customer_idx");
            history.recordTop();
            // the slow calls, polled until the statements feature judges them a regression (a busy
            // machine may need more than one interval)
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(40))
                    .pollInterval(java.time.Duration.ofMillis(200)).untilAsserted(() -> {
                        Workload.repeat(c, sql, 20, 7);
                        StatementsSnapshotCheck.assertRegressed(statements.pollOnce(), id);
                    });
            List<io.pgsidecar.alerts.Alert> open = alerts.evaluate();
            assertThat(open).filteredOn(a -> a.alertname().equals("PlanRegression")).singleElement().satisfies(a -> {
                assertThat(a.labels()).containsEntry("queryid", id);
                assertThat(a.summary()).contains("slower since its plan changed")
                        .contains("using ph_reg_customer_idx on public.ph_reg → Seq Scan on public.ph_reg");
                assertThat(a.description()).contains("index public.ph_reg_customer_idx on public.ph_reg, which the old "
                        + "plan used, was dropped").contains("POST /api/v1/admin/database/indexes/create")
                        .contains("Plan before: ").contains("Plan now: ").contains("Seq Scan on public.ph_reg");
            });
            List<PlanHistory.Version> plans = history.history(Long.parseLong(id), 20).plans();
            assertThat(plans.get(0).causes()).anySatisfy(x -> assertThat(x.kind()).isEqualTo("index_dropped"));
            // the status page's statement view: both plans side by side, the sparkline marked
            String cookie = given().formParam("token", "test-token").redirects().follow(false).post("/ui/login")
                    .getCookie(COOKIE);
            String page = given().cookie(COOKIE, cookie).get("/ui/statements/" + id).then().statusCode(200)
                    .extract().asString();
            assertThat(page).contains("Plan changes").contains("before (until").contains("Seq Scan on public.ph_reg")
                    .contains("ph_reg_customer_idx").contains("was dropped").contains("plan changed");

            // recreated: the plan changes back, faster: recorded, and the alert resolves
            run(c, "CREATE INDEX ph_reg_customer_idx ON ph_reg (customer_id)");
            history.recordTop();
            Thread.sleep(3500);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(40))
                    .pollInterval(java.time.Duration.ofMillis(200)).untilAsserted(() -> {
                        Workload.repeat(c, sql, 20, 7);
                        assertThat(statements.pollOnce().regressions()).noneMatch(r -> r.queryid().equals(id));
                    });
            assertThat(alerts.evaluate()).noneMatch(a -> a.alertname().equals("PlanRegression"));
            List<PlanHistory.Version> after = history.history(Long.parseLong(id), 20).plans();
            assertThat(after).hasSize(3);
            assertThat(after.get(0).causes()).anySatisfy(x -> assertThat(x.kind()).isEqualTo("index_new"));
        }
    }

    /** The regression the statements feature found, as PlanRegression needs it. */
    static final class StatementsSnapshotCheck {
        static void assertRegressed(io.pgsidecar.statements.StatementsSnapshot s, String id) {
            assertThat(s.regressions()).as("the statements feature's regressions").anySatisfy(r -> {
                assertThat(r.queryid()).isEqualTo(id);
                assertThat(r.factor()).isGreaterThanOrEqualTo(2);
            });
        }
    }
}
