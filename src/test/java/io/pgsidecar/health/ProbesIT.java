package io.pgsidecar.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.pgsidecar.RestartsSuiteIT;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The probes while the database goes away and comes back: readiness follows the database,
 * liveness and the started probe (the chart sidecar's readiness) do not, and nothing needs a
 * restart of the agent.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(RestartsSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class, initArgs = {
        @ResourceArg(name = "own", value = "true"), @ResourceArg(name = "settings", value = RestartsSuiteIT.SETTINGS),
        @ResourceArg(name = "sql", value = RestartsSuiteIT.SQL)})
class ProbesIT {

    @Test
    void readinessFollowsTheDatabaseAndLivenessDoesNot() {
        PgCluster pg = PgTestResource.ownCluster();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/q/health/ready").then().statusCode(200));
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/started").then().statusCode(200);

        pg.stop();
        try {
            long stoppedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                given().when().get("/q/health/live").then().statusCode(200);
                given().when().get("/q/health/ready").then().statusCode(503);
            });
            System.out.printf("readiness DOWN %d ms after the database stopped%n",
                    Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis());
            Response down = given().when().get("/q/health/ready");
            assertThat(down.asString()).contains("database:");
            // liveness stays up for as long as the database is away, and so does the probe the chart's
            // sidecar uses for readiness (it reads no database: the application's pod never pays for it)
            for (int i = 0; i < 5; i++) {
                given().when().get("/q/health/live").then().statusCode(200)
                        .body("status", equalTo("UP"));
                given().when().get("/q/health/started").then().statusCode(200)
                        .body("status", equalTo("UP"));
            }
            // the admin API says why, in the envelope
            given().auth().oauth2("test-token").when().get("/api/v1/admin/database/health")
                    .then().statusCode(503).body("error.code", equalTo("database_unavailable"));
        } finally {
            pg.start();
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().when().get("/q/health/ready").then().statusCode(200)
                        .body("status", equalTo("UP")));
        given().auth().oauth2("test-token").when().get("/api/v1/admin/database/health")
                .then().statusCode(200).body("data.overall", equalTo("healthy"));
    }

    @Test
    void probesSayWhy() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/q/health/ready").then().statusCode(200));
        given().when().get("/q/health/live").then().statusCode(200)
                .body("checks[0].name", equalTo("pgsidecar-process"))
                .body("checks[0].data.scheduler_running", equalTo(true));
        given().when().get("/q/health/ready").then()
                .body("checks.name", org.hamcrest.Matchers.hasItem("pgsidecar-database"))
                .body(containsString("leader"));
    }
}
