package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsidecar.db.Migrations.Migration;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's migrator against a real server: what it writes is a history Flyway accepts as its
 * own, a history Flyway wrote (agents up to 0.1) is one the agent continues, and every history it
 * must not go on from stops it before it changes anything.
 */
class SchemaMigrationIT {

    private static PgCluster pg;
    private static String db;

    @BeforeAll
    static void database() {
        pg = PgFixture.shared();
        db = PgFixture.freshDatabase("migration");
    }

    @Test
    void aNewSchemaGetsEveryMigrationAndAHistoryFlywayValidates() throws Exception {
        try (Connection c = pg.connect(db)) {
            assertThat(SchemaMigrator.apply(c, "fresh", Migrations.bundled())).isEqualTo(SchemaMigrator.LATEST_VERSION);
            assertThat(c.getAutoCommit()).as("the connection is left in autocommit").isTrue();
            assertThat(SchemaMigrator.upToDate(c, "fresh", Migrations.bundled())).isTrue();
            assertThat(SchemaMigrator.apply(c, "fresh", Migrations.bundled())).as("a second run").isZero();
            assertThat(scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'fresh'"))
                    .as("the agent's tables are there").isGreaterThanOrEqualTo(5);
            assertThat(scalar(c, "SELECT count(*) FROM fresh.pgsidecar_schema_history "
                    + "WHERE installed_rank = 0 AND type = 'SCHEMA' AND script = '\"fresh\"'"))
                    .as("the schema-creation row").isEqualTo(1);
        }
        ValidateResult result = flyway("fresh").validateWithResult();
        assertThat(result.validationSuccessful).as(String.valueOf(result.invalidMigrations)).isTrue();
        assertThat(flyway("fresh").info().pending()).as("nothing left for Flyway either").isEmpty();
    }

    @Test
    void aHistoryFlywayWroteIsContinued() throws Exception {
        flyway("older").migrate();
        try (Connection c = pg.connect(db)) {
            assertThat(SchemaMigrator.upToDate(c, "older", Migrations.bundled())).as("Flyway applied everything").isTrue();
            assertThat(SchemaMigrator.apply(c, "older", Migrations.bundled())).isZero();
        }

        Flyway.configure().dataSource(pg.jdbcUrl(db), PgCluster.USER, PgCluster.PASSWORD).schemas("partly")
                .defaultSchema("partly").table(SchemaMigrator.HISTORY_TABLE).locations("classpath:db/migration")
                .target("5").load().migrate();
        try (Connection c = pg.connect(db)) {
            assertThat(SchemaMigrator.upToDate(c, "partly", Migrations.bundled())).isFalse();
            assertThat(SchemaMigrator.apply(c, "partly", Migrations.bundled()))
                    .as("the two Flyway had not applied").isEqualTo(SchemaMigrator.LATEST_VERSION - 5);
            assertThat(scalar(c, "SELECT max(installed_rank) FROM partly.pgsidecar_schema_history"))
                    .isEqualTo(SchemaMigrator.LATEST_VERSION);
        }
        assertThat(flyway("partly").validateWithResult().validationSuccessful).isTrue();
    }

    @Test
    void aSchemaInUseWithoutHistoryIsRefusedUntouched() throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA app");
            s.execute("CREATE TABLE app.orders (id int)");
            assertThatThrownBy(() -> SchemaMigrator.apply(c, "app", Migrations.bundled()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("pgsidecar.db.schema");
            assertThat(scalar(c, "SELECT count(*) FROM pg_class WHERE relnamespace = 'app'::regnamespace"))
                    .as("only the application's table").isEqualTo(1);

            s.execute("CREATE SCHEMA empty_one");
            assertThat(SchemaMigrator.apply(c, "empty_one", Migrations.bundled()))
                    .as("an empty schema is taken").isEqualTo(SchemaMigrator.LATEST_VERSION);
            assertThat(scalar(c, "SELECT count(*) FROM empty_one.pgsidecar_schema_history WHERE version IS NULL"))
                    .as("no creation row for a schema the agent did not create").isZero();
        }
    }

    @Test
    void aChangedFailedOrMissingMigrationStopsEverything() throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            SchemaMigrator.apply(c, "tampered", Migrations.bundled());
            String history = "tampered.pgsidecar_schema_history";
            List<Migration> withNext = withExtra("V" + (SchemaMigrator.LATEST_VERSION + 1)
                    + "__next.sql", "CREATE TABLE ${flyway:defaultSchema}.next_one (a int);");

            s.execute("UPDATE " + history + " SET checksum = checksum + 1 WHERE version = '3'");
            assertThat(SchemaMigrator.upToDate(c, "tampered", Migrations.bundled())).as("the fast path sees it too")
                    .isFalse();
            assertThatThrownBy(() -> SchemaMigrator.apply(c, "tampered", withNext))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("V3__snapshots.sql")
                    .hasMessageContaining("differs");
            s.execute("UPDATE " + history + " SET checksum = checksum - 1 WHERE version = '3'");

            s.execute("UPDATE " + history + " SET success = false WHERE version = '4'");
            assertThatThrownBy(() -> SchemaMigrator.apply(c, "tampered", withNext))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("recorded as failed");
            s.execute("UPDATE " + history + " SET success = true WHERE version = '4'");

            s.execute("CREATE TEMP TABLE saved AS SELECT * FROM " + history + " WHERE version = '2'");
            s.execute("DELETE FROM " + history + " WHERE version = '2'");
            assertThatThrownBy(() -> SchemaMigrator.apply(c, "tampered", withNext))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("out of order");
            assertThat(scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'tampered' "
                    + "AND tablename = 'next_one'")).as("nothing applied while refused").isZero();
            s.execute("INSERT INTO " + history + " SELECT * FROM saved");

