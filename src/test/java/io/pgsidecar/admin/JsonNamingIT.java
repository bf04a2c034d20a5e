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
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
        @ResourceArg(name = "replicaJson", value = "[{\"name\":\"r1\",\"url\":\"postgresql://postgres:postgres@127.0.0.1:{p1}/app\"}]")})
class JsonNamingIT {

    static final String BASE = "/api/v1/admin/database";
    static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    /** Objects whose keys are data (states, raw EXPLAIN output), not field names. */
    static final Set<String> DATA_KEYED = Set.of("by_state", "plan", "parameters", "labels");
    static final List<Class<?>> RESOURCES = List.of(DatabaseAdminResource.class, PerformanceResource.class,
            ReplicasResource.class, AlertsResource.class);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h");
        }
    }

    /** One call: the route it exercises (as the resource declares it) and the concrete request. */
    record Call(String method, String route, String path, String body) {
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
        String dryRun = "{\"dry_run\": true, \"reason\": \"json naming test\"}";
        List<Call> calls = List.of(
                new Call("GET", "/health", "/health", null),
                new Call("GET", "/pool", "/pool", null),
                new Call("GET", "/leader", "/leader", null),
                new Call("POST", "/leader/step-down", "/leader/step-down", dryRun),
                new Call("GET", "/audit", "/audit", null),
                new Call("GET", "/collectors", "/collectors", null),
                new Call("GET", "/performance/stats", "/performance/stats", null),
                new Call("GET", "/performance/queries/{queryid}", "/performance/queries/" + queryid, null),
                new Call("GET", "/performance/queries/{queryid}/plan", "/performance/queries/" + queryid + "/plan", null),
                new Call("GET", "/performance/connections", "/performance/connections", null),
                new Call("POST", "/performance/reset", "/performance/reset", dryRun),
                new Call("GET", "/replicas/status", "/replicas/status", null),
                new Call("POST", "/replicas/{replica_name}/health", "/replicas/r1/health", null),
                new Call("GET", "/replicas/route", "/replicas/route", null),
                new Call("GET", "/alerts", "/alerts", null),
                new Call("GET", "/alerts/rules", "/alerts/rules", null),
                new Call("GET", "/alerts/silences", "/alerts/silences", null),
                new Call("POST", "/alerts/silences", "/alerts/silences",
                        "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"SlowQuery\",\"is_regex\":false}],"
                                + "\"duration\":\"2h\",\"comment\":\"json naming test\",\"dry_run\":true}"),
                new Call("DELETE", "/alerts/silences/{id}", "/alerts/silences/" + silence, null));

        Set<String> declared = declaredRoutes();
        Set<String> called = new TreeSet<>();
        calls.forEach(c -> called.add(c.method() + " " + c.route()));
        assertThat(called).as("every admin route is called by this test").isEqualTo(declared);

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

    static Set<String> declaredRoutes() {
        Set<String> out = new TreeSet<>();
        for (Class<?> r : RESOURCES) {
            String base = r.getAnnotation(Path.class).value().substring(BASE.length());
            for (Method m : r.getDeclaredMethods()) {
                String verb = m.isAnnotationPresent(GET.class) ? "GET" : m.isAnnotationPresent(POST.class) ? "POST"
                        : m.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
                if (verb != null) {
                    Path p = m.getAnnotation(Path.class);
                    out.add(verb + " " + base + (p == null ? "" : p.value()));
                }
            }
        }
        return out;
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
