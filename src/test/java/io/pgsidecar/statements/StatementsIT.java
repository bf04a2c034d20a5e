package io.pgsidecar.statements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.pgsidecar.connections.ConnectionsPoller;
import io.pgsidecar.testing.PgFixture;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Query monitoring against a real PostgreSQL with a known workload: a slow statement, an N+1 loop
 * and a regression are each found, plans are explained without running, the series stay bounded.
 * Tests poll explicitly (the schedule is an hour here) so each interval is exactly what it ran.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(StatementsSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class,
        initArgs = @ResourceArg(name = "sql", value = StatementsSuiteIT.SQL))
class StatementsIT {

    static final String BASE = "/api/v1/admin/database/performance";

    @Inject
    StatementsPoller poller;

    @Inject
    ConnectionsPoller connections;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Inject
    io.pgsidecar.db.SchemaMigrator migrator;

    @org.junit.jupiter.api.BeforeEach
    void agentIsReady() {
        await().atMost(Duration.ofSeconds(30)).until(() -> migrator.status().done());
    }

    Connection app() throws Exception {
        return PgFixture.shared().connect(database);
    }

    @Test
    void aSlowStatementIsFoundInTheIntervalAndWhileItRuns() throws Exception {
        poller.pollOnce();
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.executeQuery("SELECT pg_sleep(0.3) AS slow_marker").close();
            s.executeQuery("SELECT pg_sleep(0.3) AS slow_marker").close();
        }
        StatementsSnapshot snap = poller.pollOnce();
        assertThat(snap.availability().state()).isEqualTo("available");
        assertThat(snap.slowQueries()).anySatisfy(q -> {
            assertThat(q.query()).contains("slow_marker");
            assertThat(q.calls()).isEqualTo(2);
            assertThat(q.meanMs()).isGreaterThanOrEqualTo(300);
        });
        given().auth().oauth2("test-token").when().get(BASE + "/stats?limit=5&slow_query_limit=5")
                .then().statusCode(200)
                .body("data.slow_queries.by_interval_mean.query", hasItem(containsString("slow_marker")))
                .body("data.query_statistics.size()", org.hamcrest.Matchers.lessThanOrEqualTo(5))
                .body("data.interval.seconds", org.hamcrest.Matchers.greaterThan(0f));
        assertThat(given().get("/q/metrics").asString()).containsPattern("pgsidecar_slow_queries\\{[^}]*} [1-9]");

