package io.pgsidecar.faults;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.audit.AuditEntry;
import io.pgsidecar.audit.AuditLog;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.testing.AdminRoutes;
import io.pgsidecar.testing.AdminRoutes.Call;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent on a bad day, against a real server: refused connections, a wrong password, no free
 * connection slots, a server that accepts and never answers, and a locked audit table. Every
 * endpoint answers within the acquisition timeout, never 500, and a 503 names the cause; no changing
 * call runs without its audit row.
 */
@QuarkusTest
@TestProfile(FaultsIT.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"), @ResourceArg(name = "agentRole", value = "true"),
        @ResourceArg(name = "settings", value = "max_connections = 20")})
class FaultsIT {

    static final String BASE = AdminRoutes.BASE;
    static final Duration ACQUISITION = Duration.ofSeconds(3);
    /** What a request may take beyond the acquisition timeout: scheduling, JSON, the loopback. */
    static final Duration MARGIN = Duration.ofMillis(1500);
    /**
     * Requests in flight at once: a dashboard refreshing its panels while an operator or two call in,
     * four times the agent's three pool connections, so most calls queue behind busy ones.
     */
    static final int AT_ONCE = 12;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("DB_POOL_TIMEOUT", "3", "pgsidecar.db.statement-timeout", "3s",
                    "pgsidecar.audit.intent-timeout", "2s", "pgsidecar.statements.interval", "1h",
                    "pgsidecar.connections.interval", "1h", "pgsidecar.alerts.evaluation-interval", "1h");
        }
    }

    @Inject
    LeaderService leader;

    @Inject
    AuditLog audit;

    @Inject
    io.pgsidecar.db.Database db;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    PgCluster cluster() {
        return PgTestResource.ownCluster();
    }

    @BeforeEach
    void healthy() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            var r = given().auth().oauth2("test-token").get(BASE + "/health");
            return r.statusCode() == 200 && r.jsonPath().getBoolean("data.migrations.done") && leader.isLeader();
        });
    }

    static List<Call> calls() {
        return AdminRoutes.everyCall("123", "none", 999, 999, "public.events", 999, 999_999);
    }

    /**
     * Calls every endpoint, {@link #AT_ONCE} at a time (as a dashboard and operators would), and returns what
     * broke the rules: a 500, no envelope, slower than the acquisition timeout, a 503 without the cause.
     */
    List<String> violations(String cause) throws Exception {
        assertThat(AdminRoutes.called(calls())).isEqualTo(AdminRoutes.declared());
        List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger unavailable = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(AT_ONCE);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (Call c : calls()) {
                done.add(pool.submit(() -> {
                    check(c, cause, bad, unavailable);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(unavailable.get()).as("endpoints that need the database answered 503").isGreaterThanOrEqualTo(8);
        return bad;
    }

    private void check(Call c, String cause, List<String> bad, java.util.concurrent.atomic.AtomicInteger unavailable)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + BASE + c.path()))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer test-token")
                .header("Content-Type", "application/json");
        b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(c.body()));
        Instant start = Instant.now();
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.between(start, Instant.now());
        String where = c.name() + " -> " + r.statusCode() + " in " + took.toMillis() + " ms: " + r.body();
        if (took.compareTo(ACQUISITION.plus(MARGIN)) > 0) {
            bad.add("too slow: " + where);
        }
        if (!List.of(200, 404, 503).contains(r.statusCode()) || !r.body().contains("\"status\"")) {
            bad.add("not a 200, 404 or 503 in the envelope: " + where);
        }
        if (r.statusCode() == 503) {
            unavailable.incrementAndGet();
            if (!(r.body().contains("database_unavailable") || r.body().contains("audit_unavailable"))
                    || !r.body().contains(cause)) {
                bad.add("a 503 that does not name the cause '" + cause + "': " + where);
            }
        }
    }

    void terminateAgentSessions(Statement s) throws SQLException {
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
                + PgTestResource.AGENT_ROLE + "'");
    }

    @Test
    void refusedConnections() throws Exception {
        cluster().stop();
        try {
            assertThat(violations("connection refused at")).isEmpty();
        } finally {
            cluster().start();
        }
    }

    @Test
    void authenticationFailure() throws Exception {
        try (Connection c = cluster().connect(database); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + PgTestResource.AGENT_ROLE + " PASSWORD 'not-the-configured-one'");
            terminateAgentSessions(s);
            try {
                assertThat(violations("authentication failed for user agent")).isEmpty();
                for (int i = 0; i < 7; i++) {
                    given().get("/q/health/ready").then().statusCode(503)
                            .body("checks[0].data.reason", org.hamcrest.Matchers.containsString(
                                    "authentication failed for user agent"));
                }
            } finally {
                s.execute("ALTER ROLE " + PgTestResource.AGENT_ROLE + " PASSWORD '" + PgTestResource.AGENT_PASSWORD + "'");
            }
        }
    }

    @Test
    void noFreeConnectionSlots() throws Exception {
        List<Connection> crowd = new ArrayList<>();
        try (Connection admin = cluster().connect(database); Statement s = admin.createStatement()) {
            // an agent login under way when its sessions are terminated finishes afterwards and would
            // keep a working connection: terminate and fill again until no agent session is left
            boolean full = false;
            for (int round = 0; round < 10 && !full; round++) {
                terminateAgentSessions(s);
                for (int i = 0; i < 30; i++) {
                    try {
                        crowd.add(cluster().connect(database));
                    } catch (SQLException e) {
                        assertThat(e.getSQLState()).isEqualTo("53300");
                        break;
                    }
                }
                Thread.sleep(200);
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = '"
                        + PgTestResource.AGENT_ROLE + "' OR (backend_type = 'client backend' AND usename IS NULL)")) {
                    r.next();
                    full = r.getInt(1) == 0;
                }
            }
            assertThat(full).as("every slot taken and no agent session left").isTrue();
            assertThat(violations("no free connection slots")).isEmpty();
        } finally {
            for (Connection c : crowd) {
                c.close();
            }
        }
    }

    @Test
    void aServerThatAcceptsAndNeverAnswers() throws Exception {
        try (Connection admin = cluster().connect(database); Statement s = admin.createStatement()) {
            terminateAgentSessions(s);
        }
        long postmaster = cluster().postmasterPid();
        signal("STOP", postmaster);
        try {
            // three reads take every connection and wait out their 3 s; a changing call behind them
            // gives up after its 2 s intent bound, before any error exists: it must still say why
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> reads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                reads.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port
                        + BASE + "/audit")).timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer test-token")
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            Thread.sleep(300);
            given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{\"reason\": \"behind\"}")
                    .post(BASE + "/leader/step-down").then().statusCode(503)
                    .body("error.code", org.hamcrest.Matchers.equalTo("audit_unavailable"))
                    .body("error.message", org.hamcrest.Matchers.containsString("no answer from"));
            for (var r : reads) {
                assertThat(r.get(20, java.util.concurrent.TimeUnit.SECONDS).body()).contains("no answer from");
            }
            assertThat(violations("no answer from")).isEmpty();
        } finally {
            signal("CONT", postmaster);
        }
    }

    /**
     * With the audit table locked, changing calls are refused (503 audit_unavailable) and do nothing;
     * reads go on.
     */
    @Test
    void noChangeWithoutItsAuditRow() throws Exception {
        try (Connection c = cluster().connect(database); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("LOCK TABLE pgsidecar.audit_log IN ACCESS EXCLUSIVE MODE");
            Instant start = Instant.now();
            given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{\"reason\": \"locked\"}")
                    .post(BASE + "/leader/step-down").then().statusCode(503)
                    .body("error.code", org.hamcrest.Matchers.equalTo("audit_unavailable"))
                    .body("error.message", org.hamcrest.Matchers.containsString("not carried out"));
            given().auth().oauth2("test-token").contentType(ContentType.JSON)
                    .body("{\"matchers\":[{\"name\":\"alertname\",\"value\":\"Y\"}],\"duration\":\"1h\","
                            + "\"comment\":\"while locked\"}")
                    .post(BASE + "/alerts/silences").then().statusCode(503);
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(2).plus(MARGIN).multipliedBy(2));
            assertThat(leader.isLeader()).as("the refused step-down did nothing").isTrue();
            given().auth().oauth2("test-token").get(BASE + "/pool").then().statusCode(200);
            c.rollback();
        }
        given().auth().oauth2("test-token").get(BASE + "/alerts/silences").then().statusCode(200)
                .body("data.comment", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("while locked")));
    }

    /**
     * A lock another session holds, or a statement past its timeout, is the database being busy:
     * its own code, never 503 database_unavailable, and neither readiness nor the database's last
     * failure counts it.
     */
    @Test
    void timeoutsAreBusyNotDown() throws Exception {
        try (Connection c = cluster().connect(database); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("LOCK TABLE pgsidecar.audit_log IN ACCESS EXCLUSIVE MODE");
            given().auth().oauth2("test-token").get(BASE + "/audit").then().statusCode(409)
                    .body("error.code", org.hamcrest.Matchers.equalTo("lock_timeout"))
                    .body("error.message", org.hamcrest.Matchers.containsString("lock_timeout"));
            given().get("/q/health/ready").then().statusCode(200);
            assertThat(db.lastFailure()).isEmpty();
            c.rollback();
        }
        // a bound past the profile's 3 s statement_timeout, so the server's cancel comes first
        assertThatThrownBy(() -> db.withConnection(Duration.ofSeconds(10), c -> {
            try (Statement s = c.createStatement()) {
                return s.execute("SELECT pg_sleep(5)");
            }
        })).isInstanceOf(io.pgsidecar.db.DatabaseBusyException.StatementTimeout.class)
                .hasMessageContaining("statement_timeout");
        assertThat(db.lastFailure()).isEmpty();
        given().get("/q/health/ready").then().statusCode(200);
    }

    /** An outcome that cannot be written is kept and retried, in order, until it is stored. */
    @Test
    void anOutcomeThatCannotBeWrittenIsRetriedUntilStored() throws Exception {
        AuditEntry intent = new AuditEntry(null, Instant.now(), "test", "127.0.0.1", "faults-it", "test.retry",
                Map.of(), "pending", null, null, 0);
        long id = audit.intent(intent);
        try (Connection c = cluster().connect(database); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("LOCK TABLE pgsidecar.audit_log IN ACCESS EXCLUSIVE MODE");
            audit.outcome(id, new AuditEntry(null, Instant.now(), "test", "127.0.0.1", "faults-it", "test.retry",
                    Map.of("k", "v"), "success", 200, "done", 5));
            await().atMost(Duration.ofSeconds(10)).until(() -> failures() >= 2);
            assertThat(audit.pending()).isEqualTo(1);
            assertThat(audit.oldestPending()).isGreaterThan(Duration.ofSeconds(1));
            c.rollback();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> audit.pending() == 0);
        try (Connection c = cluster().connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT outcome, http_status FROM pgsidecar.audit_log WHERE id = " + id)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("success");
            assertThat(rs.getInt(2)).isEqualTo(200);
        }
    }

    static double failures() {
        String metrics = given().get("/q/metrics").asString();
        var m = java.util.regex.Pattern.compile("pgsidecar_audit_write_failures_total\\{[^}]*} ([0-9.E]+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static void signal(String signal, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }
}
