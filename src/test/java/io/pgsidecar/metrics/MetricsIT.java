package io.pgsidecar.metrics;

import org.junit.jupiter.api.Tag;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.alerts.AlertEngine;
import io.pgsidecar.connections.ConnectionsPoller;
import io.pgsidecar.replicas.ReplicaMonitor;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Promtool;
import io.pgsidecar.testing.Scrapes;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** What Prometheus scrapes from the foundation, with the names and tags the README promises. */
@Tag("by-version")
@QuarkusTest
@WithTestResource(PgTestResource.class) // shared with the classes of DefaultAppSuiteIT
class MetricsIT {

    @Inject
    CollectorMetrics collectors;

    @Inject
    StatementsPoller statements;

    @Inject
    ConnectionsPoller connections;

    @Inject
    ReplicaMonitor replicas;

    @Inject
    AlertEngine alerts;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void foundationSeriesAreExportedWithTheDatabaseTag() {
        await().atMost(Duration.ofSeconds(20)).until(() ->
                given().get("/q/metrics").asString().contains("pgsidecar_leader{database=\"" + database + "\",} 1"));
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        String db = "database=\"" + database + "\"";
        assertThat(text)
                .contains("pgsidecar_pool_max_connections{" + db + ",} 3")
                .contains("pgsidecar_pool_active_connections{" + db + ",}")
                .contains("pgsidecar_pool_idle_connections{" + db + ",}")
                .contains("pgsidecar_pool_awaiting_threads{" + db + ",}")
                .contains("pgsidecar_pool_acquire_max_seconds{" + db + ",}")
                .contains("pgsidecar_pool_leaks_total{" + db + ",}")
                .contains("pgsidecar_collector_errors_total{collector=\"maintenance\"," + db + ",}")
                .contains("pgsidecar_collector_duration_seconds{collector=\"maintenance\"," + db + ",}")
                .contains("pgsidecar_collector_last_success_timestamp_seconds{collector=\"maintenance\"," + db + ",}");
        // every pgsidecar series carries the database tag
        text.lines().filter(l -> l.startsWith("pgsidecar_"))
                .forEach(l -> assertThat(l).as(l).contains(db));
    }

    /**
     * The scrape as Prometheus reads it passes {@code promtool check metrics}: it parses, and the
     * agent's own families have no lint findings. What a client gets without an Accept header (the
     * same text format since ScrapeFormat) carries no quote escapes in HELP lines either, which
     * text parsers reject.
     */
    @Test
    void theScrapePassesPromtool() throws Exception {
        statements.pollOnce();
        connections.pollOnce();
        replicas.pollOnce();
        alerts.evaluate();
        String text = given().header("Accept", "text/plain; version=0.0.4; charset=utf-8").get("/q/metrics")
                .then().statusCode(200).extract().asString();
        Promtool.Result lint = Promtool.run(List.of("check", "metrics"), text);
        assertThat(lint.output()).as("promtool parses the scrape").doesNotContain("error while linting");
        assertThat(lint.output().lines().filter(l -> l.startsWith("pgsidecar_")).toList())
                .as("lint findings on the agent's own families").isEmpty();
        String openMetrics = given().get("/q/metrics").asString();
        assertThat(openMetrics.lines().filter(l -> l.startsWith("# HELP") && l.contains("\\\"")).toList())
                .as("HELP lines with escaped quotes").isEmpty();
        assertThat(Promtool.run(List.of("check", "metrics"), openMetrics).output()).doesNotContain("error while linting");
    }

    /**
     * Whatever a client asks for (no Accept header, the text format, OpenMetrics, anything,
     * Prometheus' own Accept), the scrape passes {@code promtool check metrics} with no finding on
     * the agent's own families: before, OpenMetrics' counters ({@code # TYPE pgsidecar_pool_leaks
     * counter} over {@code pgsidecar_pool_leaks_total}) read as families without HELP.
     */
    @Test
    void everyFormatTheEndpointServesPassesPromtool() throws Exception {
        statements.pollOnce();
        connections.pollOnce();
        replicas.pollOnce();
        alerts.evaluate();
        Scrapes.assertEveryFormatPassesPromtool("MetricsIT");
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
                + database + "\",} 2.0");
        assertThat(text).containsPattern("pgsidecar_collector_last_success_timestamp_seconds\\{collector=\"test_ok\","
                + "database=\"" + database + "\",} 1\\.[0-9]+E9");
        assertThat(collectors.statuses().get("test_failing").lastError()).contains("boom");
        given().auth().oauth2("test-token").get("/api/v1/admin/database/collectors").then().statusCode(200)
                .body("data.test_failing.errors", org.hamcrest.Matchers.equalTo(2));
    }
}