        // and while it runs: pg_stat_activity shows it with its duration
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try (Connection c = app(); Statement s = c.createStatement()) {
                s.executeQuery("SELECT pg_sleep(2) AS running_marker").close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(connections.pollOnce().runningSlow()).anySatisfy(sess -> {
                    assertThat(sess.query()).contains("running_marker");
                    assertThat(sess.queryAgeSeconds()).isGreaterThanOrEqualTo(0.2);
                    assertThat(sess.state()).isEqualTo("active");
                }));
        running.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anNPlusOneLoopIsFound() throws Exception {
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, name text)");
            s.execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING");
        }
        poller.pollOnce();
        try (Connection c = app()) {
            for (int i = 1; i <= 300; i++) {
                Workload.repeat(c, "SELECT id, name FROM items WHERE id = ?", 1, i);
            }
        }
        StatementsSnapshot snap = poller.pollOnce();
        assertThat(snap.nPlusOne()).anySatisfy(n -> {
            assertThat(n.query()).contains("FROM items WHERE id = $1");
            assertThat(n.calls()).isEqualTo(300);
            assertThat(n.rowsPerCall()).isEqualTo(1.0);
        });
        given().auth().oauth2("test-token").when().get(BASE + "/stats")
                .then().statusCode(200)
                .body("data.analysis.n_plus_one.query", hasItem(containsString("FROM items WHERE id = $1")))
                .body("data.analysis.by_type.select.calls", org.hamcrest.Matchers.greaterThanOrEqualTo(300))
                .body("data.analysis.top.calls[0].queryid", notNullValue());
    }

    @Test
    void aStatementMadeSlowerThanItsBaselineIsARegression() throws Exception {
        String sql = "SELECT pg_sleep(?::float8) AS regress_marker";
        poller.pollOnce();
        try (Connection c = app()) {
            Workload.repeat(c, sql, 10, 0.001);
        }
        poller.pollOnce();
        // the baseline ends where the 3 s recent window begins
        await().pollDelay(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        try (Connection c = app()) {
            Workload.repeat(c, sql, 6, 0.08);
        }
        StatementsSnapshot snap = poller.pollOnce();
        assertThat(snap.regressions()).anySatisfy(r -> {
            assertThat(r.query()).contains("regress_marker");
            assertThat(r.recentMeanMs()).isGreaterThanOrEqualTo(80);
            assertThat(r.factor()).isGreaterThanOrEqualTo(2);
            assertThat(r.baselineCalls()).isEqualTo(10);
            assertThat(r.recentCalls()).isEqualTo(6);
        });
        String id = snap.regressions().stream().filter(r -> r.query().contains("regress_marker")).findFirst()
                .orElseThrow().queryid();
        given().auth().oauth2("test-token").when().get(BASE + "/queries/" + id)
                .then().statusCode(200)
                .body("data.query", containsString("regress_marker"))
                .body("data.history.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(2));
    }

    @Test
    void plansAreExplainedWithoutRunningTheStatement() throws Exception {
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS big (id int, note text)");
            s.execute("INSERT INTO big SELECT g, 'n' || g FROM generate_series(1, 20000) g");
            s.execute("ANALYZE big");
        }
        poller.pollOnce();
        try (Connection c = app()) {
            Workload.repeat(c, "SELECT * FROM big WHERE note = ?", 2, "n5");
            Workload.repeat(c, "DELETE FROM big WHERE id = ? AND false", 1, 1);
        }
        StatementsSnapshot snap = poller.pollOnce();
        String select = idOf(snap, "FROM big WHERE note = $1");
        given().auth().oauth2("test-token").when().get(BASE + "/queries/" + select + "/plan")
                .then().log().ifValidationFails().statusCode(200)
                .body("data.nodes.node_type", hasItem("Seq Scan"))
                .body("data.sequential_scans[0].relation", equalTo("big"))
                .body("data.sequential_scans[0].large", equalTo(true))
                .body("data.total_cost", org.hamcrest.Matchers.greaterThan(0f));
        long before = count("big");
        String delete = idOf(snap, "DELETE FROM big");
        given().auth().oauth2("test-token").when().get(BASE + "/queries/" + delete + "/plan")
                .then().log().ifValidationFails().statusCode(200).body("data.nodes[0].node_type", equalTo("ModifyTable"))
                .body("data.nodes[0].operation", equalTo("Delete"));
        assertThat(count("big")).as("explaining a DELETE deletes nothing").isEqualTo(before);

        String utility = utilityQueryId();
        given().auth().oauth2("test-token").when().get(BASE + "/queries/" + utility + "/plan")
                .then().statusCode(422).body("error.code", equalTo("not_explainable"));
        given().auth().oauth2("test-token").when().get(BASE + "/queries/123456789/plan")
                .then().statusCode(404).body("error.code", equalTo("not_found"));
        given().auth().oauth2("test-token").when().get(BASE + "/queries/abc/plan")
                .then().statusCode(400).body("error.message", containsString("queryid"));
    }

    @Test
    void aMissingExtensionIsAClearStateNotAnError() throws Exception {
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.execute("DROP EXTENSION pg_stat_statements");
        }
        try {
            StatementsSnapshot snap = poller.pollOnce();
            assertThat(snap.availability().state()).isEqualTo("not_installed");
            assertThat(snap.availability().message()).contains("CREATE EXTENSION");
            given().auth().oauth2("test-token").when().get(BASE + "/stats").then().statusCode(200)
                    .body("data.availability.state", equalTo("not_installed"));
            given().auth().oauth2("test-token").when().get("/api/v1/admin/database/health").then().statusCode(200)
                    .body("data.overall", equalTo("degraded"))
                    .body("data.pg_stat_statements.installed", equalTo(false));
            assertThat(given().get("/q/metrics").asString())
                    .containsPattern("pgsidecar_statements_available\\{[^}]*} 0")
                    .containsPattern("pgsidecar_statements_state\\{[^}]*state=\"not_installed\"[^}]*} 1");
        } finally {
            try (Connection c = app(); Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            }
        }
        assertThat(poller.pollOnce().availability().state()).isEqualTo("available");
    }

    @Test
    void resetIsAuditedAndHasADryRun() {
        given().auth().oauth2("test-token").queryParam("dry_run", "true").when().post(BASE + "/reset")
                .then().statusCode(200).body("data.dry_run", equalTo(true));
        given().auth().oauth2("test-token").when().post(BASE + "/reset")
                .then().statusCode(200).body("data.dry_run", equalTo(false));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().auth().oauth2("test-token").queryParam("action", "performance.reset")
                        .when().get("/api/v1/admin/database/audit")
                        .then().body("data.size()", equalTo(2)));
        given().auth().oauth2("test-token").contentType(io.restassured.http.ContentType.JSON)
                .body("{\"reason\": \"" + "x".repeat(600) + "\"}").when().post(BASE + "/reset")
                .then().statusCode(400).body("error.message", containsString("reason"));
        given().auth().oauth2("test-token").queryParam("limit", "-1").when().get(BASE + "/stats")
                .then().statusCode(400).body("error.message", containsString("limit"));
    }

    private static long series(String prefix) {
        return given().get("/q/metrics").asString().lines().filter(l -> l.startsWith(prefix)).count();
    }

    private static String idOf(StatementsSnapshot snap, String fragment) {
        return snap.statements().stream().filter(s -> s.query() != null && s.query().contains(fragment))
                .findFirst().orElseThrow(() -> new AssertionError("no statement with " + fragment)).queryid();
    }

    private long count(String table) throws Exception {
        try (Connection c = app(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String utilityQueryId() throws Exception {
        try (Connection c = app(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT queryid FROM pg_stat_statements WHERE query LIKE 'ANALYZE big%' "
                     + "AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            assertThat(rs.next()).isTrue();
            return Long.toString(rs.getLong(1));
        }
    }
}
