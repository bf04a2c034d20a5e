package io.pgsidecar.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.connections.ConnectionsPoller;
import io.pgsidecar.replicas.ReplicaMonitor;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.statements.StatementsSnapshot;
import io.pgsidecar.testing.AdminRoutes;
import io.pgsidecar.testing.AdminRoutes.Call;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * One JSON naming everywhere: every admin endpoint is called (GETs, and a dry run of every call that
 * changes something) and every field name in every answer must be snake_case. The list of calls is
 * checked against the resource classes, so a new endpoint that is not called here fails the test.
 */
@QuarkusTest
@TestProfile(JsonNamingIT.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"), @ResourceArg(name = "replicas", value = "1"),
        @ResourceArg(name = "sql", value = "CREATE TABLE events (id bigint, created_at timestamptz NOT NULL) "
                + "PARTITION BY RANGE (created_at); CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM "
                + "('2025-01-01 00:00+00') TO ('2026-01-01 00:00+00')"),
        @ResourceArg(name = "replicaJson", value = "[{\"name\":\"r1\",\"url\":\"postgresql://postgres:postgres@127.0.0.1:{p1}/app\"}]")})
class JsonNamingIT {

    static final String BASE = "/api/v1/admin/database";
    static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    /** Objects whose keys are data (states, raw EXPLAIN output), not field names. */
    static final Set<String> DATA_KEYED = Set.of("by_state", "plan", "parameters", "labels");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h");
        }
    }

    @Inject
    StatementsPoller statements;

    @Inject
    ConnectionsPoller connections;

    @Inject
    ReplicaMonitor replicas;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void everyFieldOfEveryAnswerIsSnakeCase() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            var health = given().auth().oauth2("test-token").get(BASE + "/health").jsonPath();
            return health.getBoolean("data.leader.leader") && health.getBoolean("data.migrations.done");
        });
        String queryid = workloadQueryId();
        connections.pollOnce();
        replicas.pollOnce();
        long silence = given().auth().oauth2("test-token").contentType(ContentType.JSON)
                .body("{\"matchers\":[{\"name\":\"alertname\",\"value\":\"Nothing\"}],\"duration\":\"1h\","
                        + "\"comment\":\"json naming test\"}")
                .post(BASE + "/alerts/silences").then().statusCode(200).extract().jsonPath().getLong("data.silence.id");
        long run = given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{}")
                .post(BASE + "/maintenance/tasks/housekeeping/run").then().statusCode(202).extract().jsonPath()
                .getLong("data.run_id");
        long build = given().auth().oauth2("test-token").contentType(ContentType.JSON)
                .body("{\"table_name\": \"naming_items\", \"columns\": [\"v\"]}")
                .post(BASE + "/indexes/create").then().statusCode(200).extract().jsonPath().getLong("data.build.id");
        List<Call> calls = AdminRoutes.everyCall(queryid, "r1", silence, run, "public.events", build);
        assertThat(AdminRoutes.called(calls)).as("every admin route is called by this test")
                .isEqualTo(AdminRoutes.declared());

        ObjectMapper json = new ObjectMapper();
        List<String> bad = new ArrayList<>();
        for (Call c : calls) {
            var req = given().auth().oauth2("test-token");
            if (c.body() != null) {
                req = req.contentType(ContentType.JSON).body(c.body());
            }
            Response r = req.request(c.method(), BASE + c.path());
            assertThat(r.statusCode()).as(c.method() + " " + c.path() + ": " + r.asString()).isEqualTo(200);
            collectBadKeys(json.readTree(r.asString()), c.method() + " " + c.route() + " ", bad);
        }
        assertThat(bad).as("field names that are not snake_case").isEmpty();
    }

    /** Runs a statement twice around a poll, so there is an interval with a known query id. */
    private String workloadQueryId() throws Exception {
        try (Connection c = io.pgsidecar.testing.PgTestResource.ownCluster().connect(database);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS naming_items (id int PRIMARY KEY, v text)");
            statements.pollOnce();
            Workload.repeat(c, "SELECT v FROM naming_items WHERE id = ?", 5, 1);
            StatementsSnapshot snap = statements.pollOnce();
            return snap.statements().stream().filter(st -> st.query() != null && st.query().contains("naming_items"))
                    .findFirst().orElseThrow().queryid();
        }
    }

    static void collectBadKeys(JsonNode node, String where, List<String> bad) {
        if (node.isArray()) {
            node.forEach(n -> collectBadKeys(n, where + "[]", bad));
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!SNAKE.matcher(e.getKey()).matches()) {
                    bad.add(where + "." + e.getKey());
                }
                if (!DATA_KEYED.contains(e.getKey())) {
                    collectBadKeys(e.getValue(), where + "." + e.getKey(), bad);
                }
            }
        }
    }
}
