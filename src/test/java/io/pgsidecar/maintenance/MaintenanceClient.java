package io.pgsidecar.maintenance;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;

/** The maintenance API as a test drives it: start a run, wait for its end, read it. */
final class MaintenanceClient {

    static final String BASE = "/api/v1/admin/database/maintenance";

    private MaintenanceClient() {
    }

    /** Waits (bounded) until the agent has migrated its schema: before that the history answers 503. */
    static void awaitReady() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            var r = given().auth().oauth2("test-token").get("/api/v1/admin/database/health");
            return r.statusCode() == 200 && Boolean.TRUE.equals(r.jsonPath().getBoolean("data.migrations.done"));
        });
    }

    /** Starts a real run of {@code task} with the given body and returns its id. */
    static long start(String task, String body) {
        return given().auth().oauth2("test-token").contentType(ContentType.JSON).body(body)
                .post(BASE + "/tasks/" + task + "/run").then().statusCode(202).extract().jsonPath().getLong("data.run_id");
    }

    /** Waits (bounded) until the run has ended, and returns it with its items. */
    static JsonPath finished(long id, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() ->
                !"running".equals(given().auth().oauth2("test-token").get(BASE + "/runs/" + id).jsonPath()
                        .getString("data.run.outcome")));
        return given().auth().oauth2("test-token").get(BASE + "/runs/" + id).then().statusCode(200).extract().jsonPath();
    }

    static JsonPath run(String task, String body, Duration atMost) {
        return finished(start(task, body), atMost);
    }

    static JsonPath dryRun(String task, String body) {
        return given().auth().oauth2("test-token").contentType(ContentType.JSON).body(body)
                .post(BASE + "/tasks/" + task + "/run?dry_run=true").then().statusCode(200).extract().jsonPath();
    }
}
