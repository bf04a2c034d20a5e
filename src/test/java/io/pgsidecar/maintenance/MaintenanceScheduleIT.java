package io.pgsidecar.maintenance;

import io.pgsidecar.testing.CollectorRuns;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.pgsidecar.testing.MovableClock;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Maintenance on its schedule: a heavy task starts inside the window and is cancelled when the
 * window closes; a fire missed while no instance led is recorded once as missed, not replayed.
 */
@QuarkusTest
@TestProfile(MaintenanceScheduleIT.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"),
        @ResourceArg(name = "sql", value = "CREATE TABLE churn (id int, v text) WITH (autovacuum_enabled = false); "
                + "INSERT INTO churn SELECT g, repeat('x', 200) FROM generate_series(1, 60000) g; "
                + "DELETE FROM churn WHERE id % 10 <> 0")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MaintenanceScheduleIT {

    @jakarta.inject.Inject
    io.pgsidecar.metrics.CollectorMetrics collectors;

    static final String BASE = MaintenanceClient.BASE;

    public static class Profile implements QuarkusTestProfile {
        /** update_statistics' only daily fire is two hours before the agent starts: long past. */
        @Override
        public Map<String, String> getConfigOverrides() {
            ZonedDateTime pastFire = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).minusHours(2);
            Map<String, String> m = new HashMap<>();
            m.put("pgsidecar.statements.interval", "1h");
            m.put("pgsidecar.connections.interval", "1h");
            m.put("pgsidecar.leader.lease", "3s");
            // the passes the tests wait for come every second, not every ten
            m.put("pgsidecar.maintenance.tick", "1s");
            m.put("DB_MAINTENANCE_ENABLED", "true");
            m.put("pgsidecar.maintenance.window", "daily 01:00-01:05");
            m.put("pgsidecar.maintenance.window-grace", "0s");
            m.put("pgsidecar.maintenance.vacuum.cron", "0/5 * * * * ?");
            m.put("pgsidecar.maintenance.vacuum.min-dead-tuples", "1000");
            // slow on purpose, so the window closes while it runs
            m.put("pgsidecar.maintenance.vacuum.cost-limit", "1");
            m.put("pgsidecar.maintenance.vacuum.cost-delay", "50ms");
            m.put("pgsidecar.maintenance.update-statistics.cron", String.format("0 %d %d * * ?", pastFire.getMinute(),
                    pastFire.getHour()));
            m.put("pgsidecar.maintenance.maintain-indexes.enabled", "false");
            m.put("pgsidecar.maintenance.cleanup-old-data.enabled", "false");
            m.put("pgsidecar.maintenance.connection-health.enabled", "false");
            m.put("pgsidecar.maintenance.housekeeping.enabled", "false");
            return m;
        }
    }

    /**
     * The scheduler's clock is put 40 s before tomorrow's window closes (01:05 UTC): the schedule
     * starts vacuum inside the window; once the test has seen it running, the clock goes on to 2 s
     * before the close instead of the test waiting out the rest of the window at the real pace; the
     * window's end cancels it, and fires after the close are recorded skipped.
     */
    @Test
    @Order(2)
    void aHeavyTaskRunsInsideTheWindowAndIsCancelledWhenItCloses() {
        MaintenanceClient.awaitReady();
        Instant closes = LocalDate.now(ZoneOffset.UTC).plusDays(1).atTime(1, 5).toInstant(ZoneOffset.UTC);
        MovableClock clock = new MovableClock(closes.minusSeconds(40));
        QuarkusMock.installMockForType(clock, Clock.class);
        try {
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> {
                List<Object> running = given().auth().oauth2("test-token").queryParam("task", "vacuum")
                        .queryParam("outcome", "running").get(BASE + "/runs").jsonPath().getList("data");
                return running != null && !running.isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no scheduled vacuum ran; runs: " + given().auth().oauth2("test-token")
                    .get(BASE + "/runs").asString(), e);
        }
        long id = given().auth().oauth2("test-token").queryParam("task", "vacuum").queryParam("outcome", "running")
                .get(BASE + "/runs").jsonPath().getLong("data[0].id");
        assertThat(given().auth().oauth2("test-token").get(BASE + "/runs/" + id).jsonPath().getString("data.run.trigger"))
                .isEqualTo("scheduled");
        given().auth().oauth2("test-token").get(BASE + "/status").then().statusCode(200)
                .body("data.tasks.find { it.task == 'vacuum' }.in_progress.run_id", org.hamcrest.Matchers.equalTo((int) id));
        // the run is still inside the window and still running: what is left of the window now
        // passes at the real pace, from 2 s before its end
        clock.set(closes.minusSeconds(2));
        JsonPath done = MaintenanceClient.finished(id, Duration.ofMinutes(2));
        assertThat(done.getString("data.run.outcome")).isEqualTo("cancelled");
        assertThat(done.getString("data.run.error")).contains("window closed");
        // and after the window, the schedule fires into a closed window: recorded, not run (a fire
        // recorded by the scheduler's clock at or after the close: the real time before the clock
        // was moved lay outside the window too, and its fires were recorded the same way)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> given().auth()
                .oauth2("test-token").queryParam("task", "vacuum").queryParam("outcome", "skipped").get(BASE + "/runs")
                .jsonPath().getList("data", Map.class).stream()
                .anyMatch(r -> String.valueOf(r.get("error")).contains("outside the maintenance window")
                        && !Instant.parse(String.valueOf(r.get("started_at"))).isBefore(closes)));
    }

    /**
     * Runs first: the other test moves the scheduler's clock to tomorrow's window, and between the
     * agent's start and then, update_statistics' daily fire can lie (when the suite runs between
     * about 23:00 and 03:00 UTC), which is rightly recorded as one missed fire and would be the
     * record this test finds instead of its own.
     */
    @Test
    @Order(1)
    void aFireMissedWhileNobodyLedIsRecordedOnceAsMissed() throws Exception {
        CollectorRuns ticks = CollectorRuns.of(collectors, MaintenanceScheduler.COLLECTOR);
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2("test-token")
                    .get("/api/v1/admin/database/health").jsonPath().getBoolean("data.migrations.done"));
            // the last run anyone recorded was three days ago: three daily fires went by without a leader
            s.execute("INSERT INTO pgsidecar.maintenance_runs (task, trigger, instance, started_at, finished_at, "
                    + "heartbeat_at, outcome) VALUES ('update_statistics', 'scheduled', 'gone', now() - interval '3 days "
                    + "1 hour', now() - interval '3 days 1 hour', now() - interval '3 days 1 hour', 'ok')");
        }
        // a new leader looks at the history afresh
        given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{}")
                .post("/api/v1/admin/database/leader/step-down").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> !given().auth()
                .oauth2("test-token").queryParam("task", "update_statistics").queryParam("outcome", "missed")
                .get(BASE + "/runs").jsonPath().getList("data").isEmpty());
        // the leader's passes after the one that recorded it: each would record another if it replayed
        ticks.awaitMore(2, Duration.ofSeconds(60));
        List<String> missed = given().auth().oauth2("test-token").queryParam("task", "update_statistics")
                .queryParam("outcome", "missed").get(BASE + "/runs").jsonPath().getList("data.error", String.class);
        assertThat(missed).as("recorded once, not once per missed fire, and not replayed").hasSize(1);
        assertThat(missed.get(0)).startsWith("3 scheduled runs missed since");
        assertThat(given().auth().oauth2("test-token").queryParam("task", "update_statistics")
                .queryParam("outcome", "ok").get(BASE + "/runs").jsonPath().getList("data")).hasSize(1);
    }
}
