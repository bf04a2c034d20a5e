package io.pgsidecar.statements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The number of metric series is the same with 100 and with 20,000 distinct statements on the
 * server; and a missing extension is created when the agent is allowed to.
 */
@QuarkusTest
@TestProfile(SeriesBoundIT.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"),
        @ResourceArg(name = "settings", value = "pg_stat_statements.max = 25000;pg_stat_statements.track_utility = off")})
class SeriesBoundIT {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the agent's other collectors off: their own statements would land in the other bucket counted below
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.statements.create-extension", "true",
                    "pgsidecar.activity.enabled", "false", "pgsidecar.capacity.enabled", "false",
                    "pgsidecar.plans.enabled", "false");
        }
    }

    @Inject
    StatementsPoller poller;

    @Inject
    io.pgsidecar.db.SchemaMigrator migrator;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void seriesCountIsTheSameForOneHundredAndTwentyThousandStatements() throws Exception {
        PgCluster pg = PgTestResource.ownCluster();
        await().atMost(Duration.ofSeconds(30)).until(() -> migrator.status().done());
        try (Connection c = pg.connect(database)) {
            Workload.wideTable(c, "wide", 150);
        }
        poller.pollOnce();
        try (Connection c = pg.connect(database)) {
            Workload.distinctStatements(c, "wide", 150, 0, 100);
        }
        StatementsSnapshot small = poller.pollOnce();
        long seriesSmall = series();
        try (Connection c = pg.connect(database)) {
            Workload.distinctStatements(c, "wide", 150, 100, 19_900);
        }
        StatementsSnapshot large = poller.pollOnce();
        long seriesLarge = series();
        assertThat(small.totals().statements()).isGreaterThanOrEqualTo(100);
        assertThat(large.entries()).isGreaterThanOrEqualTo(20_000);
        assertThat(large.totals().statements()).isGreaterThanOrEqualTo(19_900);
        assertThat(large.statements()).as("listed statements are capped").hasSize(SnapshotAssembler.MAX_LISTED);
        assertThat(seriesSmall).as("20 top statements + other, per statement metric").isEqualTo(21 * 5);
        assertThat(seriesLarge).isEqualTo(seriesSmall);
        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).contains("queryid=\"other\"").doesNotContain("SELECT c");
        // the other bucket holds the calls outside the top 20
        assertThat(metrics).containsPattern("pgsidecar_statement_calls\\{[^}]*queryid=\"other\"[^}]*} 19[0-9]{3}\\.0");
    }

    @Test
    void aMissingExtensionIsCreatedWhenAllowed() throws Exception {
        PgCluster pg = PgTestResource.ownCluster();
        await().atMost(Duration.ofSeconds(30)).until(() -> migrator.status().done());
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            s.execute("DROP EXTENSION pg_stat_statements");
        }
        StatementsSnapshot snap = poller.pollOnce();
        assertThat(snap.availability().state()).isEqualTo("available");
    }

    private static long series() {
        return given().get("/q/metrics").asString().lines()
                .filter(l -> l.startsWith("pgsidecar_statement_calls{") || l.startsWith("pgsidecar_statement_exec_seconds{")
                        || l.startsWith("pgsidecar_statement_mean_seconds{") || l.startsWith("pgsidecar_statement_rows{")
                        || l.startsWith("pgsidecar_statement_shared_blocks_read{"))
                .count();
    }
}
