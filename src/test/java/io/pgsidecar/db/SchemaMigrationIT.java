package io.pgsidecar.db;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's migrations against a real server: the history is Flyway's (a plain Flyway
 * validates it and finds nothing pending), a history the previous release's own migrator wrote is
 * taken over without a change, two agents at once migrate once, and every history the agent must
 * not go on from stops it before it changes anything, with a message that says why.
 */
@Tag("by-version")
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
        assertThat(SchemaMigrator.apply(sessions(), "fresh", shipped())).isEqualTo(SchemaMigrator.LATEST_VERSION);
        try (Connection c = pg.connect(db)) {
            assertThat(SchemaMigrator.upToDate(c, "fresh", Migrations.bundled())).isTrue();
            assertThat(SchemaMigrator.apply(sessions(), "fresh", shipped())).as("a second run").isZero();
            assertThat(scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'fresh'"))
                    .as("the agent's tables are there").isGreaterThanOrEqualTo(5);
            assertThat(scalar(c, "SELECT count(*) FROM fresh.pgsidecar_schema_history "
                    + "WHERE installed_rank = 0 AND type = 'SCHEMA' AND script = '\"fresh\"'"))
                    .as("the schema-creation row").isEqualTo(1);
            assertThat(scalar(c, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = "
                    + SchemaMigrator.LOCK_CLASS)).as("the migration lock went with its session").isZero();
        }
        ValidateResult result = flyway("fresh").validateWithResult();
        assertThat(result.validationSuccessful).as(String.valueOf(result.invalidMigrations)).isTrue();
        assertThat(flyway("fresh").info().pending()).as("nothing left for Flyway either").isEmpty();
    }

    @Test
    void aHistoryTheHandWrittenMigratorOfThePreviousReleaseWroteIsTakenOverUnchanged() throws Exception {
        String previous = PgFixture.freshDatabase("previous_release");
        try (Connection c = pg.connect(previous); Statement s = c.createStatement()) {
            s.execute(previousRelease());
        }
        List<String> before = history(previous, "pgsidecar");
        assertThat(before).as("the dump's rows").hasSize(PREVIOUS_RELEASE_VERSION + 1);
        try (Connection c = pg.connect(previous)) {
            assertThat(SchemaMigrator.upToDate(c, "pgsidecar", Migrations.bundled()))
                    .as("the one-query check at start sees this release's migrations pending")
                    .isEqualTo(SchemaMigrator.LATEST_VERSION == PREVIOUS_RELEASE_VERSION);
        }
        assertThat(SchemaMigrator.apply(sessions(previous), "pgsidecar", shipped()))
                .as("Flyway applies this release's migrations, on top").isEqualTo(
                        SchemaMigrator.LATEST_VERSION - PREVIOUS_RELEASE_VERSION);
        List<String> migrated = history(previous, "pgsidecar");
        assertThat(migrated.subList(0, before.size())).as("not a previous row changed").isEqualTo(before);
        assertThat(migrated).hasSize(SchemaMigrator.LATEST_VERSION + 1);
        assertThat(flyway(previous, "pgsidecar").validateWithResult().validationSuccessful).isTrue();

        int next = SchemaMigrator.LATEST_VERSION + 1;
        assertThat(SchemaMigrator.apply(sessions(previous), "pgsidecar",
                shipped(extra("V" + next + "__next.sql", "CREATE TABLE ${flyway:defaultSchema}.next_one (a int);"))))
                .as("the next release's migration goes on top").isEqualTo(1);
        List<String> after = history(previous, "pgsidecar");
        assertThat(after.subList(0, migrated.size())).as("the previous rows stay as they were").isEqualTo(migrated);
        assertThat(after).hasSize(migrated.size() + 1);
        assertThat(after.get(migrated.size())).startsWith(next + "|" + next + "|next|SQL|V" + next + "__next.sql|");
    }

    @Test
    void aHistoryFlywayWroteIsContinued() throws Exception {
        Flyway.configure().dataSource(pg.jdbcUrl(db), PgCluster.USER, PgCluster.PASSWORD).schemas("partly")
                .defaultSchema("partly").table(SchemaMigrator.HISTORY_TABLE).locations("classpath:db/migration")
                .target("5").load().migrate();
        try (Connection c = pg.connect(db)) {
            assertThat(SchemaMigrator.upToDate(c, "partly", Migrations.bundled())).isFalse();
            assertThat(SchemaMigrator.apply(sessions(), "partly", shipped()))
                    .as("the two Flyway had not applied").isEqualTo(SchemaMigrator.LATEST_VERSION - 5);
            assertThat(scalar(c, "SELECT max(installed_rank) FROM partly.pgsidecar_schema_history"))
                    .isEqualTo(SchemaMigrator.LATEST_VERSION);
            assertThat(SchemaMigrator.upToDate(c, "partly", Migrations.bundled())).isTrue();
        }
        assertThat(flyway("partly").validateWithResult().validationSuccessful).isTrue();
    }

    @Test
    void twoAgentsAtOnceMigrateOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<Integer> agent = () -> SchemaMigrator.apply(sessions(), "together", shipped());
            Future<Integer> a = pool.submit(agent);
            Future<Integer> b = pool.submit(agent);
            assertThat(List.of(a.get(), b.get())).as("one applied everything, the other nothing")
                    .containsExactlyInAnyOrder(SchemaMigrator.LATEST_VERSION, 0);
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = pg.connect(db)) {
            assertThat(scalar(c, "SELECT count(*) FROM together.pgsidecar_schema_history WHERE version IS NOT NULL"))
                    .isEqualTo(SchemaMigrator.LATEST_VERSION);
        }
    }

    @Test
    void theMigrationLockOfEveryReleaseHoldsFlywayBack() throws Exception {
        try (Connection holder = pg.connect(db); Statement s = holder.createStatement()) {
            // the key every release takes, the previous one included
            s.execute("SELECT pg_advisory_lock(" + SchemaMigrator.LOCK_CLASS + ", " + "held".hashCode() + ")");
            SchemaMigrator.Sessions impatient = () -> {
                Connection c = pg.connect(db);
                try (Statement set = c.createStatement()) {
                    set.execute("SET lock_timeout = '300ms'");
                }
                return c;
            };
            assertThatThrownBy(() -> SchemaMigrator.apply(impatient, "held", shipped()))
                    // a lock wait given up (busy, not down: issue #22 point 3); the migrator's schedule retries it
                    .satisfies(e -> assertThat(DatabaseFailures.busy(e)).as("a retryable lock timeout").isEqualTo("55P03"))
                    .satisfies(e -> assertThat(DatabaseFailures.describe(e, new DatabaseFailures.Target("h", 5432, db, "u")))
                            .contains("lock_timeout"));
            assertThat(scalar(holder, "SELECT count(*) FROM pg_namespace WHERE nspname = 'held'"))
                    .as("nothing done while another agent migrates").isZero();
            s.execute("SELECT pg_advisory_unlock_all()");
        }
        assertThat(SchemaMigrator.apply(sessions(), "held", shipped())).isEqualTo(SchemaMigrator.LATEST_VERSION);
    }

    @Test
    void aSchemaInUseWithoutHistoryIsRefusedUntouched() throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA app");
            s.execute("CREATE TABLE app.orders (id int)");
            assertThatThrownBy(() -> SchemaMigrator.apply(sessions(), "app", shipped()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("pgsidecar.db.schema")
                    .hasMessageContaining("schema app already holds tables");
            assertThat(scalar(c, "SELECT count(*) FROM pg_class WHERE relnamespace = 'app'::regnamespace"))
                    .as("only the application's table").isEqualTo(1);

            s.execute("CREATE SCHEMA empty_one");
            assertThat(SchemaMigrator.apply(sessions(), "empty_one", shipped()))
                    .as("an empty schema is taken").isEqualTo(SchemaMigrator.LATEST_VERSION);
            assertThat(scalar(c, "SELECT count(*) FROM empty_one.pgsidecar_schema_history WHERE version IS NULL"))
                    .as("no creation row for a schema the agent did not create").isZero();
        }
    }

    @Test
    void aChangedFailedOrMissingMigrationStopsEverything() throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            SchemaMigrator.apply(sessions(), "tampered", shipped());
            String history = "tampered.pgsidecar_schema_history";
            FluentConfiguration withNext = shipped(extra("V" + (SchemaMigrator.LATEST_VERSION + 1)
                    + "__next.sql", "CREATE TABLE ${flyway:defaultSchema}.next_one (a int);"));

            s.execute("UPDATE " + history + " SET checksum = checksum + 1 WHERE version = '3'");
            assertThat(SchemaMigrator.upToDate(c, "tampered", Migrations.bundled())).as("the fast path sees it too")
                    .isFalse();
            assertThatThrownBy(() -> SchemaMigrator.apply(sessions(), "tampered", withNext))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("V3__snapshots.sql")
                    .hasMessageContaining("differs").hasMessageContaining("schema tampered")
                    .hasMessageNotContaining("\n");
            s.execute("UPDATE " + history + " SET checksum = checksum - 1 WHERE version = '3'");

            s.execute("UPDATE " + history + " SET success = false WHERE version = '4'");
            assertThatThrownBy(() -> SchemaMigrator.apply(sessions(), "tampered", withNext))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("recorded as failed")
                    .hasMessageContaining("migration 4 (alerts)");
            s.execute("UPDATE " + history + " SET success = true WHERE version = '4'");

            s.execute("CREATE TEMP TABLE saved AS SELECT * FROM " + history + " WHERE version = '2'");
            s.execute("DELETE FROM " + history + " WHERE version = '2'");
            assertThatThrownBy(() -> SchemaMigrator.apply(sessions(), "tampered", withNext))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("V2__statement_history.sql")
                    .hasMessageContaining("out of order");
            assertThat(scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'tampered' "
                    + "AND tablename = 'next_one'")).as("nothing applied while refused").isZero();
            s.execute("INSERT INTO " + history + " SELECT * FROM saved");

            assertThat(SchemaMigrator.apply(sessions(), "tampered", withNext)).as("a repaired history goes on").isEqualTo(1);
        }
    }

    @Test
    void aNewerAgentsMigrationsAreLeftAlone() throws Exception {
        int next = SchemaMigrator.LATEST_VERSION + 1;
        SchemaMigrator.apply(sessions(), "newer",
                shipped(extra("V" + next + "__next.sql", "CREATE TABLE ${flyway:defaultSchema}.next_one (a int);")));
        try (Connection c = pg.connect(db)) {
            assertThat(SchemaMigrator.upToDate(c, "newer", Migrations.bundled())).isTrue();
        }
        assertThat(SchemaMigrator.apply(sessions(), "newer", shipped())).as("an older agent's Flyway run").isZero();
    }

    @Test
    void aFailingMigrationLeavesNothingBehindAndCanBeRetried() throws Exception {
        int next = SchemaMigrator.LATEST_VERSION + 1;
        SchemaMigrator.apply(sessions(), "broken", shipped());
        FluentConfiguration broken = shipped(extra("V" + next + "__half.sql",
                "CREATE TABLE ${flyway:defaultSchema}.half (a int);\nSELECT 1 / 0;"));
        assertThatThrownBy(() -> SchemaMigrator.apply(sessions(), "broken", broken))
                .isInstanceOf(SQLException.class).hasMessageContaining("V" + next + "__half.sql")
                .hasMessageContaining("rolled back").hasMessageContaining("division by zero")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22012"));
        try (Connection c = pg.connect(db)) {
            assertThat(scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'broken' AND tablename = 'half'"))
                    .as("the migration's first statement was rolled back with it").isZero();
            assertThat(scalar(c, "SELECT count(*) FROM broken.pgsidecar_schema_history WHERE version = '" + next + "'"))
                    .as("no row for it").isZero();
        }

        FluentConfiguration fixed = shipped(extra("V" + next + "__half.sql", "CREATE TABLE ${flyway:defaultSchema}.half (a int);"));
        assertThat(SchemaMigrator.apply(sessions(), "broken", fixed)).isEqualTo(1);
        try (Connection c = pg.connect(db)) {
            assertThat(scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'broken' AND tablename = 'half'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aRowWithoutAChecksumIsAcceptedByTheCheckAndByFlyway() throws Exception {
        SchemaMigrator.apply(sessions(), "no_checksum", shipped());
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute("UPDATE no_checksum.pgsidecar_schema_history SET checksum = NULL WHERE version = '3'");
            assertThat(SchemaMigrator.upToDate(c, "no_checksum", Migrations.bundled())).isTrue();
        }
        assertThat(SchemaMigrator.apply(sessions(), "no_checksum", shipped(extra("V" + (SchemaMigrator.LATEST_VERSION + 1)
                + "__next.sql", "CREATE TABLE ${flyway:defaultSchema}.next_one (a int);")))).isEqualTo(1);
    }

    @Test
    void aSchemaNameWithDigitsAndUnderscoresWorks() throws Exception {
        // DbConfigCheck accepts only names that need no quotes: Flyway's ${flyway:defaultSchema} is unquoted
        assertThat(SchemaMigrator.apply(sessions(), "agent_2", shipped())).isEqualTo(SchemaMigrator.LATEST_VERSION);
        try (Connection c = pg.connect(db)) {
            assertThat(SchemaMigrator.upToDate(c, "agent_2", Migrations.bundled())).isTrue();
            assertThat(scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'agent_2'"))
                    .isGreaterThanOrEqualTo(5);
        }
    }

    /** Sessions of the test database, as the agent's migration opens them (a new one each time). */
    private static SchemaMigrator.Sessions sessions() {
        return sessions(db);
    }

    private static SchemaMigrator.Sessions sessions(String database) {
        return () -> pg.connect(database, "pgsidecar-migration");
    }

    /** Flyway as a plain application configures it, on the shipped files and {@code extra} directories. */
    private static FluentConfiguration shipped(Path... extra) {
        List<String> locations = new ArrayList<>(List.of("classpath:" + Migrations.LOCATION));
        for (Path p : extra) {
            locations.add("filesystem:" + p);
        }
        return Flyway.configure().locations(locations.toArray(String[]::new));
    }

    /** A directory holding one more migration. */
    private static Path extra(String file, String sql) throws Exception {
        Path dir = Files.createTempDirectory("migration");
        Files.writeString(dir.resolve(file), sql);
        return dir;
    }

    private static Flyway flyway(String schema) {
        return flyway(db, schema);
    }

    private static Flyway flyway(String database, String schema) {
        return Flyway.configure().dataSource(pg.jdbcUrl(database), PgCluster.USER, PgCluster.PASSWORD).schemas(schema)
                .defaultSchema(schema).table(SchemaMigrator.HISTORY_TABLE).locations("classpath:db/migration").load();
    }

    /** The last migration of the previous release's schema (the dump below). */
    static final int PREVIOUS_RELEASE_VERSION = 7;

    /** The previous release's schema, as pg_dump wrote it (src/test/resources/db/previous-release). */
    static String previousRelease() throws Exception {
        try (var in = SchemaMigrationIT.class.getResourceAsStream("/db/previous-release/pgsidecar-schema.sql")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Every history row, every column, in order. */
    private static List<String> history(String database, String schema) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = pg.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT installed_rank, version, description, type, script, checksum, "
                     + "installed_by, installed_on, execution_time, success FROM \"" + schema
                     + "\".pgsidecar_schema_history ORDER BY installed_rank")) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= 10; i++) {
                    row.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
