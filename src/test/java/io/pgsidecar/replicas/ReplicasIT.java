package io.pgsidecar.replicas;

import org.junit.jupiter.api.Tag;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.UnhandledErrors;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real primary with two streaming replicas (r1, r2) and a third entry with a wrong password.
 * Tests poll explicitly (the schedule is an hour here), so each step is one poll.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(ReplicasIT.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"),
        @ResourceArg(name = "replicas", value = "3"),
        @ResourceArg(name = "replicaJson", value = "[{\"name\":\"r1\",\"url\":\"postgresql://postgres:postgres@127.0.0.1:{p1}/app\","
                + "\"weight\":1,\"max_lag_seconds\":1},"
                + "{\"name\":\"r2\",\"url\":\"postgresql://postgres:postgres@127.0.0.1:{p2}/app\",\"weight\":1,"
                + "\"max_lag_seconds\":1},"
                + "{\"name\":\"r3\",\"url\":\"postgresql://postgres:postgres@127.0.0.1:{p3}/app\"},"
                + "{\"name\":\"bad\",\"url\":\"postgresql://postgres:wrong-secret@127.0.0.1:{p1}/app\"}]"),
        // a partition set with a default partition, so the dashboard's partition series exist too
        @ResourceArg(name = "sql", value = "CREATE TABLE parts (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at); "
                + "CREATE TABLE parts_default PARTITION OF parts DEFAULT")})
class ReplicasIT {

