package io.pgsidecar.capacity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.IncidentsSuiteIT;
import io.pgsidecar.alerts.Alert;
import io.pgsidecar.alerts.AlertEngine;
import io.pgsidecar.capacity.CapacitySnapshot.SequenceUse;
import io.pgsidecar.capacity.CapacitySnapshot.TableBloat;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What runs out, on a real PostgreSQL: a bigint sequence at 95 % of the integer column it feeds is
 * listed against the column with a date and alerted; a slowed vacuum of a large table is seen in
 * progress; the bloat estimate agrees with pgstattuple; transaction ids, WAL and checkpoints are
 * read with their rates.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(IncidentsSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class, initArgs = @ResourceArg(name = "sql", value = IncidentsSuiteIT.SQL))
class CapacityIT {

    static final String BASE = "/api/v1/admin/database/activity";

    @Inject
    CapacityPoller poller;

    @Inject
    AlertEngine alerts;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    Connection as(String app) throws SQLException {
        return PgTestResource.cluster().connect(database, app);
    }

    static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void aSequenceAt95PercentOfItsIntegerColumnIsListedWithADateAndAlerted() throws Exception {
        try (Connection c = as("capacity-seq")) {
            run(c, "SELECT setval('wide_seq', 2040109465)");
            run(c, "INSERT INTO narrow_ids (v) SELECT g FROM generate_series(1, 10) g");
            poller.pollSizes();
            Thread.sleep(1100); // a second reading, a second later: the growth between them
            run(c, "INSERT INTO narrow_ids (v) SELECT g FROM generate_series(1, 5000) g");
            CapacitySnapshot snap = poller.pollSizes();
            SequenceUse u = snap.runsOut().sequences().stream().filter(s -> s.sequence().equals("public.wide_seq"))
                    .findFirst().orElseThrow();
            assertThat(u.dataType()).isEqualTo("bigint");
            assertThat(u.limit()).isEqualTo(Integer.MAX_VALUE);
            assertThat(u.limitedBy()).isEqualTo("column");
            assertThat(u.table()).isEqualTo("public.narrow_ids");
            assertThat(u.column()).isEqualTo("id");
            assertThat(u.columnType()).isEqualTo("integer");
            assertThat(u.usedRatio()).isBetween(0.95, 0.96);
            assertThat(u.perSecond()).isPositive();
            assertThat(u.exhaustedAt()).isAfter(Instant.now());
            assertThat(snap.runsOut().sequencesNearLimit()).isGreaterThanOrEqualTo(1);
            List<Alert> open = alerts.evaluate();
            assertThat(open).filteredOn(a -> a.alertname().equals("SequenceNearLimit")
                    && "public.wide_seq".equals(a.labels().get("sequence")))
                    .extracting(Alert::severity).contains("warning", "critical");
            given().auth().oauth2("test-token").get(BASE + "/capacity").then().statusCode(200)
                    .body("data.sequences.find { it.sequence == 'public.wide_seq' }.limited_by",
                            org.hamcrest.Matchers.equalTo("column"))
                    .body("data.sequences.find { it.sequence == 'public.wide_seq' }.exhausted_at",
                            org.hamcrest.Matchers.notNullValue());
            assertThat(given().get("/q/metrics").asString())
                    .containsPattern("pgsidecar_sequence_used_ratio\\{[^}]*sequence=\"public.wide_seq\"[^}]*} 0\\.95");
        }
    }

