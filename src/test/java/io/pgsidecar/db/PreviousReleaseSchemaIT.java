package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.AlertsOffSuiteIT;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import io.pgsidecar.testing.PgTestResource;
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
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An agent of this release started on a database whose schema the previous release's own migrator
 * (no Flyway at run time) created: it takes the schema over as it is, not a row of the history
 * changed, adds this release's migrations after it, and the Flyway it would migrate with accepts
 * that history as its own.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(AlertsOffSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class,
        initArgs = @ResourceArg(name = "sqlResource", value = AlertsOffSuiteIT.SCHEMA))
class PreviousReleaseSchemaIT {

    private static final String HISTORY = "pgsidecar." + SchemaMigrator.HISTORY_TABLE;

    @Inject
    SchemaMigrator migrator;

    @Inject
    Flyway flyway;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void anAgentStartedOnThePreviousReleasesSchemaTakesItOverUnchanged() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> migrator.status().done());
        assertThat(migrator.status().applied()).as("this release's migrations, on top")
                .isEqualTo(SchemaMigrator.LATEST_VERSION - SchemaMigrationIT.PREVIOUS_RELEASE_VERSION);

        PgCluster pg = PgFixture.shared();
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            // the rows exactly as the previous release wrote them, from the dump itself
            s.execute("CREATE TEMP TABLE expected (LIKE " + HISTORY + ")");
            for (String line : SchemaMigrationIT.previousRelease().lines().toList()) {
                if (line.startsWith("INSERT INTO " + HISTORY + " ")) {
                    s.execute(line.replace("INSERT INTO " + HISTORY + " ", "INSERT INTO expected "));
                }
            }
            assertThat(count(s, "SELECT count(*) FROM expected")).isEqualTo(SchemaMigrationIT.PREVIOUS_RELEASE_VERSION + 1);
            assertThat(count(s, "SELECT count(*) FROM (SELECT * FROM " + HISTORY + " EXCEPT ALL SELECT * FROM expected) d"))
                    .as("no row changed; only this release's migrations added")
                    .isEqualTo(SchemaMigrator.LATEST_VERSION - SchemaMigrationIT.PREVIOUS_RELEASE_VERSION);
            assertThat(count(s, "SELECT count(*) FROM " + HISTORY + " WHERE installed_rank > "
                    + SchemaMigrationIT.PREVIOUS_RELEASE_VERSION + " AND success"))
                    .as("the added rows are the later migrations, after the previous ones")
                    .isEqualTo(SchemaMigrator.LATEST_VERSION - SchemaMigrationIT.PREVIOUS_RELEASE_VERSION);
            assertThat(count(s, "SELECT count(*) FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM " + HISTORY + ") d"))
                    .as("no row removed").isZero();
        }

        ValidateResult validated = flyway.validateWithResult();
        assertThat(validated.validationSuccessful).as(String.valueOf(validated.invalidMigrations)).isTrue();
        assertThat(flyway.info().pending()).as("the agent's Flyway finds nothing to do").isEmpty();
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
