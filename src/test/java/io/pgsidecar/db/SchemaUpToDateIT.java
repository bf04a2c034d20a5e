package io.pgsidecar.db;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The one-query check that lets a start skip Flyway: true only when the history says every
 * migration the agent has ran successfully with the checksum its file has now; no schema, no table,
 * a missing, failed or changed migration all go to Flyway (SchemaMigrationIT). A new database is
 * migrated by Flyway through the Quarkus extension's bean, as in the packaged agent.
 */
@Tag("by-version")
@QuarkusTest
@WithTestResource(PgTestResource.class)
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
        PgCluster pg = PgTestResource.cluster();
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            assertThat(SchemaMigrator.upToDate(c, config.schema(), Migrations.bundled())).isTrue();
            try (java.sql.ResultSet rs = s.executeQuery("SELECT script FROM " + Identifiers.quote(config.schema()) + "."
                    + SchemaMigrator.HISTORY_TABLE + " WHERE version = '1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("the script as every release wrote it")
                        .isEqualTo("db/migration/V1__audit_log.sql");
            }
            assertThat(SchemaMigrator.upToDate(c, "no_such_schema", Migrations.bundled())).isFalse();
            assertThat(SchemaMigrator.upToDate(c, "public", Migrations.bundled())).as("a schema without the history table").isFalse();

            String history = Identifiers.quote(config.schema()) + "." + SchemaMigrator.HISTORY_TABLE;
            s.execute("CREATE SCHEMA copy");
            s.execute("CREATE TABLE copy." + SchemaMigrator.HISTORY_TABLE + " AS SELECT * FROM " + history
                    + " WHERE version::int < " + SchemaMigrator.LATEST_VERSION);
            assertThat(SchemaMigrator.upToDate(c, "copy", Migrations.bundled())).as("the latest migration missing").isFalse();
            s.execute("INSERT INTO copy." + SchemaMigrator.HISTORY_TABLE + " SELECT * FROM " + history
                    + " WHERE version::int = " + SchemaMigrator.LATEST_VERSION);
            assertThat(SchemaMigrator.upToDate(c, "copy", Migrations.bundled())).isTrue();
            s.execute("INSERT INTO copy." + SchemaMigrator.HISTORY_TABLE + " SELECT * FROM " + history
                    + " WHERE version = '3'");
            s.execute("UPDATE copy." + SchemaMigrator.HISTORY_TABLE + " SET version = '"
                    + (SchemaMigrator.LATEST_VERSION + 1) + "' WHERE ctid = (SELECT max(ctid) FROM copy."
                    + SchemaMigrator.HISTORY_TABLE + ")");
            assertThat(SchemaMigrator.upToDate(c, "copy", Migrations.bundled())).as("a newer agent's migration too").isTrue();
            s.execute("UPDATE copy." + SchemaMigrator.HISTORY_TABLE + " SET checksum = checksum + 1 WHERE version = '2'");
            assertThat(SchemaMigrator.upToDate(c, "copy", Migrations.bundled()))
                    .as("a shipped migration whose file differs from the one applied").isFalse();
            s.execute("UPDATE copy." + SchemaMigrator.HISTORY_TABLE + " SET checksum = NULL WHERE version = '2'");
            assertThat(SchemaMigrator.upToDate(c, "copy", Migrations.bundled()))
                    .as("a row without a checksum is accepted, as Flyway's validation accepts it").isTrue();
            s.execute("UPDATE copy." + SchemaMigrator.HISTORY_TABLE + " SET success = false WHERE version = '3'");
            assertThat(SchemaMigrator.upToDate(c, "copy", Migrations.bundled())).as("a failed migration").isFalse();
            s.execute("DELETE FROM copy." + SchemaMigrator.HISTORY_TABLE + " WHERE version = '3'");
            assertThat(SchemaMigrator.upToDate(c, "copy", Migrations.bundled())).as("a gap: 3 missing, later ones there").isFalse();
            s.execute("DROP SCHEMA copy CASCADE");
        }
    }
}