    static final String BASE = "/api/v1/admin/database/replicas";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the agent's own snapshot writes (activity, capacity, plans, connections) are off: the idle
            // primary's test needs a primary nobody writes to
            return Map.of("pgsidecar.replicas.interval", "1h", "pgsidecar.statements.interval", "1h",
                    "REPLICA_POOL_TIMEOUT", "2", "REPLICA_LOAD_BALANCING", "round_robin",
                    "PARTITION_STRATEGIES", "[{\"table_name\": \"parts\", \"partition_column\": \"at\"}]",
                    "pgsidecar.activity.enabled", "false", "pgsidecar.capacity.enabled", "false",
                    "pgsidecar.plans.enabled", "false", "pgsidecar.connections.interval", "1h");
        }
    }

    @Inject
    ReplicaMonitor monitor;

    @Inject
    io.pgsidecar.statements.StatementsPoller statements;

    @Inject
    io.pgsidecar.connections.ConnectionsPoller connections;

    @Inject
    io.pgsidecar.alerts.AlertEngine alerts;

    @Inject
    io.pgsidecar.partitions.PartitionJob partitions;

    static ReplicaStatus status(List<ReplicaStatus> all, String name) {
        return all.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    PgCluster r(int i) {
        return PgTestResource.replicas().get(i - 1);
    }

    void writeOnPrimary() throws Exception {
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS churn (id serial, at timestamptz DEFAULT now())");
            s.execute("INSERT INTO churn DEFAULT VALUES");
        }
        // streaming replicas that replay take well under this; a paused one does not
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> true);
    }

    void awaitBothHealthy() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            List<ReplicaStatus> all = monitor.pollOnce().replicas();
            return Boolean.TRUE.equals(status(all, "r1").healthy()) && Boolean.TRUE.equals(status(all, "r2").healthy());
        });
    }

    @Test
    void anIdlePrimaryShowsNoLag() throws Exception {
        awaitBothHealthy();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            ReplicaStatus r1 = status(monitor.pollOnce().replicas(), "r1");
            return r1.lagBytes() != null && r1.lagBytes() == 0;
        });
        for (int i = 0; i < 4; i++) {
            await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(1)).until(() -> true);
            // WAL that is not a transaction, written just before the poll: an idle primary does this
            // on its own (checkpoints, standby snapshots), and it must not show up as time lag
            try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement()) {
                s.execute("CHECKPOINT");
            }
            List<ReplicaStatus> all = monitor.pollOnce().replicas();
            for (String name : List.of("r1", "r2")) {
                ReplicaStatus s = status(all, name);
                assertThat(s.lagSeconds()).as(name + " time lag").isEqualTo(0.0);
                assertThat(s.lagBytes()).as(name + " byte lag").isZero();
                assertThat(s.inRecovery()).isTrue();
                assertThat(s.walReceiverStatus()).isEqualTo("streaming");
                assertThat(s.problems()).isEmpty();
            }
        }
        given().auth().oauth2("test-token").when().get(BASE + "/status").then().statusCode(200)
                .body("data.replicas.find { it.name == 'r1' }.lag_seconds", equalTo(0.0f))
                .body("data.primary.standbys.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(2))
                .body(not(containsString("wrong-secret")));
    }

    @Test
    void pausedReplayTurnsUnhealthyAfterThreePollsAndRecoversAfterTwo() throws Exception {
        awaitBothHealthy();
        try (Connection c = r(1).connect("app"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_wal_replay_pause()");
        }
        try {
            await().pollDelay(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(2)).until(() -> true);
            for (int poll = 1; poll <= 3; poll++) {
                writeOnPrimary();
                ReplicaStatus r1 = status(monitor.pollOnce().replicas(), "r1");
                assertThat(r1.replayPaused()).isTrue();
                assertThat(r1.checkPassed()).isFalse();
                assertThat(r1.lagBytes()).isPositive();
                assertThat(r1.healthy()).as("after poll " + poll).isEqualTo(poll < 3);
            }
            ReplicaStatus r1 = status(monitor.latest().replicas(), "r1");
            assertThat(r1.lagSeconds()).isGreaterThan(1.0);
            assertThat(r1.problems()).anySatisfy(p -> assertThat(p).contains("paused"))
                    .anySatisfy(p -> assertThat(p).contains("time lag"));
            for (int i = 0; i < 10; i++) {
                given().auth().oauth2("test-token").when().get(BASE + "/route").then().statusCode(200)
                        .body("data.name", not(equalTo("r1")))
                        .body("data.fallback", equalTo(false));
            }
        } finally {
            try (Connection c = r(1).connect("app"); Statement s = c.createStatement()) {
                s.execute("SELECT pg_wal_replay_resume()");
            }
        }
        // replay catches up after the resume; poll until the first good poll, then count from there
        java.util.concurrent.atomic.AtomicReference<ReplicaStatus> first = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).until(() -> {
            first.set(status(monitor.pollOnce().replicas(), "r1"));
            return first.get().checkPassed();
        });
        assertThat(first.get().healthy()).as("one good poll is not enough").isFalse();
        assertThat(status(monitor.pollOnce().replicas(), "r1").healthy()).isTrue();
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("pgsidecar_replica_routed_total\\{[^}]*replica=\"r[23]\"[^}]*} [1-9]");
    }

    /**
     * With replicas, reactive pools exist: the Vert.x SQL client's own meters ({@code m__current}
     * with {@code clientName} and {@code clientType}) are not in the scrape, which passes promtool
     * in every format the endpoint serves.
     */
    @Test
    void theScrapeWithReplicasHasOnlySnakeCaseFamiliesAndPassesPromtool() throws Exception {
        awaitBothHealthy();
        monitor.pollOnce();
        assertThat(given().get("/q/metrics").asString()).contains("pgsidecar_replica_up{")
                .doesNotContain("m__current").doesNotContain("clientType=");
        io.pgsidecar.testing.Scrapes.assertEveryFormatPassesPromtool("ReplicasIT");
    }

    @Test
    void aStoppedReplicaIsDownWithTheErrorAndComesBack() throws Exception {
        awaitBothHealthy();
        r(2).stop();
        try {
            for (int poll = 1; poll <= 3; poll++) {
                ReplicaStatus r2 = status(monitor.pollOnce().replicas(), "r2");
                assertThat(r2.reachable()).isFalse();
                assertThat(r2.lastError()).isNotBlank();
                // a stopped server refuses connections: out of routing at the first poll, no hysteresis
                assertThat(r2.healthy()).as("after poll " + poll).isFalse();
                assertThat(r2.problems()).anySatisfy(p -> assertThat(p).startsWith("refuses connections"));
                // r1 is polled as usual meanwhile
                assertThat(status(monitor.latest().replicas(), "r1").reachable()).isTrue();
            }
            given().auth().oauth2("test-token").when().get(BASE + "/status").then().statusCode(200)
                    .body("data.replicas.find { it.name == 'r2' }.healthy", equalTo(false))
                    .body("data.replicas.find { it.name == 'r2' }.last_error", not(equalTo(null)));
            assertThat(given().get("/q/metrics").asString())
                    .containsPattern("pgsidecar_replica_up\\{[^}]*replica=\"r2\"[^}]*} 0");
        } finally {
            r(2).start();
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                .until(() -> Boolean.TRUE.equals(status(monitor.pollOnce().replicas(), "r2").healthy()));
    }

    @Test
    void aWrongPasswordIsAClearErrorAndTheOthersAreUnaffected() {
        awaitBothHealthy();
        ReplicaStatus bad = status(monitor.latest().replicas(), "bad");
        assertThat(bad.reachable()).isFalse();
        assertThat(bad.healthy()).isFalse();
        assertThat(bad.lastError()).contains("password authentication failed");
        assertThat(bad.toString()).doesNotContain("wrong-secret");
        given().auth().oauth2("test-token").when().post(BASE + "/r1/health").then().statusCode(200)
                .body("data.reachable", equalTo(true))
                .body("data.in_recovery", equalTo(true));
        given().auth().oauth2("test-token").when().post(BASE + "/nope/health").then().statusCode(404);
        given().auth().oauth2("test-token").queryParam("strategy", "fastest").when().get(BASE + "/route")
                .then().statusCode(400).body("error.message", containsString("strategy"));
    }

    @Test
    void aPromotedReplicaIsReportedAsSuchNotAsHealthy() throws Exception {
        awaitBothHealthy();
        try (Connection c = r(3).connect("app"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_promote(true, 30)");
        }
        // the first poll that sees the promotion takes it out of routing: no hysteresis for a writable server
        ReplicaStatus r3 = status(monitor.pollOnce().replicas(), "r3");
        assertThat(r3.inRecovery()).isFalse();
        assertThat(r3.checkPassed()).isFalse();
        assertThat(r3.problems()).anySatisfy(p -> assertThat(p).contains("not in recovery"));
        assertThat(r3.healthy()).as("unhealthy at the first poll that saw the promotion").isFalse();
        for (int i = 0; i < 20; i++) {
            given().auth().oauth2("test-token").when().get(BASE + "/route").then().statusCode(200)
                    .body("data.name", not(equalTo("r3")));
        }
    }

    /**
     * A replica that refuses the agent (wrong password) is out at the first poll, and polling it
     * leaves no exception behind once the pool's connect timeout has passed (the pool's own query
     * path used to leave a timer that failed a completed promise).
     */
    @Test
    void aReplicaThatRefusesIsOutAtOnceAndLeavesNoUnhandledException() throws Exception {
        try (UnhandledErrors unhandled = UnhandledErrors.watch()) {
            ReplicaStatus bad = status(monitor.pollOnce().replicas(), "bad");
            assertThat(bad.healthy()).isFalse();
            assertThat(bad.problems()).anySatisfy(p -> assertThat(p).startsWith("refuses connections"));
            monitor.pollOnce();
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(unhandled.seen()).isEmpty());
        }
    }

    /** No dashboard panel may query a metric the agent does not export. */
    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        awaitBothHealthy();
        await().atMost(Duration.ofSeconds(30)).until(() -> statements.pollOnce().availability().available());
        connections.pollOnce();
        given().auth().oauth2("test-token").when().get(BASE + "/route").then().statusCode(200);
        // the replica with the wrong password is down by now: an alert fires, so its series exists
        await().atMost(Duration.ofSeconds(30)).until(() -> alerts.evaluate().stream()
                .anyMatch(a -> a.alertname().equals("ReplicaDown") && a.state() == io.pgsidecar.alerts.AlertState.FIRING));
        partitions.runOnce();
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("deploy/grafana/pgsidecar-dashboard.json"));
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(dashboard); // valid JSON
        java.util.Set<String> queried = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("pgsidecar_[a-z_]+").matcher(dashboard);
        while (m.find()) {
            queried.add(m.group());
        }
        queried.remove("pgsidecar_dashboard");
        String metrics = given().get("/q/metrics").asString();
        java.util.Set<String> exported = new java.util.TreeSet<>();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("pgsidecar_")) {
                exported.add(line.replaceAll("[{ ].*", ""));
            }
        }
        assertThat(queried).as("metrics queried by the dashboard").hasSizeGreaterThan(15);
        assertThat(exported).containsAll(queried);
    }
}
