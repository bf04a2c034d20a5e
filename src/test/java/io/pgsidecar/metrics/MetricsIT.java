package io.pgsidecar.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** What Prometheus scrapes from the foundation, with the names and tags the README promises. */
@QuarkusTest
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true)
class MetricsIT {

    @Inject
    CollectorMetrics collectors;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void foundationSeriesAreExportedWithTheDatabaseTag() {
        await().atMost(Duration.ofSeconds(20)).until(() ->
                given().get("/q/metrics").asString().contains("pgsidecar_leader{database=\"" + database + "\"} 1"));
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        String db = "database=\"" + database + "\"";
        assertThat(text)
                .contains("pgsidecar_pool_max_connections{" + db + "} 3")
                .contains("pgsidecar_pool_active_connections{" + db + "}")
                .contains("pgsidecar_pool_idle_connections{" + db + "}")
                .contains("pgsidecar_pool_awaiting_threads{" + db + "}")
                .contains("pgsidecar_pool_acquire_max_seconds{" + db + "}")
                .contains("pgsidecar_pool_leaks_total{" + db + "}")
                .contains("pgsidecar_collector_errors_total{collector=\"audit_retention\"," + db + "}")
                .contains("pgsidecar_collector_duration_seconds{collector=\"audit_retention\"," + db + "}")
                .contains("pgsidecar_collector_last_success_timestamp_seconds{collector=\"audit_retention\"," + db + "}");
        // every pgsidecar series carries the database tag
        text.lines().filter(l -> l.startsWith("pgsidecar_"))
                .forEach(l -> assertThat(l).as(l).contains(db));
    }

    @Test
    void aCollectorGetsItsSeriesByRunningThroughTheHelper() {
        collectors.run("test_ok", () -> 1);
        collectors.run("test_failing", () -> {
            throw new IllegalStateException("boom");
        });
        collectors.run("test_failing", () -> {
            throw new IllegalStateException("boom");
        });
        String text = given().when().get("/q/metrics").asString();
        assertThat(text).contains("pgsidecar_collector_errors_total{collector=\"test_failing\",database=\""
                + database + "\"} 2.0");
        assertThat(text).containsPattern("pgsidecar_collector_last_success_timestamp_seconds\\{collector=\"test_ok\","
                + "database=\"" + database + "\"} 1\\.[0-9]+E9");
        assertThat(collectors.statuses().get("test_failing").lastError()).contains("boom");
        given().auth().oauth2("test-token").get("/api/v1/admin/database/collectors").then().statusCode(200)
                .body("data.test_failing.errors", org.hamcrest.Matchers.equalTo(2));
    }
}
