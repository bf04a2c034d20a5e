package io.pgsidecar.alerts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.replicas.ReplicaMonitor;
import io.pgsidecar.connections.ConnectionsPoller;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.testing.Alertmanager;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.WebhookSink;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The alert engine against a real primary (max_connections 20) with one streaming replica, a real
 * Alertmanager and a local webhook. Collectors run on an hourly schedule here: each test polls and
 * evaluates explicitly, so every step is one collection and one evaluation.
 */
@QuarkusTest
@TestProfile(AlertsIT.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"),
        @ResourceArg(name = "settings", value = "max_connections=20"),
        @ResourceArg(name = "replicas", value = "1"),
        @ResourceArg(name = "replicaJson", value = "[{\"name\":\"r1\",\"url\":\"postgresql://postgres:postgres@"
                + "127.0.0.1:{p1}/app\",\"weight\":1,\"max_lag_seconds\":1}]")})
class AlertsIT {

    static final String BASE = "/api/v1/admin/database/alerts";
    static final String SECRET = "webhook-test-secret";

    /** Ports chosen once per JVM: the profile and the test may be loaded by different class loaders. */
    static int port(String name) {
        String key = "pgsidecar.alerts-it." + name;
        synchronized (System.class) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, Integer.toString(io.pgsidecar.testing.Ports.free()));
            }
        }
        return Integer.parseInt(System.getProperty(key));
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>();
            m.put("pgsidecar.statements.interval", "1h");
            m.put("pgsidecar.replicas.interval", "1h");
            m.put("pgsidecar.alerts.evaluation-interval", "1h");
            m.put("SLOW_QUERY_THRESHOLD", "0.2");
            m.put("pgsidecar.connections.idle-in-transaction-threshold", "1s");
            m.put("pgsidecar.connections.long-transaction-threshold", "1s");
            m.put("pgsidecar.alerts.rules.IdleInTransaction.warning", "1");
            m.put("pgsidecar.alerts.rules.LongRunningTransaction.enabled", "false");
            m.put("pgsidecar.alerts.rules.ConnectionUsageHigh.for", "0s");
            m.put("pgsidecar.alerts.rules.ReplicaLagHigh.for", "0s");
            m.put("pgsidecar.alerts.notifications.alertmanager-urls", "http://127.0.0.1:" + port("am"));
            // a receiver that accepts and never answers comes first: it must not hold up the others
            m.put("pgsidecar.alerts.notifications.webhook-urls", "hang=http://127.0.0.1:" + port("hang") + "/hang,"
                    + "hook=http://127.0.0.1:" + port("hook") + "/hook");
            m.put("pgsidecar.alerts.notifications.webhook-secret", SECRET);
            m.put("pgsidecar.alerts.notifications.resend-interval", "1h");
            m.put("pgsidecar.alerts.notifications.retry-backoff", "100ms");
            return m;
        }
    }

    static Alertmanager alertmanager;
    static WebhookSink webhook;
    static io.pgsidecar.testing.HangingReceiver hanging;

    @Inject
    AlertEngine engine;
    @Inject
    StatementsPoller statements;
    @Inject
    ConnectionsPoller connections;
    @Inject
    ReplicaMonitor replicas;
    @Inject
    LeaderService leader;

    @BeforeAll
    static void receivers() throws Exception {
        alertmanager = Alertmanager.start(port("am"));
        webhook = new WebhookSink(port("hook"));
        hanging = new io.pgsidecar.testing.HangingReceiver(port("hang"));
    }

    @AfterAll
    static void stopReceivers() {
        if (alertmanager != null) {
            alertmanager.close();
        }
        if (webhook != null) {
            webhook.close();
        }
        if (hanging != null) {
            try {
                hanging.close();
            } catch (java.io.IOException e) {
                // test teardown
            }
        }
    }

    @BeforeEach
    void leaderFirst() {
        await().atMost(Duration.ofSeconds(30)).until(leader::isLeader);
    }

    Connection as(String app) throws Exception {
        return PgTestResource.ownCluster().connect("app", app);
    }

    /** A session of {@code app} that opened a transaction and then does nothing. */
    Connection idleInTransaction(String app) throws Exception {
        Connection c = as(app);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1").close();
        }
        return c;
    }

    List<Alert> open(String alertname) {
        return engine.evaluate().stream().filter(a -> a.alertname().equals(alertname)).toList();
    }

    List<String> webhookBodies(String needle) {
        return webhook.deliveries().stream().map(WebhookSink.Delivery::body).filter(b -> b.contains(needle)).toList();
    }

    @Test
    void aSlowStatementFiresSlowQueryAndResolvesWhenTheLoadStops() throws Exception {
        statements.pollOnce();
        try (Connection c = as("slow-app"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_sleep(0.3) /* alerts-it slow */");
            s.execute("SELECT pg_sleep(0.3) /* alerts-it slow */");
        }
        statements.pollOnce();
        List<Alert> slow = open("SlowQuery").stream().filter(a -> a.description().contains("alerts-it slow")).toList();
        assertThat(slow).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(AlertState.FIRING);
            assertThat(a.severity()).isEqualTo("warning");
            assertThat(a.labels()).containsKey("queryid");
            assertThat(a.value()).isGreaterThanOrEqualTo(0.3);
            assertThat(a.threshold()).isEqualTo(0.2);
        });
        String queryid = slow.get(0).labels().get("queryid");
        // the webhook gets the change while the hanging receiver, listed before it, still holds its
        // request (its timeout is 5 s: a sender that waited for it would deliver later than this)
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> !webhookBodies(queryid).isEmpty());
        assertThat(hanging.accepted()).isPositive();
        given().auth().oauth2("test-token").when().get(BASE + "?state=firing").then().statusCode(200)
                .body("data.labels.queryid", hasItem(queryid));

        // Alertmanager holds it, with the labels and annotations a receiver routes on
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> alertmanager.activeAlerts().contains(queryid));
        String am = alertmanager.activeAlerts();
        assertThat(am).contains("\"alertname\":\"SlowQuery\"").contains("\"severity\":\"warning\"")
                .contains("runbook_url").contains("SlowQuery.md");
        WebhookSink.Delivery d = webhook.deliveries().stream().filter(x -> x.body().contains(queryid)).findFirst()
                .orElseThrow();
        assertThat(d.body()).contains("\"status\":\"firing\"");
        assertThat(d.header("X-Pgsidecar-Signature"))
                .isEqualTo("sha256=" + io.pgsidecar.alerts.WebhookReceiver.sign(SECRET.getBytes(StandardCharsets.UTF_8),
                        d.body().getBytes(StandardCharsets.UTF_8)));

        // no more load: the next interval has no such calls and the alert resolves everywhere
        statements.pollOnce();
        assertThat(open("SlowQuery")).noneMatch(a -> queryid.equals(a.labels().get("queryid")));
        given().auth().oauth2("test-token").when().get(BASE + "?state=resolved").then().statusCode(200)
                .body("data.labels.queryid", hasItem(queryid))
                .body("data.find { it.labels.queryid == '" + queryid + "' }.resolved_at", not(equalTo(null)));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> !alertmanager.activeAlerts().contains(queryid));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> webhookBodies(queryid).stream().anyMatch(b -> b.contains("\"status\":\"resolved\"")));
    }

    @Test
    void aSessionLeftIdleInTransactionFiresIdleInTransaction() throws Exception {
        try (Connection leaky = idleInTransaction("leaky-app")) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                connections.pollOnce();
                assertThat(open("IdleInTransaction")).anySatisfy(a -> {
                    assertThat(a.labels()).containsEntry("application_name", "leaky-app");
                    assertThat(a.state()).isEqualTo(AlertState.FIRING);
                    assertThat(a.description()).contains("pid");
                });
            });
        }
        // a closed session leaves pg_stat_activity shortly after, not at once
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            connections.pollOnce();
            assertThat(open("IdleInTransaction")).noneMatch(a -> "leaky-app".equals(a.labels().get("application_name")));
        });
    }

    @Test
    void connectionsUpToEightyPercentOfMaxConnectionsFireConnectionUsageHigh() throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 20 && connections.pollOnce().usageRatio() < 0.8; i++) {
                held.add(as("crowd-" + i));
            }
            assertThat(connections.latest().usageRatio()).isGreaterThanOrEqualTo(0.8);
            List<Alert> usage = open("ConnectionUsageHigh");
            assertThat(usage).anySatisfy(a -> {
                assertThat(a.severity()).isEqualTo("warning");
                assertThat(a.state()).isEqualTo(AlertState.FIRING);
                assertThat(a.threshold()).isEqualTo(0.8);
            });
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            connections.pollOnce();
            assertThat(open("ConnectionUsageHigh")).isEmpty();
        });
    }

    @Test
    void pausingReplayOnTheReplicaFiresReplicaLagHigh() throws Exception {
        PgCluster r1 = PgTestResource.replicas().get(0);
        try (Connection rc = r1.connect("app"); Statement rs = rc.createStatement()) {
            rs.execute("SELECT pg_wal_replay_pause()");
            try {
                try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS lag_probe (at timestamptz DEFAULT now())");
                    s.execute("INSERT INTO lag_probe DEFAULT VALUES");
                    // the last transaction r1 replayed must be older than its max_lag_seconds (1)
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                        try (ResultSet age = rs.executeQuery("SELECT extract(epoch FROM now() - "
                                + "pg_last_xact_replay_timestamp()) > 1.2")) {
                            return age.next() && age.getBoolean(1);
                        }
                    });
                    s.execute("INSERT INTO lag_probe DEFAULT VALUES");
                }
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                    replicas.pollOnce();
                    assertThat(open("ReplicaLagHigh")).anySatisfy(a -> {
                        assertThat(a.labels()).containsEntry("replica", "r1");
                        assertThat(a.state()).isEqualTo(AlertState.FIRING);
                        assertThat(a.value()).isGreaterThan(1.0);
                        assertThat(a.threshold()).isEqualTo(1.0);
                    });
                });
            } finally {
                rs.execute("SELECT pg_wal_replay_resume()");
            }
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            replicas.pollOnce();
            assertThat(open("ReplicaLagHigh")).isEmpty();
        });
    }

    @Test
    void aSilenceSuppressesNotificationsButNotTheApiView() throws Exception {
        long id = given().auth().oauth2("test-token").contentType(ContentType.JSON)
                .body("{\"matchers\":[{\"name\":\"application_name\",\"value\":\"quiet-.*\",\"is_regex\":true}],"
                        + "\"duration\":\"10m\",\"comment\":\"maintenance window\"}")
                .when().post(BASE + "/silences").then().statusCode(200)
                .body("data.silence.comment", equalTo("maintenance window"))
                .extract().jsonPath().getLong("data.silence.id");
        try (Connection leaky = idleInTransaction("quiet-app")) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                connections.pollOnce();
                assertThat(open("IdleInTransaction")).anySatisfy(a -> {
                    assertThat(a.labels()).containsEntry("application_name", "quiet-app");
                    assertThat(a.state()).isEqualTo(AlertState.FIRING);
                    assertThat(a.silencedBy()).containsExactly(id);
                });
            });
            given().auth().oauth2("test-token").when().get(BASE + "?state=firing").then().statusCode(200)
                    .body("data.find { it.labels.application_name == 'quiet-app' }.silenced_by", hasItem((int) id));
            // for longer than a delivery takes (retries back off from 100 ms here), nothing goes out
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> webhookBodies("quiet-app").isEmpty()
                            && !alertmanager.activeAlerts().contains("quiet-app"));
        }
        given().auth().oauth2("test-token").when().delete(BASE + "/silences/" + id).then().statusCode(200)
                .body("data.expired", equalTo(true));
        given().auth().oauth2("test-token").when().get("/api/v1/admin/database/audit?action=alerts.silence")
                .then().statusCode(200).body("data.action", hasItem("alerts.silence"));
    }

    @Test
    void badSilencesAreRejectedWith400AndCreateNothing() {
        int before = given().auth().oauth2("test-token").when().get(BASE + "/silences").then().statusCode(200)
                .extract().jsonPath().getList("data").size();
        String[] bad = {
            "{\"matchers\":[],\"duration\":\"1h\",\"comment\":\"x\"}",
            "{\"matchers\":[{\"name\":\"1bad\",\"value\":\"x\"}],\"duration\":\"1h\",\"comment\":\"x\"}",
            "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"(\",\"is_regex\":true}],\"duration\":\"1h\",\"comment\":\"x\"}",
            "{\"matchers\":[{\"name\":\"alertname\",\"value\":\".*\",\"is_regex\":true}],\"duration\":\"1h\",\"comment\":\"x\"}",
            "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"SlowQuery\"}],\"duration\":\"forever\",\"comment\":\"x\"}",
            "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"SlowQuery\"}],\"duration\":\"0s\",\"comment\":\"x\"}",
            "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"SlowQuery\"}],\"duration\":\"100d\",\"comment\":\"x\"}",
            "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"SlowQuery\"}],\"duration\":\"1h\"}",
            "{\"matchers\":\"alertname=SlowQuery\",\"duration\":\"1h\",\"comment\":\"x\"}",
            "{\"matchers\": [{\"name\": \"alertname\"",
            "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"x'; DROP TABLE pgsidecar.alerts; --\"}],"
                    + "\"duration\":\"1h\",\"comment\":\"\"}",
        };
        for (String body : bad) {
            given().auth().oauth2("test-token").contentType(ContentType.JSON).body(body)
                    .when().post(BASE + "/silences").then().statusCode(400).body("status", equalTo("error"));
        }
        given().auth().oauth2("test-token").when().get(BASE + "/silences").then().statusCode(200)
                .body("data.size()", equalTo(before));
        given().auth().oauth2("test-token").when().delete(BASE + "/silences/999999").then().statusCode(404);
        given().auth().oauth2("test-token").when().delete(BASE + "/silences/abc").then().statusCode(400);
        given().auth().oauth2("test-token").when().get(BASE + "?state=burning").then().statusCode(400);
        given().auth().oauth2("test-token").when().get(BASE + "?limit=0").then().statusCode(400);
    }

    @Test
    void aDryRunSilenceShowsWhatItWouldMatchAndStoresNothing() {
        given().auth().oauth2("test-token").contentType(ContentType.JSON)
                .body("{\"matchers\":[{\"name\":\"alertname\",\"value\":\"SlowQuery\"}],\"duration\":\"1h\","
                        + "\"comment\":\"try\",\"dry_run\":true}")
                .when().post(BASE + "/silences").then().statusCode(200)
                .body("data.dry_run", equalTo(true)).body("data.silence.id", equalTo(0));
        given().auth().oauth2("test-token").when().get(BASE + "/silences").then().statusCode(200)
                .body("data.comment", not(hasItem("try")));
    }

    @Test
    void everyRuleIsListedWithItsSettingsAndLastEvaluation() {
        engine.evaluate();
        given().auth().oauth2("test-token").when().get(BASE + "/rules").then().statusCode(200)
                .body("data.rules.name", org.hamcrest.Matchers.hasItems("SlowQuery", "QueryRegression",
                        "ConnectionUsageHigh", "AgentPoolSaturated", "AuditLogBehind", "IdleInTransaction", "LongRunningTransaction",
                        "TransactionIdWraparound", "ReplicaDown", "ReplicaLagHigh", "ReplicaReplayStalled",
                        "ReplicationSlotInactive", "ReplicationSlotRetainingWal", "DeadlocksDetected",
                        "CacheHitRatioLow", "CollectorFailing"))
                .body("data.rules.find { it.name == 'LongRunningTransaction' }.enabled", equalTo(false))
                .body("data.rules.find { it.name == 'ConnectionUsageHigh' }.critical", equalTo(0.95f))
                .body("data.rules.find { it.name == 'ConnectionUsageHigh' }.for_duration", equalTo("PT0S"))
                .body("data.rules.find { it.name == 'SlowQuery' }.last_evaluation", not(equalTo(null)));
    }

    static double notifications(String outcome) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("pgsidecar_alerts_notifications_total\\{[^}]*outcome=\""
                + outcome + "\"[^}]*receiver=\"webhook:hook\"[^}]*} ([0-9.]+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aFailingReceiverIsRetriedWithBackoffAndCountedNotThrown() throws Exception {
        double retriedBefore = notifications("retried");
        webhook.respondWith(503);
        try (Connection leaky = idleInTransaction("retry-app")) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                connections.pollOnce();
                assertThat(open("IdleInTransaction")).anySatisfy(a ->
                        assertThat(a.labels()).containsEntry("application_name", "retry-app"));
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> notifications("retried") > retriedBefore);
            webhook.respondWith(200);
            // a later attempt of the same delivery gets through
            await().atMost(Duration.ofSeconds(10)).until(() -> webhook.deliveries().stream()
                    .anyMatch(d -> d.body().contains("retry-app")) && notifications("sent") > 0);
        } finally {
            webhook.respondWith(200);
        }
        connections.pollOnce();
        engine.evaluate();
    }

    @Test
    void aResolveThatCannotBeStoredIsStoredByTheNextEvaluation() throws Exception {
        try (Connection leaky = idleInTransaction("lock-app")) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                connections.pollOnce();
                assertThat(open("IdleInTransaction")).anySatisfy(a ->
                        assertThat(a.labels()).containsEntry("application_name", "lock-app"));
            });
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> connections.pollOnce()
                .idleInTransaction().stream().noneMatch(x -> "lock-app".equals(x.applicationName())));
        try (Connection locker = PgTestResource.ownCluster().connect("app"); Statement s = locker.createStatement()) {
            locker.setAutoCommit(false);
            s.execute("LOCK TABLE pgsidecar.alerts IN ACCESS EXCLUSIVE MODE");
            long t0 = System.nanoTime();
            // the write waits at most lock_timeout (2 s), then gives up without throwing
            assertThat(open("IdleInTransaction")).noneMatch(a -> "lock-app".equals(a.labels().get("application_name")));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
            locker.rollback();
        }
        engine.evaluate();
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT state, resolved_at IS NOT NULL FROM pgsidecar.alerts "
                     + "WHERE labels->>'application_name' = 'lock-app'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("resolved");
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void theChartsPrometheusRulesHaveTheSameAlertsAndSeverities() throws Exception {
        Map<String, java.util.TreeSet<String>> inAgent = new java.util.TreeMap<>();
        for (AlertRule r : engine.rules()) {
            java.util.TreeSet<String> levels = new java.util.TreeSet<>();
            if (r.defaultWarning() != null) {
                levels.add("warning");
            }
            if (r.defaultCritical() != null) {
                levels.add("critical");
            }
            if (levels.isEmpty()) {
                levels.add("warning"); // per-subject limits (ReplicaLagHigh) raise warnings
            }
            inAgent.put(r.name(), levels);
        }
        assertThat(PromtoolRulesTest.alertsInRuleFiles()).isEqualTo(inAgent);
    }

    @Test
    void firingAlertsAreAMetricWithAFixedLabelSet() throws Exception {
        try (Connection leaky = idleInTransaction("metric-app")) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                connections.pollOnce();
                assertThat(open("IdleInTransaction")).anySatisfy(a ->
                        assertThat(a.labels()).containsEntry("application_name", "metric-app"));
            });
            String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).containsPattern("pgsidecar_alert_firing\\{[^}]*alertname=\"IdleInTransaction\"[^}]*"
                    + "application_name=\"metric-app\"[^}]*} 1\\.0");
            assertThat(metrics).contains("pgsidecar_alerts_notifications_total{");
        }
        connections.pollOnce();
        engine.evaluate();
    }
}
