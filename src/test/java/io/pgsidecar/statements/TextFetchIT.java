package io.pgsidecar.statements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.PgFixture;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Query texts are read only for what is shown, and not more often than the text-fetch interval: a
 * statement that appears after the last read is listed without its text, counted as pending and
 * unclassified, until the next read; asking the API for that statement reads its text at once
 * (without filling the poller's cache, so the next due read still takes it).
 * The poller's own counter ({@code pgsidecar_statements_text_reads_total}) counts its reads; the
 * server's pg_stat_statements sees the API's read.
 */
@QuarkusTest
@TestProfile(TextFetchIT.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true)
class TextFetchIT {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h",
                    "pgsidecar.statements.text-fetch-interval", "10s");
        }
    }

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

            given().auth().oauth2("test-token").get("/api/v1/admin/database/performance/stats").then()
                    .statusCode(200).body("data.interval.texts_pending", org.hamcrest.Matchers.greaterThan(0))
                    .body("data.interval.texts_fetched_at", org.hamcrest.Matchers.notNullValue());
            given().auth().oauth2("test-token").get("/api/v1/admin/database/performance/queries/" + b.queryid())
                    .then().statusCode(200).body("data.query", org.hamcrest.Matchers.containsString("fetch_b"));
            assertThat(textReads(s) - readsBefore).as("the API request read it").isPositive();
            assertThat(metrics.textReads() - pollerReadsBefore).as("... not the poller").isZero();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                Workload.repeat(c, "SELECT v FROM fetch_b WHERE id = ?", 400, 1);
                StatementsSnapshot later = poller.pollOnce();
                return later.statements().stream().anyMatch(st -> st.queryid().equals(b.queryid())
                        && st.query() != null && st.type().equals("select"));
            });
            assertThat(metrics.textReads() - pollerReadsBefore).as("then one read when the interval had passed")
                    .isEqualTo(1);
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
