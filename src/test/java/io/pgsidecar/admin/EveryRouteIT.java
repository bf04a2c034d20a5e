package io.pgsidecar.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pgsidecar.OneReplicaSuiteIT;
import io.pgsidecar.connections.ConnectionsPoller;
import io.pgsidecar.replicas.ReplicaMonitor;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.statements.StatementsSnapshot;
import io.pgsidecar.testing.AdminRoutes.Call;
import io.pgsidecar.testing.AdminRoutes;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every admin endpoint is called (GETs, and a dry run of every call that changes something), and its
 * real answer is checked: every field name is snake_case, and the OpenAPI document at
 * {@code /q/openapi} documents exactly these routes, each error code, and an example of the same
 * shape as the answer. The list of calls is checked against the resource classes, so a new endpoint
 * that is not called here fails the test. The document is generated from the resources by the
 * SmallRye OpenAPI extension, present in the tests only, at {@code /q/openapi-generated};
 * {@code docs/openapi.yaml} and {@code docs/openapi.json} must be equal to it, and they are what the
 * agent serves at {@code /q/openapi}. With {@code -Dopenapi.regenerate=true} this test rewrites
 * them and the examples (run it twice: the document is built with the examples the build found).
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(OneReplicaSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class, initArgs = {
        @ResourceArg(name = "own", value = "true"), @ResourceArg(name = "replicas", value = "1"),
        @ResourceArg(name = "replicaJson", value = OneReplicaSuiteIT.REPLICAS),
        @ResourceArg(name = "sql", value = OneReplicaSuiteIT.SQL)})
class EveryRouteIT {

    static final String BASE = "/api/v1/admin/database";
    static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    /** Objects whose keys are data (states, raw EXPLAIN output), not field names. */
    static final Set<String> DATA_KEYED = Set.of("by_state", "plan", "parameters", "labels", "sessions", "fields");

    @Inject
    StatementsPoller statements;

    @Inject
    ConnectionsPoller connections;

    @Inject
    ReplicaMonitor replicas;

    @Inject
    io.pgsidecar.activity.ActivitySampler activity;

    @Inject
    io.pgsidecar.capacity.CapacityPoller capacity;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    static final Path DOC = Path.of("docs/openapi.yaml");
    static final Path DOC_JSON = Path.of("docs/openapi.json");
    static final Path EXAMPLES = Path.of("src/test/resources/META-INF/openapi/examples.yaml");
    static final String REGENERATE = "./mvnw -B test -Dtest=EveryRouteIT -Dopenapi.regenerate=true (twice)";
    static final ObjectMapper JSON = new ObjectMapper();

    /** Every call with its real answer, made once for both tests. */
    private static Map<Call, JsonNode> answers;

    @Test
    void everyFieldOfEveryAnswerIsSnakeCase() throws Exception {
        List<String> bad = new ArrayList<>();
        answers().forEach((c, answer) -> collectBadKeys(answer, c.method() + " " + c.route() + " ", bad));
        assertThat(bad).as("field names that are not snake_case").isEmpty();
    }

