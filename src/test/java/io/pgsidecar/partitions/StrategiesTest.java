package io.pgsidecar.partitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsidecar.config.ConfigProblems;
import io.pgsidecar.testing.TestConfig;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** PARTITION_STRATEGIES as documented, and one clear message for each thing wrong in it. */
class StrategiesTest {

    static List<PartitionSet> parse(String json) {
        return Strategies.parse(Optional.of(json), 12);
    }

    @Test
    void theDocumentedShapeWithDefaults() {
        List<PartitionSet> sets = parse("[{\"table_name\": \"performance_sessions\", \"partition_type\": \"range\", "
                + "\"partition_column\": \"created_at\", \"strategy_config\": {\"interval\": \"month\"}}]");
        assertThat(sets).singleElement().satisfies(s -> {
            assertThat(s.qualified()).isEqualTo("public.performance_sessions");
            assertThat(s.interval()).isEqualTo(PartitionInterval.MONTH);
            assertThat(s.premake()).isEqualTo(4);
            assertThat(s.retention()).isEqualTo(PartitionSet.Retention.NONE);
            assertThat(s.retentionMonths()).isEmpty();
            assertThat(s.zone()).isEqualTo(ZoneId.of("UTC"));
        });
        PartitionSet full = parse("[{\"table_name\": \"app.logs\", \"partition_column\": \"day\", \"strategy_config\": "
                + "{\"interval\": \"day\", \"premake\": 7, \"retention\": \"detach\", \"archive_schema\": \"archive\", "
                + "\"time_zone\": \"Europe/Berlin\", \"naming\": \"logs_{YYYY}{MM}{DD}\"}}]").get(0);
        assertThat(full.retentionMonths()).as("PARTITION_RETENTION_MONTHS").contains(12);
        assertThat(full.archiveSchema()).contains("archive");
        assertThat(full.partitionName(java.time.LocalDate.of(2026, 3, 9))).isEqualTo("logs_20260309");
    }

    @Test
    void tableNamesAreReadAsPostgresqlReadsThem() {
        PartitionSet folded = parse("[{\"table_name\": \"App.Logs\", \"partition_column\": \"day\"}]").get(0);
        assertThat(folded.schema()).isEqualTo("app");
        assertThat(folded.table()).isEqualTo("logs");
        PartitionSet quoted = parse("[{\"table_name\": \"\\\"Logs 2\\\"\", \"partition_column\": \"day\"}]")
                .get(0);
        assertThat(quoted.schema()).isEqualTo("public");
        assertThat(quoted.table()).isEqualTo("Logs 2");
    }

    @Test
    void everyMistakeIsNamed() {
        assertThatThrownBy(() -> parse("{}")).hasMessageContaining("expected a JSON list");
        assertThatThrownBy(() -> parse("[{\"table_name\": \"t\", \"partition_column\": \"c\", \"strategy_config\": "
                + "{\"interval\": \"fortnight\"}}]")).hasMessageContaining("interval 'fortnight' is not one of day, week");
        assertThatThrownBy(() -> parse("[{\"table_name\": \"t\", \"partition_type\": \"hash\", \"partition_column\": "
                + "\"c\"}]")).hasMessageContaining("partition_type 'hash' is not managed");
        assertThatThrownBy(() -> parse("[{\"table_name\": \"t\", \"partition_column\": \"c\", \"colour\": 1}]"))
                .hasMessageContaining("unknown field 'colour'");
        assertThatThrownBy(() -> parse("[{\"table_name\": \"t; DROP TABLE x\", \"partition_column\": \"c\"}]"))
                .hasMessageContaining("is not a name");
        assertThatThrownBy(() -> parse("[{\"table_name\": \"t\", \"partition_column\": \"c\", \"strategy_config\": "
                + "{\"premake\": 0}}]")).hasMessageContaining("premake must be a whole number from 1");
        assertThatThrownBy(() -> parse("[{\"table_name\": \"t\", \"partition_column\": \"c\", \"strategy_config\": "
                + "{\"retention\": \"shred\"}}]")).hasMessageContaining("retention 'shred' is not none, detach or drop");
        assertThatThrownBy(() -> parse("[{\"table_name\": \"t\", \"partition_column\": \"c\", \"strategy_config\": "
                + "{\"time_zone\": \"Mars/Olympus\"}}]")).hasMessageContaining("time_zone 'Mars/Olympus'");
        assertThatThrownBy(() -> parse("[{\"table_name\": \"t\", \"partition_column\": \"c\", \"strategy_config\": "
                + "{\"interval\": \"day\", \"naming\": \"{parent}_{YYYY}_{MM}\"}}]"))
                .hasMessageContaining("gives two day partitions the same name");
        assertThatThrownBy(() -> parse("[{\"table_name\": \"t\", \"partition_column\": \"c\"}, {\"table_name\": "
                + "\"public.t\", \"partition_column\": \"c\"}]")).hasMessageContaining("configured twice");
        assertThatThrownBy(() -> parse("[{\"table_name\": \"t\", \"partition_column\": \"c\", \"strategy_config\": "
                + "{\"archive_schema\": \"a\"}}]")).hasMessageContaining("archive_schema is for retention 'detach' only");
    }

    @Test
    void theConfigCheckPutsItIntoTheOneStartUpMessage() {
        ConfigProblems p = new ConfigProblems();
        PartitionsConfigCheck.check(TestConfig.mapping(PartitionsConfig.class, Map.of(
                "pgsidecar.partitions.strategies", "[{\"table_name\": \"t\", \"partition_column\": \"c\", "
                        + "\"strategy_config\": {\"interval\": \"fortnight\"}}]",
                "pgsidecar.partitions.max-create", "0", "pgsidecar.partitions.tick", "500ms")), p);
        assertThat(String.join("\n", p.list()))
                .contains("pgsidecar.partitions.strategies (PARTITION_STRATEGIES): set 0 (t): interval 'fortnight'")
                .contains("pgsidecar.partitions.max-create='0'")
                .contains("pgsidecar.partitions.tick='PT0.5S': expected 1s or more (the scheduler's resolution)");
        ConfigProblems ok = new ConfigProblems();
        PartitionsConfig defaults = TestConfig.mapping(PartitionsConfig.class, Map.of());
        PartitionsConfigCheck.check(defaults, ok);
        assertThat(ok.list()).isEmpty();
        assertThat(defaults.enabled()).as("nothing is created or removed unless enabled").isFalse();
        assertThat(defaults.autoCreate()).isTrue();
        assertThat(defaults.retentionMonths()).isEqualTo(12);
        assertThat(defaults.tick()).isEqualTo(java.time.Duration.ofSeconds(10));
    }
}