            assertThat(SchemaMigrator.apply(c, "tampered", withNext)).as("a repaired history goes on").isEqualTo(1);
        }
    }

    @Test
    void aFailingMigrationLeavesNothingBehindAndCanBeRetried() throws Exception {
        int next = SchemaMigrator.LATEST_VERSION + 1;
        try (Connection c = pg.connect(db)) {
            SchemaMigrator.apply(c, "broken", Migrations.bundled());
            List<Migration> broken = withExtra("V" + next + "__half.sql",
                    "CREATE TABLE ${flyway:defaultSchema}.half (a int);\nSELECT 1 / 0;");
            assertThatThrownBy(() -> SchemaMigrator.apply(c, "broken", broken))
                    .isInstanceOf(SQLException.class).hasMessageContaining("V" + next + "__half.sql")
                    .hasMessageContaining("rolled back").hasMessageContaining("division by zero");
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'broken' AND tablename = 'half'"))
                    .as("the migration's first statement was rolled back with it").isZero();
            assertThat(scalar(c, "SELECT count(*) FROM broken.pgsidecar_schema_history WHERE version = '" + next + "'"))
                    .as("no row for it").isZero();

            List<Migration> fixed = withExtra("V" + next + "__half.sql", "CREATE TABLE ${flyway:defaultSchema}.half (a int);");
            assertThat(SchemaMigrator.apply(c, "broken", fixed)).isEqualTo(1);
            assertThat(scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'broken' AND tablename = 'half'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aSchemaNameThatNeedsQuotingWorks() throws Exception {
        try (Connection c = pg.connect(db)) {
            assertThat(SchemaMigrator.apply(c, "Agent Schema", Migrations.bundled()))
                    .isEqualTo(SchemaMigrator.LATEST_VERSION);
            assertThat(SchemaMigrator.upToDate(c, "Agent Schema", Migrations.bundled())).isTrue();
            assertThat(scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'Agent Schema'"))
                    .isGreaterThanOrEqualTo(5);
        }
    }

    private static List<Migration> withExtra(String file, String sql) {
        List<Migration> out = new ArrayList<>(Migrations.bundled());
        out.add(Migrations.parse(Migrations.LOCATION + "/" + file, sql));
        return out;
    }

    private static Flyway flyway(String schema) {
        return Flyway.configure().dataSource(pg.jdbcUrl(db), PgCluster.USER, PgCluster.PASSWORD).schemas(schema)
                .defaultSchema(schema).table(SchemaMigrator.HISTORY_TABLE).locations("classpath:db/migration").load();
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