    @Test
    void theDocumentDescribesEveryRouteItsErrorsAndItsAnswer() throws Exception {
        Map<Call, JsonNode> real = answers();
        String yaml = given().get("/q/openapi-generated").then().statusCode(200).extract().asString();
        String json = given().get("/q/openapi-generated?format=json").then().statusCode(200).extract().asString();
        JsonNode doc = JSON.readTree(json);

        Set<String> documented = new TreeSet<>();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (Set.of("get", "post", "put", "patch", "delete").contains(m)) {
                documented.add(m.toUpperCase(Locale.ROOT) + " " + (p.getKey().startsWith(BASE)
                        ? p.getKey().substring(BASE.length()) : p.getKey()));
            }
        }));
        assertThat(documented).as("routes in /q/openapi against the resource classes").isEqualTo(AdminRoutes.declared());
        Set<String> operationIds = new TreeSet<>();
        List<String> allIds = new ArrayList<>();
        doc.get("paths").forEach(p -> p.forEach(op -> allIds.add(op.path("operationId").asText())));
        operationIds.addAll(allIds);
        assertThat(allIds).as("operation ids are unique").hasSize(operationIds.size());
        assertThat(operationIds).as("the routes whose body ApiDocFilter marks required exist")
                .containsAll(ApiDocFilter.BODY_REQUIRED);
        assertThat(doc.at("/components/securitySchemes/admin_token/scheme").asText()).isEqualTo("bearer");
        assertThat(doc.at("/security/0/admin_token").isArray()).as("the token applies to every route").isTrue();

        List<String> missing = new ArrayList<>();
        Map<String, String> descriptions = new TreeMap<>();
        for (Call c : real.keySet()) {
            JsonNode op = doc.at("/paths/" + pointer(BASE + c.route()) + "/" + c.method().toLowerCase(Locale.ROOT));
            if (!op.hasNonNull("summary")) {
                missing.add(c.name() + ": no summary");
            }
            op.path("parameters").forEach(p -> {
                if (!p.hasNonNull("description")) {
                    missing.add(c.name() + ": parameter " + p.path("name").asText() + " has no description");
                }
            });
            for (String status : List.of("200", "401", "500", "503")) {
                if (!op.path("responses").has(status)) {
                    missing.add(c.name() + ": no " + status + " response");
                }
            }
            if (!c.method().equals("GET") && !op.has("requestBody") && c.body() != null) {
                missing.add(c.name() + ": its body is not documented");
            }
            op.path("responses").fields().forEachRemaining(r -> {
                if (!r.getKey().startsWith("2") && !r.getValue().at("/content/application~1json/schema/$ref").asText()
                        .equals("#/components/schemas/Error")) {
                    missing.add(c.name() + " " + r.getKey() + ": not the error envelope");
                }
                descriptions.merge(r.getKey(), r.getValue().path("description").asText(), String::concat);
            });
        }
        for (ErrorTable.Mapping m : ErrorTable.all()) {
            if (!descriptions.getOrDefault(Integer.toString(m.status()), "").contains("`" + m.code() + "`")) {
                missing.add("error code " + m.code() + " is documented under no " + m.status() + " response");
            }
        }
        assertThat(missing).as("what the document leaves out").isEmpty();

        List<String> drift = new ArrayList<>();
        real.forEach((c, answer) -> {
            JsonNode example = doc.at("/paths/" + pointer(BASE + c.route()) + "/" + c.method().toLowerCase(Locale.ROOT)
                    + "/responses/200/content/application~1json/example");
            if (example.isMissingNode()) {
                drift.add(c.name() + ": no example");
            } else {
                sameShape(example, answer, c.name() + " ", drift);
            }
        });
        if (Boolean.getBoolean("openapi.regenerate")) {
            // the examples only when their shape drifted: fresh values alone would change the document each run
            if (!drift.isEmpty()) {
                Files.writeString(EXAMPLES, examples(real));
            }
            Files.writeString(DOC, yaml);
            Files.writeString(DOC_JSON, json);
            return;
        }
        if (!drift.isEmpty()) {
            Path out = Path.of("target/openapi/examples.yaml");
            Files.createDirectories(out.getParent());
            Files.writeString(out, examples(real));
        }
        assertThat(drift).as("documented examples that are not what the routes answer (real answers in "
                + "target/openapi/examples.yaml; " + REGENERATE + ")").isEmpty();
        assertThat(Files.readString(DOC)).as(DOC + " drifted from the generated document; " + REGENERATE).isEqualTo(yaml);
        assertThat(Files.readString(DOC_JSON)).as(DOC_JSON + " drifted from the generated document; " + REGENERATE)
                .isEqualTo(json);
    }

    @Test
    void theAgentServesTheCommittedDocument() throws Exception {
        String yaml = Files.readString(DOC);
        String json = Files.readString(DOC_JSON);
        given().get("/q/openapi").then().statusCode(200).contentType(startsWith("application/yaml"))
                .body(equalTo(yaml));
        given().get("/q/openapi?format=json").then().statusCode(200).contentType(startsWith("application/json"))
                .body(equalTo(json));
        given().accept("application/json").get("/q/openapi").then().statusCode(200).body(equalTo(json));
        given().accept("application/json").get("/q/openapi?format=yaml").then().statusCode(200).body(equalTo(yaml));
        given().get("/q/openapi.json").then().statusCode(200).body(equalTo(json));
        given().get("/q/openapi.yaml").then().statusCode(200).body(equalTo(yaml));
        given().get("/q/openapi.yml").then().statusCode(200).body(equalTo(yaml));
        given().head("/q/openapi").then().statusCode(200);
        given().header("Origin", "https://editor.example").header("Access-Control-Request-Method", "GET")
                .options("/q/openapi").then().statusCode(204).header("Access-Control-Allow-Origin", "*");
        given().header("Origin", "https://editor.example").get("/q/openapi")
                .then().header("Access-Control-Allow-Origin", "*");
        given().post("/q/openapi").then().statusCode(405).header("Allow", "GET, HEAD, OPTIONS");
    }

    private Map<Call, JsonNode> answers() throws Exception {
        if (answers != null) {
            return answers;
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            var health = given().auth().oauth2("test-token").get(BASE + "/health").jsonPath();
            return health.getBoolean("data.leader.leader") && health.getBoolean("data.migrations.done");
        });
        String queryid = workloadQueryId();
        connections.pollOnce();
        replicas.pollOnce();
        long silence = given().auth().oauth2("test-token").contentType(ContentType.JSON)
                .body("{\"matchers\":[{\"name\":\"alertname\",\"value\":\"Nothing\"}],\"duration\":\"1h\","
                        + "\"comment\":\"every route test\"}")
                .post(BASE + "/alerts/silences").then().statusCode(200).extract().jsonPath().getLong("data.silence.id");
        long run = given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{}")
                .post(BASE + "/maintenance/tasks/housekeeping/run").then().statusCode(202).extract().jsonPath()
                .getLong("data.run_id");
        long build = given().auth().oauth2("test-token").contentType(ContentType.JSON)
                .body("{\"table_name\": \"naming_items\", \"columns\": [\"v\"]}")
                .post(BASE + "/indexes/create").then().statusCode(200).extract().jsonPath().getLong("data.build.id");
        Map<Call, JsonNode> out = new LinkedHashMap<>();
        // a session holding an advisory lock another waits for, open while the routes are called: the
        // blocking and waits answers have a tree to show, and the holder is cancelled and terminated as a dry run
        try (Connection session = io.pgsidecar.testing.PgTestResource.ownCluster().connect(database, "every-route");
             Connection waiter = io.pgsidecar.testing.PgTestResource.ownCluster().connect(database, "every-route-waiter");
             java.sql.Statement s = session.createStatement(); java.sql.ResultSet rs = s.executeQuery(
                     "SELECT pg_backend_pid(), pg_advisory_lock(4242)")) {
            rs.next();
            java.util.concurrent.CompletableFuture<Void> waits = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (java.sql.Statement w = waiter.createStatement()) {
                    w.execute("SET statement_timeout = '60s'");
                    w.executeQuery("SELECT pg_advisory_lock(4242)").close();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> activity.readBlocking().waiting() == 1);
            activity.sampleOnce();
            capacity.pollSizes();
            capacity.pollOnce();
            List<Call> calls = AdminRoutes.everyCall(queryid, "r1", silence, run, "public.events", build, rs.getInt(1));
            assertThat(AdminRoutes.called(calls)).as("every admin route is called by this test")
                    .isEqualTo(AdminRoutes.declared());
            for (Call c : calls) {
                var req = given().auth().oauth2("test-token");
                if (c.body() != null) {
                    req = req.contentType(ContentType.JSON).body(c.body());
                }
                Response r = req.request(c.method(), BASE + c.path());
                assertThat(r.statusCode()).as(c.method() + " " + c.path() + ": " + r.asString()).isEqualTo(200);
                out.put(c, JSON.readTree(r.asString()));
            }
            s.executeQuery("SELECT pg_advisory_unlock(4242)").close();
            waits.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        answers = out;
        return out;
    }

    /** A JSON pointer segment for a path: {@code ~} and {@code /} escaped. */
    static String pointer(String path) {
        return path.replace("~", "~0").replace("/", "~1");
    }

    /**
     * Whether {@code example} has the shape of {@code real}: the same field names in every object,
     * the same JSON types where both have a value, each element of a real array shaped like the
     * example's first. Objects keyed by data are not compared key by key.
     */
    static void sameShape(JsonNode example, JsonNode real, String where, List<String> drift) {
        if (example.isNull() || real.isNull()) {
            return;
        }
        if (example.isObject() && real.isObject()) {
            String last = where.substring(where.lastIndexOf('.') + 1);
            if (DATA_KEYED.contains(last)) {
                return;
            }
            Set<String> documented = new TreeSet<>();
            example.fieldNames().forEachRemaining(documented::add);
            Set<String> answered = new TreeSet<>();
            real.fieldNames().forEachRemaining(answered::add);
            if (!documented.equals(answered)) {
                Set<String> notAnswered = new TreeSet<>(documented);
                notAnswered.removeAll(answered);
                Set<String> notDocumented = new TreeSet<>(answered);
                notDocumented.removeAll(documented);
                drift.add(where + ": documented but not answered " + notAnswered + ", answered but not documented "
                        + notDocumented);
            }
            for (String k : documented) {
                if (answered.contains(k)) {
                    sameShape(example.get(k), real.get(k), where + "." + k, drift);
                }
            }
        } else if (example.isArray() && real.isArray()) {
            if (!example.isEmpty()) {
                real.forEach(r -> sameShape(example.get(0), r, where + "[]", drift));
            }
        } else if (example.getNodeType() != real.getNodeType()) {
            drift.add(where + ": documented " + example.getNodeType() + ", answered " + real.getNodeType());
        }
    }

    /** The examples document: each route's real answer, arrays cut to their first element, long texts cut. */
    static String examples(Map<Call, JsonNode> real) throws Exception {
        ObjectNode paths = JSON.createObjectNode();
        real.forEach((c, answer) -> paths.withObjectProperty(BASE + c.route())
                .withObjectProperty(c.method().toLowerCase(Locale.ROOT)).withObjectProperty("responses")
                .withObjectProperty("200").withObjectProperty("content").withObjectProperty("application/json")
                .set("example", trimmed(answer)));
        ObjectNode root = JSON.createObjectNode();
        root.set("paths", paths);
        return "# One real answer per route, made by EveryRouteIT against a test database; do not edit by hand.\n"
                + new YAMLMapper().writeValueAsString(root);
    }

    static JsonNode trimmed(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            if (!node.isEmpty()) {
                out.add(trimmed(node.get(0)));
            }
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            node.fields().forEachRemaining(e -> out.set(e.getKey(), trimmed(e.getValue())));
            return out;
        }
        if (node.isTextual() && node.asText().length() > 200) {
            return TextNode.valueOf(node.asText().substring(0, 200) + "...");
        }
        return node;
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
