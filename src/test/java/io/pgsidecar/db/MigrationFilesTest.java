package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.db.Migrations.Migration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The list of migrations, the constants the start-up check relies on, and the shipped files. */
class MigrationFilesTest {

    private static final Pattern NAME = Pattern.compile("V(\\d+)__.+\\.sql");

    /**
     * The checksums Flyway 12 recorded for the migrations agents have shipped (read from a history
     * table it wrote). A released migration is never edited: every database it ran on holds this
     * checksum, and an agent whose file differs refuses to migrate.
     */
    private static final Map<String, Integer> SHIPPED = Map.of(
            "V1__audit_log.sql", -2100045413,
            "V2__statement_history.sql", -86169663,
            "V3__snapshots.sql", -1402190937,
            "V4__alerts.sql", -1314205435,
            "V5__maintenance.sql", 1031200996,
            "V6__partitions.sql", 928839074,
            "V7__index_builds.sql", 1340115348);

    @Test
    void theListIsTheDirectoryInVersionOrder() throws Exception {
        List<String> files;
        try (Stream<Path> all = Files.list(Path.of("src/main/resources", Migrations.LOCATION))) {
            files = all.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
        assertThat(files).as("every file is a versioned migration").allMatch(f -> NAME.matcher(f).matches());
        assertThat(Migrations.FILES).containsExactlyInAnyOrderElementsOf(files);
        List<Integer> versions = Migrations.bundled().stream().map(Migration::version).toList();
        assertThat(versions).as("versions 1..n, in order, no gaps").isEqualTo(
                Stream.iterate(1, v -> v + 1).limit(versions.size()).toList());
    }

    @Test
    void latestVersionIsTheHighestMigrationFile() {
        int highest = Migrations.FILES.stream().map(NAME::matcher).filter(Matcher::matches)
                .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        assertThat(SchemaMigrator.LATEST_VERSION).isEqualTo(highest);
    }

    @Test
    void shippedMigrationsAreUnchanged() {
        for (Migration m : Migrations.bundled()) {
            String file = m.script().substring(m.script().lastIndexOf('/') + 1);
            if (SHIPPED.containsKey(file)) {
                assertThat(m.checksum()).as(file + " was released; add a new migration instead of editing it")
                        .isEqualTo(SHIPPED.get(file));
            }
        }
    }

    @Test
    void filesOnlyUseWhatTheMigrationIsSetUpFor() {
        Pattern placeholder = Pattern.compile("\\$\\{[^}]*\\}");
        for (Migration m : Migrations.bundled()) {
            // each file runs in one transaction with its history row, so a failure leaves nothing
            // half-done (Flyway would run a CONCURRENTLY statement outside one)
            assertThat(m.sql().toUpperCase(java.util.Locale.ROOT)).as(m.script()).doesNotContain("CONCURRENTLY");
            Matcher p = placeholder.matcher(m.sql());
            while (p.find()) {
                assertThat(p.group()).as(m.script() + ": Flyway's schema placeholder is the only one (no other is configured)")
                        .isEqualTo(Migrations.SCHEMA_PLACEHOLDER);
            }
        }
    }

    @Test
    void theNativeImageCarriesTheFiles() throws Exception {
        assertThat(properties().getProperty("quarkus.native.resources.includes", "").split(","))
                .as("the start-up check reads them from the classpath").contains(Migrations.LOCATION + "/*.sql");
    }

    @Test
    void theFlywayExtensionNeverMigratesByItselfAndKnowsTheAgentsHistory() throws Exception {
        java.util.Properties p = properties();
        assertThat(p.getProperty("quarkus.flyway.migrate-at-start")).as("SchemaMigrator decides").isEqualTo("false");
        assertThat(p.getProperty("quarkus.flyway.active")).as("no Flyway built at start-up").isEqualTo("false");
        assertThat(p.getProperty("quarkus.flyway.locations")).isEqualTo(Migrations.LOCATION);
        assertThat(p.getProperty("quarkus.flyway.table")).isEqualTo(SchemaMigrator.HISTORY_TABLE);
        assertThat(p.getProperty("quarkus.flyway.schemas")).isEqualTo("${pgsidecar.db.schema}");
        assertThat(p.getProperty("quarkus.flyway.default-schema")).isEqualTo("${pgsidecar.db.schema}");
    }

    private static java.util.Properties properties() throws Exception {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(r);
        }
        return p;
    }

    @Test
    void rowsLookLikeFlywaysRows() {
        Migration m = Migrations.bundled().get(1);
        assertThat(m.version()).isEqualTo(2);
        assertThat(m.description()).isEqualTo("statement history");
        assertThat(m.script()).isEqualTo("db/migration/V2__statement_history.sql");
    }

    @Test
    void checksumIgnoresLineEndingsAndAByteOrderMark() {
        int lf = Migrations.checksum("CREATE TABLE t (a int);\nSELECT 1;\n");
        assertThat(Migrations.checksum("CREATE TABLE t (a int);\r\nSELECT 1;\r\n")).isEqualTo(lf);
        assertThat(Migrations.checksum("\uFEFFCREATE TABLE t (a int);\nSELECT 1;")).isEqualTo(lf);
        assertThat(Migrations.checksum("CREATE TABLE t (a int);\nSELECT 2;\n")).isNotEqualTo(lf);
    }
}
