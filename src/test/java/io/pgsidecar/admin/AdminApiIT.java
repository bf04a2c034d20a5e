package io.pgsidecar.admin;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The admin API shell as a client sees it: auth, envelope, status codes, audit. */
@QuarkusTest
@WithTestResource(PgTestResource.class) // shared with the classes of DefaultAppSuiteIT
class AdminApiIT {

    static final String BASE = "/api/v1/admin/database";
    static final String TOKEN = "test-token";

    @Test
    void missingTokenIs401InTheEnvelope() {
        given().when().get(BASE + "/pool")
                .then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo("error"))
                .body("error.code", equalTo("unauthorized"));
    }

    @Test
    void wrongTokenIs401() {
        given().auth().oauth2("test-tokeN").when().get(BASE + "/pool")
                .then().statusCode(401).body("error.message", equalTo("invalid bearer token"));
    }

    @Test
    void poolFiguresAreServed() {
        given().auth().oauth2(TOKEN).when().get(BASE + "/pool")
                .then().statusCode(200)
                .body("status", equalTo("success"))
                .body("data.max", equalTo(3))
                .body("data.active", greaterThanOrEqualTo(0));
    }

    @Test
    void healthReportCoversTheDatabaseAndTheAgent() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().auth().oauth2(TOKEN).when().get(BASE + "/health")
                        .then().statusCode(200)
                        .body("data.migrations.done", equalTo(true))
                        .body("data.leader.leader", equalTo(true)));
        given().auth().oauth2(TOKEN).when().get(BASE + "/health")
                .then().statusCode(200)
                .body("status", equalTo("success"))
                .body("data.overall", equalTo("healthy"))
                .body("data.server.version_num", greaterThanOrEqualTo(130000))
                .body("data.server.in_recovery", equalTo(false))
                .body("data.connections.max_connections", equalTo(100))
                .body("data.connections.usable", equalTo(97))
                .body("data.transaction_ids.max_age", greaterThanOrEqualTo(0))
                .body("data.pg_stat_statements.loaded", equalTo(true))
                .body("data.pg_stat_statements.installed", equalTo(true))
                .body("data.agent_pool.max", equalTo(3))
                .body("data.cache_hit_ratio", notNullValue());
    }

    @Test
    void unknownResourceIs404InTheEnvelope() {
        given().auth().oauth2(TOKEN).when().get(BASE + "/no-such-thing")
                .then().statusCode(404)
                .contentType(ContentType.JSON)
                .body("status", equalTo("error"))
                .body("error.code", equalTo("not_found"));
    }

    @Test
    void aVeryLongPathIs414InTheEnvelope() {
        given().auth().oauth2(TOKEN).when().get(BASE + "/" + "a".repeat(10_000))
                .then().statusCode(414)
                .contentType(ContentType.JSON)
                .body("status", equalTo("error"))
                .body("error.code", equalTo("uri_too_long"));
    }

    /**
     * The same over HTTP/2, where the path is a header: a path the agent refuses with 414 over
     * HTTP/1.1 closed the client's whole connection (GOAWAY) once the header block passed 8 KiB.
     */
    @Test
    void aVeryLongPathIs414OverHttp2Too() throws Exception {
        java.net.http.HttpClient h2 = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_2).build();
        String base = "http://127.0.0.1:" + io.restassured.RestAssured.port + BASE;
        // the first call upgrades the connection (h2c); the next ones are HTTP/2 streams
        h2.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/leader"))
                .header("Authorization", "Bearer " + TOKEN).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        for (int length : new int[] {10_000, 60_000}) {
            var r = h2.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/" + "a".repeat(length)))
                            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            org.assertj.core.api.Assertions.assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
            org.assertj.core.api.Assertions.assertThat(r.statusCode()).isEqualTo(414);
            org.assertj.core.api.Assertions.assertThat(r.body()).contains("\"uri_too_long\"");
        }
    }

    @Test
    void wrongMethodIs405() {
        given().auth().oauth2(TOKEN).when().delete(BASE + "/pool")
                .then().statusCode(405)
                .body("error.code", equalTo("method_not_allowed"));
    }

    @Test
    void badQueryParameterIs400AndNamesIt() {
        given().auth().oauth2(TOKEN).queryParam("limit", "lots").when().get(BASE + "/audit")
                .then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter"))
                .body("error.message", containsString("limit"))
                .body("error.message", containsString("lots"));
        given().auth().oauth2(TOKEN).queryParam("limit", "0").when().get(BASE + "/audit")
                .then().statusCode(400);
    }

    @Test
    void bodyOverTheLimitIs413InTheEnvelope() {
        String big = "{\"x\":\"" + "a".repeat(70 * 1024) + "\"}";
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body(big)
                .when().post(BASE + "/leader/step-down")
                .then().statusCode(413)
                .body("error.code", equalTo("payload_too_large"));
    }

    /** A body sent chunked (no Content-Length) meets the same limit, and one within it still reaches the resource. */
    @Test
    void aChunkedBodyIsLimitedLikeAnyOther() throws Exception {
        for (var version : java.net.http.HttpClient.Version.values()) {
            chunkedBodies(java.net.http.HttpClient.newBuilder().version(version).build());
        }
    }

    private void chunkedBodies(java.net.http.HttpClient http) {
        java.util.function.Function<String, java.net.http.HttpResponse<String>> chunked = body -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                "http://127.0.0.1:" + io.restassured.RestAssured.port + BASE + "/leader/step-down"))
                        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() ->
                                new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                        .timeout(Duration.ofSeconds(20)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        // HTTP/1.1 sends it chunked, HTTP/2 in frames: neither announces a length
        var big = chunked.apply("{\"reason\":\"" + "a".repeat(200 * 1024) + "\"}");
        org.assertj.core.api.Assertions.assertThat(big.statusCode()).as(big.body()).isEqualTo(413);
        org.assertj.core.api.Assertions.assertThat(big.body()).contains("payload_too_large");
        var small = chunked.apply("{\"dry_run\": true, \"reason\": \"chunked\"}");
        org.assertj.core.api.Assertions.assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
        org.assertj.core.api.Assertions.assertThat(small.body()).contains("\"dry_run\":true");
        var wrong = chunked.apply("{\"dry_run\": \"nope\"}");
        org.assertj.core.api.Assertions.assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(400);
    }

    /**
     * A control character in a path segment is a 400 before anything is audited; one in a query
     * value is audited escaped and then refused by the resource, never a 503 of the audit.
     */
    @Test
    void controlCharactersAreBadInputNotAnOutage() {
        for (String path : new String[] {"/replicas/%00x/health", "/partitions/%00/cleanup", "/alerts/silences/a%00",
                "/alerts/silences/a%1Bb", "/partitions/%C0%80/cleanup"}) {
            String method = path.startsWith("/alerts/silences/") ? "DELETE" : "POST";
            given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body("{\"dry_run\": true}")
                    .urlEncodingEnabled(false).when().request(method, BASE + path)
                    .then().statusCode(400)
                    .body("status", equalTo("error"))
                    .body("error.code", equalTo("invalid_path"));
        }
        String marker = "nul-" + System.nanoTime();
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).urlEncodingEnabled(false)
                .body("{\"dry_run\": true, \"reason\": \"" + marker + "\\u0000\"}")
                .when().post(BASE + "/performance/reset?limit=%00&x%01=%E2%80%8F%07")
                .then().statusCode(org.hamcrest.Matchers.lessThan(500))
                .body("error.code", not(equalTo("audit_unavailable")));
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).urlEncodingEnabled(false)
                .body("{\"dry_run\": true, \"reason\": \"" + marker + "\\u0000\\u001b[31m\"}")
                .when().post(BASE + "/performance/reset")
                .then().statusCode(org.hamcrest.Matchers.lessThan(500));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().auth().oauth2(TOKEN).queryParam("limit", "50").when().get(BASE + "/audit")
                        .then().statusCode(200)
                        .body("data.parameters.reason", hasItem(marker + "\\u0000"))
                        .body("data.parameters.reason", hasItem(marker + "\\u0000\\u001B[31m"))
                        .body("data.outcome", not(hasItem("audit_unavailable"))));
        // a filter compared with stored text: PostgreSQL takes no NUL as a parameter (it was a 500)
        for (String action : new String[] {"a%00b", "%1B%5B31m", "x%C2%85"}) {
            given().auth().oauth2(TOKEN).urlEncodingEnabled(false).when().get(BASE + "/audit?action=" + action)
                    .then().statusCode(400)
                    .body("error.code", equalTo("invalid_parameter"))
                    .body("error.message", containsString("'action'"));
        }
        given().auth().oauth2(TOKEN).when().get("/q/metrics").then().statusCode(200)
                .body(not(org.hamcrest.Matchers.matchesPattern("(?s).*pgsidecar_audit_write_failures_total(\\{[^}]*\\})? [1-9].*")));
        // a made-up path is no series of its own: answers refused before routing share one uri tag
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        org.assertj.core.api.Assertions.assertThat(metrics).doesNotContainPattern("uri=\"[^\"]*%")
                .doesNotContain("uri=\"/api/v1/admin/database/alerts/silences/a")
                .contains("uri=\"/api/v1/admin/{unmatched}\"");
    }

    @Test
    void malformedJsonIs400WithoutAStackTrace() {
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body("{not json")
                .when().post(BASE + "/leader/step-down")
                .then().statusCode(400)
                .body("status", equalTo("error"))
                .body("error.code", equalTo("malformed_json"))
                .body(not(containsString("at io.")))
                .body(not(containsString("Exception")));
    }

    @Test
    void wrongFieldTypeIs400AndNamesTheField() {
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body("{\"dry_run\": {\"a\": 1}}")
                .when().post(BASE + "/leader/step-down")
                .then().statusCode(400)
                .body("error.code", equalTo("invalid_body"))
                .body("error.message", containsString("dry_run"));
    }

    @Test
    void badInputChangesNothing() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().auth().oauth2(TOKEN).when().get(BASE + "/leader").then().body("data.leader", equalTo(true)));
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body("{\"dry_run\": \"nope\"}")
                .when().post(BASE + "/leader/step-down").then().statusCode(400);
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON)
                .body("{\"reason\": \"" + "x".repeat(600) + "\"}")
                .when().post(BASE + "/leader/step-down").then().statusCode(400)
                .body("error.message", containsString("reason"));
        given().auth().oauth2(TOKEN).when().get(BASE + "/leader").then().body("data.leader", equalTo(true));
    }

    @Test
    void changingCallsAreAudited() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().auth().oauth2(TOKEN).when().get(BASE + "/leader")
                        .then().body("data.leader", equalTo(true)));
        given().auth().oauth2(TOKEN).header("X-Pgsidecar-Caller", "alice")
                .contentType(ContentType.JSON).body("{\"dry_run\": true, \"reason\": \"draining node-7\"}")
                .when().post(BASE + "/leader/step-down")
                .then().statusCode(200)
                .body("data.dry_run", equalTo(true));
        given().auth().oauth2(TOKEN).queryParam("dry_run", "maybe")
                .when().post(BASE + "/leader/step-down")
                .then().statusCode(400);
        // the dry run left the leader in place
        given().auth().oauth2(TOKEN).when().get(BASE + "/leader").then().body("data.leader", equalTo(true));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().auth().oauth2(TOKEN).queryParam("action", "leader.step-down").when().get(BASE + "/audit")
                        .then().statusCode(200)
                        .body("data.outcome", hasItem("success"))
                        .body("data.outcome", hasItem("invalid_parameter"))
                        .body("data.caller", hasItem(containsString("(alice)")))
                        .body("data.parameters.reason", hasItem("draining node-7"))
                        .body("data[0].instance", notNullValue())
                        .body("data[0].parameters", notNullValue()));
    }

    /**
     * A read leaves no audit row. Audit rows are written in order, so once a changing call made
     * after the read is in the log, a row for the read would be there too.
     */
    @Test
    void readsAreNotAudited() {
        given().auth().oauth2(TOKEN).when().get(BASE + "/pool").then().statusCode(200);
        String marker = "after-a-read-" + System.nanoTime();
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON)
                .body("{\"dry_run\": true, \"reason\": \"" + marker + "\"}")
                .when().post(BASE + "/performance/reset").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().auth().oauth2(TOKEN).queryParam("limit", "500").when().get(BASE + "/audit")
                        .then().statusCode(200).body("data.parameters.reason", hasItem(marker)));
        given().auth().oauth2(TOKEN).queryParam("limit", "500").when().get(BASE + "/audit")
                .then().statusCode(200)
                .body("data.action", not(hasItem(startsWith("GET"))));
    }

    @Test
    void withNoReplicasConfiguredTheStandbyViewStillWorksAndReadsGoToThePrimary() {
        given().auth().oauth2(TOKEN).when().get(BASE + "/replicas/status")
                .then().statusCode(200)
                .body("data.replicas.size()", equalTo(0))
                .body("data.primary.in_recovery", equalTo(false))
                .body("data.primary.standbys", notNullValue());
        given().auth().oauth2(TOKEN).when().get(BASE + "/replicas/route")
                .then().statusCode(200)
                .body("data.name", equalTo("primary"))
                .body("data.host", equalTo("127.0.0.1"))
                .body("data.port", greaterThanOrEqualTo(1024))
                .body("data.fallback", equalTo(true));
    }
}
