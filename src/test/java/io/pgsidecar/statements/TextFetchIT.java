package io.pgsidecar.statements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.AlertsOffSuiteIT;
import io.pgsidecar.testing.PgFixture;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The poll reads query texts only for what is shown, and not more often than the text-fetch
 * interval: a statement that appears after the poll's last read is in the poll's snapshot without
 * its text, counted as pending and unclassified. An answer never lists it so: it reads the
 * missing texts of the rows it shows itself (one batched read), and keeps them for the poll.
 * The poller's own counter ({@code pgsidecar_statements_text_reads_total}) counts its reads; the
 * server's pg_stat_statements sees the answer's read.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(AlertsOffSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class,
        initArgs = @ResourceArg(name = "sqlResource", value = AlertsOffSuiteIT.SCHEMA))
class TextFetchIT {

    @Inject
    StatementsPoller poller;

    @Inject
    StatementMetrics metrics;

    @Inject
    io.pgsidecar.db.SchemaMigrator migrator;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void aNewStatementWaitsForTheNextReadUnlessSomeoneAsksForIt() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> migrator.status().done());
        try (Connection c = PgFixture.shared().connect(database); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS fetch_b (id int PRIMARY KEY, v text)");
            poller.pollOnce();
            StatementsSnapshot read = poller.pollOnce();
            assertThat(read.textsFetchedAt()).as("the agent's own statements were shown, so texts were read")
                    .isNotNull();
            long readsBefore = textReads(s);
            double pollerReadsBefore = metrics.textReads();

            Workload.repeat(c, "SELECT v FROM fetch_b WHERE id = ?", 400, 1);
            StatementsSnapshot second = poller.pollOnce();
            assertThat(Duration.between(read.textsFetchedAt(), second.capturedAt()))
                    .as("this test needs the poll within the 10 s interval").isLessThan(Duration.ofSeconds(10));
            // found by its query id, as the server knows it: its text is what the agent must not have yet
            String fetchB;
            try (ResultSet rs = s.executeQuery("SELECT queryid::text FROM pg_stat_statements "
                    + "WHERE query LIKE 'SELECT v FROM fetch_b WHERE id = %' ORDER BY calls DESC LIMIT 1")) {
                assertThat(rs.next()).isTrue();
                fetchB = rs.getString(1);
            }
            StatementsSnapshot.StatementStat b = second.statements().stream().filter(st -> st.queryid().equals(fetchB))
                    .findFirst().orElseThrow(() -> new AssertionError("fetch_b not in the interval: "
                            + second.statements().stream().limit(5).map(st -> st.queryid() + " x" + st.calls() + " "
                                    + st.totalMs() + " ms").toList()));
            assertThat(b.calls()).as("fetch_b's calls in the interval").isEqualTo(400);
            assertThat(b.query()).as("not read again within the interval").isNull();
            assertThat(b.type()).isEqualTo("unclassified");
            assertThat(second.textsPending()).isPositive();
            assertThat(second.byType().get("unclassified").calls()).isGreaterThanOrEqualTo(400);
            assertThat(metrics.textReads() - pollerReadsBefore).as("no read of the texts within the interval").isZero();

            // the answer lists it with its text all the same: read for the answer, not by the poll
            given().auth().oauth2("test-token").queryParam("limit", "1000")
                    .get("/api/v1/admin/database/performance/stats").then().statusCode(200)
                    .body("data.query_statistics.find { it.queryid == '" + b.queryid() + "' }.query",
                            org.hamcrest.Matchers.containsString("fetch_b"))
                    .body("data.query_statistics.find { it.queryid == '" + b.queryid() + "' }.type",
                            org.hamcrest.Matchers.equalTo("select"))
                    .body("data.query_statistics.findAll { it.query == null }", org.hamcrest.Matchers.empty())
                    .body("data.interval.texts_pending_ids", org.hamcrest.Matchers.empty())
                    .body("data.interval.texts_fetched_at", org.hamcrest.Matchers.notNullValue());
            given().auth().oauth2("test-token").get("/api/v1/admin/database/performance/queries/" + b.queryid())
                    .then().statusCode(200).body("data.query", org.hamcrest.Matchers.containsString("fetch_b"));
            assertThat(textReads(s) - readsBefore).as("the answer read it").isPositive();
            assertThat(metrics.textReads() - pollerReadsBefore).as("... not the poller").isZero();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                Workload.repeat(c, "SELECT v FROM fetch_b WHERE id = ?", 400, 1);
                StatementsSnapshot later = poller.pollOnce();
                return later.statements().stream().anyMatch(st -> st.queryid().equals(b.queryid())
                        && st.query() != null && st.type().equals("select"));
            });
            // the answer's read was kept: the poll needs at most its own next due read, never one per answer
            assertThat(metrics.textReads() - pollerReadsBefore).as("at most one read when the interval had passed")
                    .isLessThanOrEqualTo(1);
        }
    }

    /**
     * A statement run once is in the top list with its text at the first poll that sees it, while
     * the poll's own text read is not due; the agent's own statements are left out and counted
     * unless asked for.
     */
    @Test
    void aStatementRunOnceIsListedWithItsTextAtTheNextPoll() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> migrator.status().done());
        try (Connection c = PgFixture.shared().connect(database); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS once_c (id int PRIMARY KEY, v text)");
            poller.pollOnce();
            poller.pollOnce();
            double pollerReadsBefore = metrics.textReads();
            s.execute("SELECT v FROM once_c WHERE id = 42 AND v <> 'run once'");
            poller.pollOnce();
            assertThat(metrics.textReads() - pollerReadsBefore).as("the poll's own read was not due").isZero();
            var stats = given().auth().oauth2("test-token").queryParam("limit", "1000")
                    .get("/api/v1/admin/database/performance/stats").then().statusCode(200).extract().jsonPath();
            assertThat(stats.getList("data.query_statistics.query", String.class))
                    .anyMatch(q -> q != null && q.contains("once_c"))
                    .noneMatch(q -> q == null)
                    .noneMatch(q -> q.startsWith("/* pgsidecar */"));
            assertThat(stats.getInt("data.analysis.agent_own.statements")).isPositive();
            assertThat(stats.getDouble("data.analysis.agent_own.total_ms")).isPositive();
            var all = given().auth().oauth2("test-token").queryParam("limit", "1000").queryParam("include_agent", "true")
                    .get("/api/v1/admin/database/performance/stats").then().statusCode(200).extract().jsonPath();
            assertThat(all.getList("data.query_statistics.query", String.class))
                    .anyMatch(q -> q != null && q.startsWith("/* pgsidecar */"));
        }
    }

    /**
     * Calls of the agent's text read, as the server counts them (the normalized text has {@code $n}
     * for the {@code true} argument, so it is found by the column it cuts).
     */
    static long textReads(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                + "WHERE query LIKE '%pgsidecar%' AND query LIKE '%left(s.query,%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