    @Test
    void aVacuumOfALargeTableIsSeenInProgress() throws Exception {
        try (Connection setup = as("capacity-setup"); Connection vacuum = as("capacity-vacuum")) {
            run(setup, "DELETE FROM vac_t WHERE id % 2 = 0");
            int pid;
            try (Statement s = vacuum.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            // slowed to a crawl, so that it is still running when the poll looks
            run(vacuum, "SET vacuum_cost_delay = '50ms'");
            run(vacuum, "SET vacuum_cost_limit = 1");
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    run(vacuum, "VACUUM vac_t");
                } catch (SQLException e) {
                    // cancelled below
                }
            });
            try {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                    CapacitySnapshot snap = poller.pollOnce();
                    assertThat(snap.vacuum().running()).anySatisfy(v -> {
                        assertThat(v.pid()).isEqualTo(pid);
                        assertThat(v.relation()).isEqualTo("vac_t");
                        assertThat(v.autovacuum()).isFalse();
                        assertThat(v.phase()).isNotBlank();
                        assertThat(v.heapBlocksTotal()).isGreaterThan(1000);
                        assertThat(v.fields()).containsKeys("phase", "heap_blks_scanned");
                    });
                });
                given().auth().oauth2("test-token").get(BASE + "/vacuum").then().statusCode(200)
                        .body("data.vacuum.running.relation", org.hamcrest.Matchers.hasItem("vac_t"));
                assertThat(given().get("/q/metrics").asString()).containsPattern("pgsidecar_vacuum_running\\{[^}]*} [1-9]");
            } finally {
                run(setup, "SELECT pg_cancel_backend(" + pid + ")");
                running.get(20, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theBloatEstimateAgreesWithPgstattuple() throws Exception {
        try (Connection c = as("capacity-bloat")) {
            run(c, "CREATE EXTENSION IF NOT EXISTS pgstattuple");
            run(c, "DELETE FROM bloat_t WHERE id % 10 < 6");
            run(c, "ANALYZE bloat_t");
            TableBloat b = poller.pollSizes().runsOut().bloat().stream().filter(t -> t.table().equals("public.bloat_t"))
                    .findFirst().orElseThrow();
            double measured;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT (dead_tuple_len + free_space)::float8 / table_len FROM pgstattuple('bloat_t')")) {
                rs.next();
                measured = rs.getDouble(1);
            }
            assertThat(measured).as("pgstattuple's dead and free share").isBetween(0.5, 0.75);
            assertThat(b.ratio()).as("the estimate against pgstattuple's %.2f", measured)
                    .isCloseTo(measured, org.assertj.core.data.Offset.offset(0.12));
            assertThat(b.wastedBytes()).isPositive();
        }
    }

    @Test
    void transactionIdsWalAndCheckpointsAreReadWithTheirRates() throws Exception {
        try (Connection c = as("capacity-xids")) {
            poller.pollOnce();
            for (int i = 0; i < 200; i++) {
                run(c, "INSERT INTO narrow_ids (id, v) VALUES (" + i + ", 0)");
            }
            run(c, "CHECKPOINT");
            Thread.sleep(1100);
            CapacitySnapshot snap = poller.pollOnce();
            CapacitySnapshot.Estimate xid = snap.wraparound().xid();
            assertThat(xid.perSecond()).isPositive();
            assertThat(xid.secondsToLimit()).isPositive();
            assertThat(xid.limit()).isEqualTo((1L << 31) - 3_000_000L);
            assertThat(snap.wraparound().databases()).extracting(CapacitySnapshot.DatabaseAge::database).contains(database);
            assertThat(snap.wraparound().oldestTables()).isNotEmpty();
            assertThat(snap.runsOut().wal().perSecond()).isPositive();
            assertThat(snap.io().checkpoints().requestedLastHour()).isGreaterThanOrEqualTo(1);
            if (c.getMetaData().getDatabaseMajorVersion() >= 16) {
                assertThat(snap.io().io()).extracting(CapacitySnapshot.IoByBackend::backendType).contains("client backend");
            } else {
                assertThat(snap.io().io()).isEmpty();
            }
            assertThat(alerts.evaluate()).anySatisfy(a -> assertThat(a.alertname()).isEqualTo("CheckpointsRequested"));
            given().auth().oauth2("test-token").get(BASE + "/io").then().statusCode(200)
                    .body("data.checkpoints.requested", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
            assertThat(given().get("/q/metrics").asString())
                    .containsPattern("pgsidecar_checkpoints_total\\{[^}]*kind=\"requested\"[^}]*} [1-9]")
                    .containsPattern("pgsidecar_wraparound_to_limit_seconds\\{[^}]*kind=\"xid\"[^}]*} [0-9]");
        }
    }

    @Test
    void seriesStayFlatInTheNumberOfSequencesAndTables() throws Exception {
        try (Connection c = as("capacity-many")) {
            for (int i = 0; i < 40; i++) {
                run(c, "CREATE SEQUENCE IF NOT EXISTS many_seq_" + i);
                run(c, "SELECT nextval('many_seq_" + i + "')");
                run(c, "CREATE TABLE IF NOT EXISTS many_t_" + i + " AS SELECT g AS id, repeat('y', 100) AS v "
                        + "FROM generate_series(1, 12000) g");
            }
            run(c, "ANALYZE");
            poller.pollSizes();
            String metrics = given().get("/q/metrics").asString();
            assertThat(metrics.lines().filter(l -> l.startsWith("pgsidecar_sequence_used_ratio{"))).hasSizeLessThanOrEqualTo(10);
            assertThat(metrics.lines().filter(l -> l.startsWith("pgsidecar_table_bloat_bytes{")))
                    .hasSizeLessThanOrEqualTo(poller.config().topTables());
            assertThat(poller.latest().runsOut().sequences()).hasSizeLessThanOrEqualTo(CapacityPoller.SEQUENCES_LISTED);
        }
    }
}
