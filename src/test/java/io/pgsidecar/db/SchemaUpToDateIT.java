package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The one-query check that lets a start skip the migrator's full path: true only when the history
 * says every migration the agent has ran successfully; no schema, no table, a missing or a failed
 * migration all go to the full path (SchemaMigrationIT).
 */
@QuarkusTest
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true")})
class SchemaUpToDateIT {

    @Inject
    SchemaMigrator migrator;

    @Inject
    DbConfig config;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void onlyACompleteSuccessfulHistoryIsUpToDate() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> migrator.status().done());
        assertThat(migrator.status().applied()).as("a new database: every migration ran")
                .isEqualTo(SchemaMigrator.LATEST_VERSION);
        PgCluster pg = PgTestResource.ownCluster();
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            assertThat(SchemaMigrator.upToDate(c, config.schema())).isTrue();
            assertThat(SchemaMigrator.upToDate(c, "no_such_schema")).isFalse();
            assertThat(SchemaMigrator.upToDate(c, "public")).as("a schema without the history table").isFalse();

            String history = Identifiers.quote(config.schema()) + "." + SchemaMigrator.HISTORY_TABLE;
            s.execute("CREATE SCHEMA copy");
            s.execute("CREATE TABLE copy." + SchemaMigrator.HISTORY_TABLE + " AS SELECT * FROM " + history
                    + " WHERE version::int < " + SchemaMigrator.LATEST_VERSION);
            assertThat(SchemaMigrator.upToDate(c, "copy")).as("the latest migration missing").isFalse();
            s.execute("INSERT INTO copy." + SchemaMigrator.HISTORY_TABLE + " SELECT * FROM " + history
                    + " WHERE version::int = " + SchemaMigrator.LATEST_VERSION);
            assertThat(SchemaMigrator.upToDate(c, "copy")).isTrue();
            s.execute("INSERT INTO copy." + SchemaMigrator.HISTORY_TABLE + " SELECT * FROM " + history
                    + " WHERE version = '3'");
            s.execute("UPDATE copy." + SchemaMigrator.HISTORY_TABLE + " SET version = '"
                    + (SchemaMigrator.LATEST_VERSION + 1) + "' WHERE ctid = (SELECT max(ctid) FROM copy."
                    + SchemaMigrator.HISTORY_TABLE + ")");
            assertThat(SchemaMigrator.upToDate(c, "copy")).as("a newer agent's migration too").isTrue();
            s.execute("UPDATE copy." + SchemaMigrator.HISTORY_TABLE + " SET success = false WHERE version = '3'");
            assertThat(SchemaMigrator.upToDate(c, "copy")).as("a failed migration").isFalse();
            s.execute("DELETE FROM copy." + SchemaMigrator.HISTORY_TABLE + " WHERE version = '3'");
            assertThat(SchemaMigrator.upToDate(c, "copy")).as("a gap: 3 missing, later ones there").isFalse();
            s.execute("DROP SCHEMA copy CASCADE");
        }
    }
}
