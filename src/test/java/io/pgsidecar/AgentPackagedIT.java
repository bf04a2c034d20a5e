package io.pgsidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.AgentProcess;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent, started the way users start it: several at once, and with bad settings
 * ({@link AgentCredentialsPackagedIT}: an unreachable server and passwords, in a class of its own so
 * that failsafe runs both side by side).
 */
class AgentPackagedIT {

    @Test
    void threeAgentsStartingAtOnceAllComeUpAndMigrateOnceWithOneLeader() throws Exception {
        PgCluster pg = PgFixture.shared();
        String db = PgFixture.freshDatabase("three_agents");
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            // the application's own migrations, which the agent must leave alone
            s.execute("CREATE TABLE public.flyway_schema_history (installed_rank int PRIMARY KEY, version text)");
            s.execute("INSERT INTO public.flyway_schema_history VALUES (1, '1')");
        }
        List<AgentProcess> agents = new ArrayList<>();
        try {
            java.nio.file.Path secret = java.nio.file.Files.createTempFile("db-password", "");
            java.nio.file.Files.writeString(secret, PgCluster.PASSWORD + "\n");
            for (int i = 0; i < 2; i++) {
                agents.add(AgentProcess.start("agent-" + i, Map.of("DATABASE_URL", pg.databaseUrl(db),
                        "PGSIDECAR_LEADER_LEASE", "6s", "PGSIDECAR_STATEMENTS_INTERVAL", "2s")));
            }
            // the third reads its password from a mounted Secret file instead of the URL
            agents.add(AgentProcess.start("agent-2", Map.of(
                    "DATABASE_URL", "postgresql://" + PgCluster.USER + "@127.0.0.1:" + pg.port() + "/" + db,
                    "DATABASE_PASSWORD_FILE", secret.toString(), "PGSIDECAR_LEADER_LEASE", "6s",
                    "PGSIDECAR_STATEMENTS_INTERVAL", "2s")));
            for (AgentProcess a : agents) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> a.status("/q/health/ready") == 200 || !a.process().isAlive());
                assertThat(a.process().isAlive()).as(a.output()).isTrue();
                assertThat(a.status("/q/health/ready")).as(a.output()).isEqualTo(200);
            }

            try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT version, count(*) FROM pgsidecar.pgsidecar_schema_history "
                        + "WHERE version IS NOT NULL GROUP BY version")) {
                    int versions = 0;
                    while (rs.next()) {
                        versions++;
                        assertThat(rs.getInt(2)).as("version " + rs.getString(1) + " applied once").isEqualTo(1);
                    }
                    assertThat(versions).isGreaterThanOrEqualTo(1);
                }
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM public.flyway_schema_history")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("application's history untouched").isEqualTo(1);
                }
            }
            int appliedBy = 0;
            Pattern applied = Pattern.compile("\\((\\d+) migration\\(s\\) applied by this agent\\)");
            for (AgentProcess a : agents) {
                Matcher m = applied.matcher(a.output());
                assertThat(m.find()).as(a.output()).isTrue();
                if (Integer.parseInt(m.group(1)) > 0) {
                    appliedBy++;
                }
            }
            assertThat(appliedBy).as("agents that applied migrations").isEqualTo(1);

            await().atMost(Duration.ofSeconds(15)).until(() -> leaders(agents).size() == 1);
            AgentProcess leader = leaders(agents).get(0);
            // the packaged agent serves the committed OpenAPI document without the SmallRye extension
            HttpResponse<String> doc = leader.get("/q/openapi?format=json", false);
            assertThat(doc.statusCode()).isEqualTo(200);
            assertThat(doc.body()).isEqualTo(java.nio.file.Files.readString(java.nio.file.Path.of("docs/openapi.json")));
            // followers serve what the leader polled and stored, not polls of their own
            AgentProcess follower = agents.stream().filter(a -> a != leader).findFirst().orElseThrow();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                HttpResponse<String> r = follower.get("/api/v1/admin/database/performance/stats", true);
                return r != null && r.statusCode() == 200 && r.body().contains("\"state\":\"available\"")
                        && !r.body().contains("\"seconds\":0.0");
            });
            leader.kill();
            List<AgentProcess> rest = new ArrayList<>(agents);
            rest.remove(leader);
            long killed = System.nanoTime();
            // keepalives make the server drop the dead leader's session; one lease later a follower leads
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                    .until(() -> leaders(rest).size() == 1);
            System.out.printf("a follower took over %d ms after the leader process was killed%n",
                    Duration.ofNanos(System.nanoTime() - killed).toMillis());
        } finally {
            agents.forEach(AgentProcess::close);
        }
    }

    @Test
    void twoAgentsAgainstOneDatabaseDeliverOneNotification() throws Exception {
        PgCluster pg = PgFixture.shared();
        String db = PgFixture.freshDatabase("two_agents_alerts");
        List<AgentProcess> agents = new ArrayList<>();
        try (io.pgsidecar.testing.WebhookSink hook =
                     new io.pgsidecar.testing.WebhookSink(io.pgsidecar.testing.Ports.free())) {
            Map<String, String> env = new java.util.HashMap<>();
            env.put("DATABASE_URL", pg.databaseUrl(db));
            env.put("PGSIDECAR_STATEMENTS_INTERVAL", "1s");
            env.put("PGSIDECAR_CONNECTIONS_INTERVAL", "1s");
            env.put("PGSIDECAR_LEADER_LEASE", "6s");
            env.put("PGSIDECAR_CONNECTIONS_IDLE_IN_TRANSACTION_THRESHOLD", "1s");
            // rule overrides in the upper-case form an environment variable forces
            env.put("PGSIDECAR_ALERTS_RULES_IDLEINTRANSACTION_WARNING", "1");
            env.put("PGSIDECAR_ALERTS_RULES_LONGRUNNINGTRANSACTION_ENABLED", "false");
            env.put("PGSIDECAR_ALERTS_NOTIFICATIONS_WEBHOOK_URLS", hook.url());
            for (int i = 0; i < 2; i++) {
                agents.add(AgentProcess.start("alerting-" + i, env));
            }
            for (AgentProcess a : agents) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> a.status("/q/health/ready") == 200 || !a.process().isAlive());
                assertThat(a.status("/q/health/ready")).as(a.output()).isEqualTo(200);
            }
            HttpResponse<String> rules = agents.get(1).get("/api/v1/admin/database/alerts/rules", true);
            assertThat(rules.body()).contains("\"name\":\"LongRunningTransaction\"")
                    .containsPattern("\"name\":\"IdleInTransaction\"[^}]*\"warning\":1\\.0")
                    .containsPattern("\"name\":\"LongRunningTransaction\"[^}]*\"enabled\":false");
            try (Connection leaky = pg.connect(db, "dup-app")) {
                leaky.setAutoCommit(false);
                try (Statement s = leaky.createStatement()) {
                    s.executeQuery("SELECT 1").close();
                }
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                        .until(() -> hook.deliveries().stream().anyMatch(d -> d.body().contains("dup-app")));
                // over several polls and evaluations (1 s each) there stays exactly one delivery
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200))
                        .until(() -> firingDeliveries(hook, "dup-app") == 1);
                // both instances serve the same alert from the stored state
                for (AgentProcess a : agents) {
                    HttpResponse<String> r = a.get("/api/v1/admin/database/alerts?state=firing", true);
                    assertThat(r.body()).contains("dup-app");
                }
                // the leader goes away: the follower takes over and continues the alert, no second firing
                await().atMost(Duration.ofSeconds(15)).until(() -> leaders(agents).size() == 1);
                AgentProcess leader = leaders(agents).get(0);
                leader.kill();
                List<AgentProcess> rest = new ArrayList<>(agents);
                rest.remove(leader);
                await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                        .until(() -> leaders(rest).size() == 1);
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200))
                        .until(() -> firingDeliveries(hook, "dup-app") == 1);
                assertThat(rest.get(0).get("/api/v1/admin/database/alerts?state=firing", true).body()).contains("dup-app");
            }
            // the session ends: the new leader resolves the alert it inherited
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> hook.deliveries()
                    .stream().anyMatch(d -> d.body().contains("dup-app") && d.body().contains("\"status\":\"resolved\"")));
        } finally {
            agents.forEach(AgentProcess::close);
        }
    }

    @Test
    void badConfigurationStopsStartUpWithOneMessageNamingEachKey() {
        try (AgentProcess a = AgentProcess.start("bad-config", Map.of(
                "DB_POOL_SIZE", "abc",
                "DB_POOL_TIMEOUT", "-3",
                "SLOW_QUERY_THRESHOLD", "soon",
                "READ_REPLICAS", "[{\"name\":\"a\",\"url\":\"postgresql://u:pw1@h/db\",\"weight\":0},"
                        + "{\"name\":\"a\",\"url\":\"mysql://u:pw2@h/db\"}]",
                "REPLICA_LOAD_BALANCING", "fastest",
                "PGSIDECAR_ALERTS_RULES_NOSUCHRULE_ENABLED", "false",
                "PGSIDECAR_ALERTS_NOTIFICATIONS_ALERTMANAGER_URLS", "alertmanager:9093",
                "DATABASE_URL", "postgresql://app:s3cr3t@127.0.0.1:notaport/app"))) {
            int exit = a.awaitExit(Duration.ofSeconds(60));
            String out = a.output();
            assertThat(exit).isNotZero();
            assertThat(out).contains("DB_POOL_SIZE='abc'")
                    .contains("DB_POOL_TIMEOUT='-3'")
                    .contains("SLOW_QUERY_THRESHOLD='soon'")
                    .contains("weight='0'")
                    .contains("duplicate replica name")
                    .contains("scheme must be postgresql")
                    .contains("REPLICA_LOAD_BALANCING)='fastest'")
                    .contains("pgsidecar.alerts.rules.nosuchrule: no such rule")
                    .contains("alertmanager-urls='alertmanager:9093': expected an http:// or https:// URL")
                    .doesNotContain("pw1").doesNotContain("pw2")
                    .contains("DATABASE_URL='postgresql://app:***@127.0.0.1:notaport/app'")
                    .doesNotContain("s3cr3t")
                    .doesNotContain("\tat ")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void adminApiWithoutATokenAnswers503() {
        try (AgentProcess a = AgentProcess.start("no-token", Map.of(
                "DATABASE_URL", "postgresql://app:pw@127.0.0.1:1/app", "PGSIDECAR_ADMIN_TOKEN", ""))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> a.status("/q/health/live") == 200 || !a.process().isAlive());
            HttpResponse<String> r = a.get("/api/v1/admin/database/pool", true);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("admin_token_not_configured").contains("admin token not configured");
        }
    }

    private static long firingDeliveries(io.pgsidecar.testing.WebhookSink hook, String app) {
        return hook.deliveries().stream()
                .filter(d -> d.body().contains(app) && d.body().contains("\"status\":\"firing\"")).count();
    }

    private static List<AgentProcess> leaders(List<AgentProcess> agents) {
        List<AgentProcess> out = new ArrayList<>();
        for (AgentProcess a : agents) {
            if (a.leads()) {
                out.add(a);
            }
        }
        return out;
    }
}
