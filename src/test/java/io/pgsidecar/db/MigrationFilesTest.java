package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The constants the start-up check relies on match the migrations and Flyway's configuration. */
class MigrationFilesTest {

    @Test
    void latestVersionIsTheHighestMigrationFile() throws Exception {
        Pattern name = Pattern.compile("V(\\d+)__.+\\.sql");
        int highest;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            highest = files.map(p -> name.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertThat(SchemaMigrator.LATEST_VERSION).isEqualTo(highest);
    }

    @Test
    void historyTableIsFlywaysTable() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(r);
        }
        assertThat(p.getProperty("quarkus.flyway.table")).isEqualTo(SchemaMigrator.HISTORY_TABLE);
    }
}
