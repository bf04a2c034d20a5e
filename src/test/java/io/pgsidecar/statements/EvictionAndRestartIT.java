package io.pgsidecar.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.RestartsSuiteIT;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A small pg_stat_statements (max 100) flooded with 500 distinct statements between polls, and a
 * server restart between polls: figures stay non-negative, are never counted twice, and the
 * evictions and restart are counted.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(RestartsSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class, initArgs = {
        @ResourceArg(name = "own", value = "true"), @ResourceArg(name = "settings", value = RestartsSuiteIT.SETTINGS),
        @ResourceArg(name = "sql", value = RestartsSuiteIT.SQL)})
class EvictionAndRestartIT {

    static final String MARKER = "SELECT ?::int AS eviction_marker";

    @Inject
    StatementsPoller poller;

    @Inject
    io.pgsidecar.db.SchemaMigrator migrator;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void evictionNeverProducesNegativeOrDoubledFigures() throws Exception {
        PgCluster pg = PgTestResource.ownCluster();
        await().atMost(Duration.ofSeconds(30)).until(() -> migrator.status().done());
        try (Connection c = pg.connect(database)) {
            Workload.wideTable(c, "wide", 40);
        }
        poller.pollOnce();
        long rebaselined = 0;
        long dealloc = 0;
        for (int round = 0; round < 3; round++) {
            try (Connection c = pg.connect(database)) {
                Workload.repeat(c, MARKER, 20, 1);
                Workload.distinctStatements(c, "wide", 40, round * 500, 500);
                Workload.repeat(c, MARKER, 20, 1);
            }
            StatementsSnapshot snap = poller.pollOnce();
            assertThat(snap.entries()).isLessThanOrEqualTo(100);
            for (StatementsSnapshot.StatementStat s : snap.statements()) {
                assertThat(s.calls()).as(s.queryid()).isPositive();
                assertThat(s.totalMs()).isGreaterThanOrEqualTo(0);
                assertThat(s.rows()).isGreaterThanOrEqualTo(0);
                if (s.query() != null && s.query().contains("eviction_marker")) {
                    assertThat(s.calls()).as("marker ran 40 times this round").isLessThanOrEqualTo(40);
                }
            }
            assertThat(snap.totals().calls()).isGreaterThanOrEqualTo(0);
            rebaselined += snap.rebaselined();
            dealloc += snap.dealloc();
        }
        assertThat(rebaselined).as("entries taken as new baselines").isPositive();
        if (pg.majorVersion() >= 14) {
            assertThat(dealloc).as("evictions counted from pg_stat_statements_info").isPositive();
        }
    }

    @Test
    void aServerRestartBetweenPollsIsCountedAndFiguresStayRight() throws Exception {
        PgCluster pg = PgTestResource.ownCluster();
        await().atMost(Duration.ofSeconds(30)).until(() -> migrator.status().done());
        // (aliases are not part of a query id: the markers differ in shape, not only in name)
        // start from an empty pg_stat_statements: the eviction test leaves it full, and a full
        // table would evict the marker itself
        try (Connection c = pg.connect(database); java.sql.Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_statements_reset()");
        }
        try (Connection c = pg.connect(database)) {
            Workload.repeat(c, "SELECT ?::bigint + 1 AS restart_marker", 10, 1);
        }
        poller.pollOnce();
        pg.stop();
        pg.start();
        try (Connection c = pg.connect(database)) {
            Workload.repeat(c, "SELECT ?::bigint + 1 AS restart_marker", 5, 1);
        }
        AtomicReference<StatementsSnapshot> after = new AtomicReference<>();
        // the pool's old connections died with the server; a poll recovers within a few tries
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> {
                    after.set(poller.pollOnce());
                    return true;
                });
        StatementsSnapshot snap = after.get();
        assertThat(snap.serverRestarted()).isTrue();
        assertThat(snap.statements()).anySatisfy(s -> {
            assertThat(s.query()).contains("restart_marker");
            // a clean shutdown keeps pg_stat_statements: the 10 earlier calls must not count again
            assertThat(s.calls()).isEqualTo(5);
        });
        assertThat(snap.databaseRates()).as("pg_stat_database restarted too: no rates this interval").isNull();
    }
}
