package io.pgsidecar.maintenance;

import io.pgsidecar.testing.CollectorRuns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A heartbeat written with the server's clock is judged with the server's clock: the database's
 * clock here is five minutes behind the agent's (libfaketime), and a run another agent keeps
 * beating stays running, while one that stopped beating (by the server's clock) is interrupted.
 * Alert and silence times are written on the server's clock too.
 */
@QuarkusTest
@TestProfile(MaintenanceClockSkewIT.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"),
        @ResourceArg(name = "serverClock", value = "-5m")})
class MaintenanceClockSkewIT {

    @jakarta.inject.Inject
    io.pgsidecar.metrics.CollectorMetrics collectors;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>();
            m.put("pgsidecar.statements.interval", "1h");
            m.put("pgsidecar.connections.interval", "1h");
            m.put("pgsidecar.leader.lease", "3s");
            // the leader's passes the test waits for come every second, not every ten
            m.put("pgsidecar.maintenance.tick", "1s");
            return m;
        }
    }

    @Test
    void aLiveRunOfAnotherAgentIsNotInterruptedWhenTheClocksDisagree() throws Exception {
        MaintenanceClient.awaitReady();
        CollectorRuns ticks = CollectorRuns.of(collectors, MaintenanceScheduler.COLLECTOR);
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT extract(epoch FROM now())::float8")) {
                rs.next();
                double behind = System.currentTimeMillis() / 1000.0 - rs.getDouble(1);
                assertThat(behind).as("the server's clock is minutes behind the agent's").isBetween(240.0, 360.0);
            }
            long live = insertRun(s, "vacuum", "other-agent", "now()");
            long dead = insertRun(s, "update_statistics", "gone-agent", "now() - interval '2 minutes'");
            ScheduledExecutorService otherAgent = Executors.newSingleThreadScheduledExecutor();
            try (Connection beats = PgTestResource.ownCluster().connect("app");
                 PreparedStatement beat = beats.prepareStatement(
                         "UPDATE pgsidecar.maintenance_runs SET heartbeat_at = now() WHERE id = ?")) {
                beat.setLong(1, live);
                otherAgent.scheduleAtFixedRate(() -> {
                    try {
                        beat.executeUpdate();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }, 0, 5, TimeUnit.SECONDS);
                // the leader's orphan check has run once the silent run is interrupted
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> outcome(s, dead).equals("interrupted"));
                assertThat(outcome(s, live)).as("judged in the same pass as the silent run").isEqualTo("running");
                // and in the passes after it
                ticks.awaitMore(2, Duration.ofSeconds(60));
                assertThat(outcome(s, live)).isEqualTo("running");
            } finally {
                otherAgent.shutdownNow();
            }
        }
    }

    /**
     * Alert times are written on the server's clock and read back onto the reader's: a silence of
     * an hour made by this agent (five minutes ahead) ends an hour after the server's now, not
     * sixty-five minutes, so every agent, and the server's own check, agree when it ends.
     */
    @Test
    void alertTimesAreWrittenOnTheServersClock() throws Exception {
        MaintenanceClient.awaitReady();
        io.restassured.RestAssured.given().auth().oauth2("test-token").contentType(io.restassured.http.ContentType.JSON)
                .body("{\"matchers\":[{\"name\":\"alertname\",\"value\":\"SkewProbe\"}],\"duration\":\"1h\","
                        + "\"comment\":\"clock-skew\"}")
                .post("/api/v1/admin/database/alerts/silences").then().statusCode(200);
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT extract(epoch FROM ends_at - now())::float8, "
                     + "extract(epoch FROM now() - starts_at)::float8 FROM pgsidecar.alert_silences "
                     + "WHERE comment = 'clock-skew'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getDouble(1)).as("seconds left by the server's clock").isBetween(3500.0, 3601.0);
            assertThat(rs.getDouble(2)).as("began by the server's clock").isBetween(-1.0, 100.0);
        }
        // read back on the agent's clock: the answer says it ends an hour from the agent's now
        String endsAt = io.restassured.RestAssured.given().auth().oauth2("test-token")
                .get("/api/v1/admin/database/alerts/silences").then().statusCode(200).extract().jsonPath()
                .getString("data.find { it.comment == 'clock-skew' }.ends_at");
        double left = java.time.Duration.between(java.time.Instant.now(), java.time.Instant.parse(endsAt)).toSeconds();
        assertThat(left).as("seconds left by the agent's clock").isBetween(3500.0, 3601.0);
    }

    private static long insertRun(Statement s, String task, String instance, String heartbeat) throws SQLException {
        try (ResultSet rs = s.executeQuery("INSERT INTO pgsidecar.maintenance_runs (task, trigger, instance, started_at, "
                + "heartbeat_at, outcome) VALUES ('" + task + "', 'manual', '" + instance + "', now(), " + heartbeat
                + ", 'running') RETURNING id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String outcome(Statement s, long id) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT outcome FROM pgsidecar.maintenance_runs WHERE id = " + id)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
