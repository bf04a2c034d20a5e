package io.pgsidecar.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.AgentProcess;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import io.restassured.path.json.JsonPath;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two packaged agents against one database, a slow {@code vacuum} scheduled every five seconds:
 * manual runs racing the schedule on both agents make one run; the leader killed mid-run leaves an
 * {@code interrupted} run whose statement goes on in PostgreSQL, and nobody starts the task again
 * until that statement ends.
 */
class MaintenancePackagedIT {

    static final String BASE = "/api/v1/admin/database/maintenance";
    static final String MAINTENANCE_VACUUMS = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            + "AND application_name = 'pgsidecar-maintenance' AND query ILIKE '%VACUUM%churn%' AND state = 'active'";

    @Test
    void oneRunPerTaskAcrossAgentsAndALeaderKilledMidRunLeavesItInterruptedNotDuplicated() throws Exception {
        PgCluster pg = PgFixture.shared();
        String db = PgFixture.freshDatabase("maintenance_agents");
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE churn (id int, v text) WITH (autovacuum_enabled = false)");
            s.execute("INSERT INTO churn SELECT g, repeat('x', 200) FROM generate_series(1, 300000) g");
            s.execute("DELETE FROM churn WHERE id % 10 <> 0");
        }
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", pg.databaseUrl(db));
        env.put("PGSIDECAR_LEADER_LEASE", "6s");
        env.put("DB_MAINTENANCE_ENABLED", "true");
        env.put("PGSIDECAR_MAINTENANCE_VACUUM_CRON", "0/5 * * * * ?");
        // the scheduler looks every second (10 s by default), so each wait for a fire, a skip or an
        // orphan is no longer rounded up to a 10 s tick
        env.put("PGSIDECAR_MAINTENANCE_TICK", "1s");
        // a run silent for 10 s (ten missed beats; 45 s and four and a half by default) has lost its agent
        env.put("PGSIDECAR_MAINTENANCE_ORPHANED_AFTER", "10s");
        env.put("PGSIDECAR_MAINTENANCE_VACUUM_MIN_DEAD_TUPLES", "1000");
        // slow on purpose (one page per 50 ms): the run outlives the test unless ended
        env.put("PGSIDECAR_MAINTENANCE_VACUUM_COST_LIMIT", "1");
        env.put("PGSIDECAR_MAINTENANCE_VACUUM_COST_DELAY", "50ms");
        env.put("PGSIDECAR_MAINTENANCE_UPDATE_STATISTICS_ENABLED", "false");
        env.put("PGSIDECAR_MAINTENANCE_MAINTAIN_INDEXES_ENABLED", "false");
        env.put("PGSIDECAR_MAINTENANCE_CONNECTION_HEALTH_ENABLED", "false");
        List<AgentProcess> agents = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int i = 0; i < 2; i++) {
                agents.add(AgentProcess.start("maint-" + i, env));
            }
            for (AgentProcess a : agents) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> a.status("/q/health/ready") == 200 || !a.process().isAlive());
                assertThat(a.status("/q/health/ready")).as(a.output()).isEqualTo(200);
            }

            // manual runs on both agents at once, while the leader's schedule fires too
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                AgentProcess a = agents.get(i % 2);
                answers.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    return a.post(BASE + "/tasks/vacuum/run", "{\"reason\":\"race\"}");
                }));
            }
            go.countDown();
            List<HttpResponse<String>> got = new ArrayList<>();
            for (Future<HttpResponse<String>> f : answers) {
                got.add(f.get(30, TimeUnit.SECONDS));
            }
            long first = onlyRunning(agents.get(0));
            int accepted = 0;
            for (HttpResponse<String> r : got) {
                assertThat(r).isNotNull();
                if (r.statusCode() == 202) {
                    accepted++;
                    assertThat(JsonPath.from(r.body()).getLong("data.run_id")).isEqualTo(first);
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                    JsonPath j = JsonPath.from(r.body());
                    assertThat(j.getString("error.code")).isEqualTo("already_running");
                    assertThat(j.getLong("error.details.run_id")).as(r.body()).isEqualTo(first);
                }
            }
            assertThat(accepted).as("manual runs accepted (the schedule may have won)").isLessThanOrEqualTo(1);
            // the schedule fires every 5 s into the running task: recorded as skipped, never a second run
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                    runs(agents.get(1), "vacuum", "skipped").getList("data.error", String.class).stream()
                            .anyMatch(e -> e.contains("already running (run " + first + ")")));
            assertThat(onlyRunning(agents.get(1))).isEqualTo(first);
            assertThat(count(pg, db, MAINTENANCE_VACUUMS)).isEqualTo(1);

            // end it, so that the next run is certainly the leader's, by its schedule
            HttpResponse<String> cancel = agents.get(1).post(BASE + "/runs/" + first + "/cancel", "{}");
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                    "cancelled".equals(run(agents.get(0), first).getString("data.run.outcome")));
            AgentProcess leader = await().atMost(Duration.ofSeconds(20)).until(() -> leader(agents), l -> l != null);
            AgentProcess follower = agents.get(0) == leader ? agents.get(1) : agents.get(0);
            long scheduled = await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> {
                List<Long> ids = runs(follower, "vacuum", "running").getList("data.id", Long.class);
                return ids.isEmpty() ? null : ids.get(0);
            }, id -> id != null);
            JsonPath detail = run(follower, scheduled);
            assertThat(detail.getString("data.run.trigger")).isEqualTo("scheduled");
            assertThat(detail.getString("data.run.instance")).isEqualTo(leaderName(agents, leader));

            // the leader dies mid-run: its VACUUM goes on in PostgreSQL, holding the task's lock
            await().atMost(Duration.ofSeconds(20)).until(() -> count(pg, db, MAINTENANCE_VACUUMS) == 1);
            leader.kill();
            long killed = System.nanoTime();
            JsonPath interrupted = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(
                    () -> run(follower, scheduled), j -> "interrupted".equals(j.getString("data.run.outcome")));
            System.out.printf("run %d marked interrupted %d s after its agent was killed%n", scheduled,
                    Duration.ofNanos(System.nanoTime() - killed).toSeconds());
            assertThat(interrupted.getString("data.run.error")).contains("still running in PostgreSQL");
            // fires after that are skipped with the left-behind statement named, not started again
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                    runs(follower, "vacuum", "skipped").getList("data.error", String.class).stream()
                            .anyMatch(e -> e.contains("still running in PostgreSQL (pid")));
            assertThat(runs(follower, "vacuum", "running").getList("data")).as("no second run").isEmpty();
            assertThat(count(pg, db, MAINTENANCE_VACUUMS)).as("no duplicate VACUUM session").isEqualTo(1);

            // once that statement ends, the schedule runs the task again
            count(pg, db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
                    + "current_database() AND application_name = 'pgsidecar-maintenance'");
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() ->
                    !runs(follower, "vacuum", "running").getList("data").isEmpty());
        } finally {
            pool.shutdownNow();
            agents.forEach(AgentProcess::close);
            try {
                count(pg, db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
                        + "current_database() AND application_name LIKE 'pgsidecar%'");
            } catch (Exception ignored) {
                // best effort: the database is the test's own
            }
        }
    }

    /** The one vacuum run recorded as running (waits until there is one; fails if there are two). */
    private static long onlyRunning(AgentProcess a) {
        List<Long> ids = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> runs(a, "vacuum", "running").getList("data.id", Long.class), l -> !l.isEmpty());
        assertThat(ids).as("vacuum runs running at once").hasSize(1);
        return ids.get(0);
    }

    private static JsonPath runs(AgentProcess a, String task, String outcome) {
        HttpResponse<String> r = a.get(BASE + "/runs?task=" + task + "&outcome=" + outcome + "&limit=1000", true);
        assertThat(r).isNotNull();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonPath.from(r.body());
    }

    private static JsonPath run(AgentProcess a, long id) {
        HttpResponse<String> r = a.get(BASE + "/runs/" + id, true);
        assertThat(r).isNotNull();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonPath.from(r.body());
    }

    private static AgentProcess leader(List<AgentProcess> agents) {
        return agents.stream().filter(AgentProcess::leads).findFirst().orElse(null);
    }

    private static String leaderName(List<AgentProcess> agents, AgentProcess leader) {
        return "maint-" + agents.indexOf(leader);
    }

    private static long count(PgCluster pg, String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
