package io.pgsidecar.activity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.pgsidecar.activity.BlockingSnapshot.Chain;
import io.pgsidecar.activity.BlockingSnapshot.Node;
import io.pgsidecar.IncidentsSuiteIT;
import io.pgsidecar.alerts.Alert;
import io.pgsidecar.alerts.AlertEngine;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Incidents on a real PostgreSQL: a chain of three sessions (a root holding a row lock, a waiter,
 * and a waiter of the waiter) is one tree, raises BlockingChain, shows in the wait samples as a lock
 * wait under the waiters' query id, and is resolved by a terminate that ends only the root; a pid
 * whose session is not the one judged is never signalled; the agent's own sessions are refused.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(IncidentsSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class, initArgs = @ResourceArg(name = "sql", value = IncidentsSuiteIT.SQL))
class ActivityIT {

    static final String BASE = "/api/v1/admin/database/activity";
    static final String UPDATE = "UPDATE chain_t SET v = v + 1 WHERE id = $1";

    @Inject
    ActivitySampler sampler;

    @Inject
    AlertEngine alerts;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    Connection as(String app) throws SQLException {
        return PgTestResource.cluster().connect(database, app);
    }

    static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static boolean alive(Connection observer, int pid) throws SQLException {
        try (Statement s = observer.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    static CompletableFuture<Integer> update(Connection c) {
        return CompletableFuture.supplyAsync(() -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement("UPDATE chain_t SET v = v + 1 WHERE id = ?")) {
                ps.setInt(1, 1);
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static JsonPath post(String path, String body, int status) {
        return given().auth().oauth2("test-token").contentType(ContentType.JSON).body(body)
                .when().post(BASE + path).then().statusCode(status).extract().jsonPath();
    }

    @Test
    void aChainOfThreeIsOneTreeAlertedSampledAndEndedByTerminatingOnlyItsRoot() throws Exception {
        try (Connection observer = as("chain-observer"); Connection root = as("chain-root");
             Connection waiter = as("chain-waiter"); Connection second = as("chain-second")) {
            int rootPid = pid(root);
            int waiterPid = pid(waiter);
            int secondPid = pid(second);
            root.setAutoCommit(false);
            try (Statement s = root.createStatement()) {
                s.executeUpdate("UPDATE chain_t SET v = v + 100 WHERE id = 1");
            }
            CompletableFuture<Integer> first = update(waiter);
            await().atMost(Duration.ofSeconds(10)).until(() -> waitsOnLock(observer, waiterPid));
            CompletableFuture<Integer> then = update(second);
            await().atMost(Duration.ofSeconds(10)).until(() -> waitsOnLock(observer, secondPid));

            // one tree: root -> waiter -> waiter of the waiter
            BlockingSnapshot snap = sampler.readBlocking();
            assertThat(snap.waiting()).isEqualTo(2);
            assertThat(snap.chains()).hasSize(1);
            Chain chain = snap.chains().get(0);
            assertThat(chain.rootPid()).isEqualTo(rootPid);
            assertThat(chain.waiting()).isEqualTo(2);
            Node r = chain.root();
            assertThat(r.applicationName()).isEqualTo("chain-root");
            assertThat(r.state()).isEqualTo("idle in transaction");
            assertThat(r.query()).contains("v + 100");
            assertThat(r.transactionAgeSeconds()).isNotNull();
            assertThat(r.holds()).anySatisfy(h -> assertThat(h).startsWith("ExclusiveLock on transactionid"));
            assertThat(r.relations()).anySatisfy(h -> assertThat(h).contains("RowExclusiveLock on chain_t"));
            assertThat(r.waiters()).singleElement().satisfies(w -> {
                assertThat(w.pid()).isEqualTo(waiterPid);
                assertThat(w.waitingFor()).startsWith("ShareLock on transactionid");
                assertThat(w.waiters()).singleElement().satisfies(w2 -> {
                    assertThat(w2.pid()).isEqualTo(secondPid);
                    assertThat(w2.waitingFor()).contains("on tuple");
                    assertThat(w2.waiters()).isEmpty();
                });
            });
            assertThat(snap.lockWaits()).extracting(BlockingSnapshot.LockWait::lockType)
                    .contains("transactionid", "tuple");
            given().auth().oauth2("test-token").when().get(BASE + "/blocking").then().statusCode(200)
                    .body("data.chains[0].root_pid", equalTo(rootPid))
                    .body("data.chains[0].root.waiters[0].waiters[0].pid", equalTo(secondPid));

            // alerted, naming the root
            List<Alert> open = alerts.evaluate();
            assertThat(open).filteredOn(a -> a.alertname().equals("BlockingChain")).singleElement().satisfies(a -> {
                assertThat(a.labels()).containsEntry("blocker_pid", Integer.toString(rootPid))
                        .containsEntry("application_name", "chain-root");
                assertThat(a.severity()).isEqualTo("warning");
                assertThat(a.summary()).contains("keeps 2 session(s) waiting");
            });

            // sampled: a lock wait under the waiters' query id, with its text
            for (int i = 0; i < 3; i++) {
                sampler.sampleOnce();
            }
            JsonPath waits = given().auth().oauth2("test-token").when().get(BASE + "/waits?window=1m&limit=20")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(waits.getBoolean("data.sampled_here")).isTrue();
            List<Map<String, Object>> byQuery = waits.getList("data.by_query_id");
            assertThat(byQuery).anySatisfy(q -> {
                // the waiters' statement has not ended: its text is the one pg_stat_activity shows
                assertThat((String) q.get("query")).contains("UPDATE chain_t SET v = v + 1 WHERE id = $1");
                assertThat((List<Map<String, Object>>) q.get("wait_events"))
                        .anySatisfy(w -> assertThat(w.get("wait_class")).isEqualTo("Lock"));
            });
            assertThat(waits.getList("data.wait_events.wait_class", String.class)).contains("Lock");
            assertThat(waits.getList("data.by_application.application_name", String.class))
                    .contains("chain-waiter", "chain-second");
            assertThat(waits.getList("data.series.buckets")).isNotEmpty();
            assertThat(given().get("/q/metrics").asString())
                    .containsPattern("pgsidecar_blocked_sessions\\{[^}]*} 2")
                    .containsPattern("pgsidecar_activity_session_seconds_total\\{[^}]*wait_class=\"Lock\"[^}]*} [1-9]");

            // dry run first: the session as read, and its start
            JsonPath dry = post("/sessions/" + rootPid + "/terminate", "{\"dry_run\":true,\"reason\":\"chain\"}", 200);
            assertThat(dry.getBoolean("data.signalled")).isFalse();
            assertThat(dry.getString("data.session.application_name")).isEqualTo("chain-root");
            String start = dry.getString("data.session.backend_start");
            assertThat(start).isEqualTo(r.backendStart());
            assertThat(dry.getString("data.sql")).contains("pg_terminate_backend").contains("a.backend_start = ?");

            // the signal needs the start; a start that is not this session's (a reused pid) signals nothing
            post("/sessions/" + rootPid + "/terminate", "{}", 400);
            String other = start.substring(0, start.length() - 2) + (start.charAt(start.length() - 2) == '9' ? '8' : '9')
                    + "Z";
            assertThat(post("/sessions/" + rootPid + "/terminate", "{\"backend_start\":\"" + other + "\"}", 409)
                    .getString("error.code")).isEqualTo("session_changed");
            assertThat(alive(observer, rootPid)).isTrue();
            assertThat(first).isNotDone();

            // the real terminate ends the root only; both waiters go on and finish
            JsonPath done = post("/sessions/" + rootPid + "/terminate", "{\"backend_start\":\"" + start
                    + "\",\"reason\":\"release the chain\"}", 200);
            assertThat(done.getBoolean("data.signalled")).isTrue();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(then.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> !alive(observer, rootPid));
            assertThat(alive(observer, waiterPid)).isTrue();
            assertThat(alive(observer, secondPid)).isTrue();
            assertThat(sampler.readBlocking().chains()).isEmpty();
            assertThat(alerts.evaluate()).noneMatch(a -> a.alertname().equals("BlockingChain"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2("test-token").when()
                    .get("/api/v1/admin/database/audit?action=activity.terminate")
                    .then().statusCode(200).body(containsString("release the chain")));
        }
    }

    @Test
    void theAgentsOwnSessionsAreRefusedUnlessForcedByName() throws Exception {
        int agentPid;
        try (Connection observer = as("chain-observer"); Statement s = observer.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE application_name = "
                     + "'pgsidecar-leader' AND datname = current_database()")) {
            assertThat(rs.next()).isTrue();
            agentPid = rs.getInt(1);
        }
        JsonPath refused = post("/sessions/" + agentPid + "/cancel", "{\"dry_run\":true}", 422);
        assertThat(refused.getString("error.code")).isEqualTo("refused");
        assertThat(refused.getString("error.message")).contains("agent's own").contains("agent_session");
        JsonPath forced = post("/sessions/" + agentPid + "/cancel", "{\"dry_run\":true,\"force\":[\"agent_session\"]}", 200);
        assertThat(forced.getString("data.session.application_name")).isEqualTo("pgsidecar-leader");
        assertThat(forced.getBoolean("data.signalled")).isFalse();
    }

    @Test
    void badInputIsA4xxAndSignalsNothing() {
        post("/sessions/abc/terminate", "{\"dry_run\":true}", 400);
        post("/sessions/-1/terminate", "{\"dry_run\":true}", 400);
        post("/sessions/1/terminate", "{\"dry_run\":true,\"force\":[\"everything\"]}", 400);
        post("/sessions/1/terminate", "{\"backend_start\":\"x\\u0000y\"}", 400);
        post("/sessions/2147483647/terminate", "{\"dry_run\":true}", 404);
        post("/sessions/1/cancel", "[1,2]", 400);
        given().auth().oauth2("test-token").when().get(BASE + "/waits?window=1d").then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter"));
        given().auth().oauth2("test-token").when().get(BASE + "/waits?window=16m").then().statusCode(400);
        given().auth().oauth2("test-token").when().get(BASE + "/waits?limit=0").then().statusCode(400);
    }

    private static boolean waitsOnLock(Connection observer, int pid) throws SQLException {
        try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = " + pid)) {
            return rs.next() && "Lock".equals(rs.getString(1));
        }
    }
}
