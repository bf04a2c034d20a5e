package io.pgsidecar.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** Bounds, premake, runway, retention and names, with fixed instants and made-up tables. */
class LayoutTest {

    static PartitionSet set(PartitionInterval interval, int premake, String zone) {
        return new PartitionSet("public", "events", "created_at", interval, premake, Optional.of(2),
                PartitionSet.Retention.DROP, Optional.empty(), ZoneId.of(zone), interval.defaultNaming());
    }

    static PartitionedTable table(List<PartitionedTable.Partition> parts) {
        return new PartitionedTable("public", "events", "range", "created_at", "timestamp with time zone", false, parts);
    }

    static PartitionedTable.Partition part(String name, Instant lo, Instant hi) {
        return new PartitionedTable.Partition("public", name, "FOR VALUES FROM (...) TO (...)", Optional.of(lo),
                Optional.of(hi), false, false, false, 0, 0, false, false, null);
    }

    static List<PartitionedTable.Partition> made(List<Layout.Range> ranges) {
        List<PartitionedTable.Partition> out = new ArrayList<>();
        ranges.forEach(r -> out.add(part(r.name(), r.lower(), r.upper())));
        return out;
    }

    @Test
    void aMonthlySetPremakesTheCurrentMonthAndFourMoreWithContiguousBounds() {
        PartitionSet s = set(PartitionInterval.MONTH, 4, "UTC");
        Instant now = Instant.parse("2026-11-30T17:00:00Z");
        Layout.Premake p = Layout.premake(table(List.of()), s, ColumnType.TIMESTAMPTZ, now);
        assertThat(p.missing()).extracting(Layout.Range::name).containsExactly("events_p2026_11", "events_p2026_12",
                "events_p2027_01", "events_p2027_02", "events_p2027_03");
        assertThat(p.missing().get(0).lowerLiteral()).isEqualTo("'2026-11-01 00:00:00+00:00'");
        for (int i = 1; i < p.missing().size(); i++) {
            assertThat(p.missing().get(i).lower()).isEqualTo(p.missing().get(i - 1).upper());
        }
        PartitionedTable full = table(made(p.missing()));
        assertThat(Layout.premake(full, s, ColumnType.TIMESTAMPTZ, now).missing()).isEmpty();
        assertThat(Layout.runway(full, s, ColumnType.TIMESTAMPTZ, now)).isEqualTo(4);
        // a month later, without new partitions, one interval less
        assertThat(Layout.runway(full, s, ColumnType.TIMESTAMPTZ, Instant.parse("2026-12-15T00:00:00Z"))).isEqualTo(3);
    }

    @Test
    void boundsDoNotDependOnTheJvmTimeZone() {
        TimeZone before = TimeZone.getDefault();
        List<List<String>> seen = new ArrayList<>();
        try {
            for (String tz : List.of("UTC", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata")) {
                TimeZone.setDefault(TimeZone.getTimeZone(tz));
                PartitionSet s = set(PartitionInterval.MONTH, 4, "Europe/Berlin");
                List<String> literals = new ArrayList<>();
                for (Layout.Range r : Layout.premake(table(List.of()), s, ColumnType.TIMESTAMPTZ,
                        Instant.parse("2026-11-30T23:30:00Z")).missing()) {
                    literals.add(r.lowerLiteral() + ".." + r.upperLiteral());
                }
                seen.add(literals);
            }
        } finally {
            TimeZone.setDefault(before);
        }
        assertThat(seen).allSatisfy(l -> assertThat(l).isEqualTo(seen.get(0)));
        // 23:30 UTC on Nov 30 is already December in Berlin
        assertThat(seen.get(0).get(0)).isEqualTo("'2026-12-01 00:00:00+01:00'..'2027-01-01 00:00:00+01:00'");
    }

    @Test
    void dayPartitionsStayContiguousAcrossDaylightSavingChanges() {
        PartitionSet s = set(PartitionInterval.DAY, 3, "Europe/Berlin");
        List<Layout.Range> autumn = Layout.ranges(s, ColumnType.TIMESTAMPTZ, LocalDate.of(2026, 10, 23),
                LocalDate.of(2026, 10, 28));
        List<Layout.Range> spring = Layout.ranges(s, ColumnType.TIMESTAMPTZ, LocalDate.of(2027, 3, 26),
                LocalDate.of(2027, 3, 30));
        for (List<Layout.Range> rs : List.of(autumn, spring)) {
            for (int i = 1; i < rs.size(); i++) {
                assertThat(rs.get(i).lower()).isEqualTo(rs.get(i - 1).upper());
            }
        }
        assertThat(Duration.between(autumn.get(2).lower(), autumn.get(2).upper())).isEqualTo(Duration.ofHours(25));
        assertThat(autumn.get(2).name()).isEqualTo("events_p2026_10_25");
        assertThat(Duration.between(spring.get(2).lower(), spring.get(2).upper())).isEqualTo(Duration.ofHours(23));
        // a date or timestamp key has no offsets: days are days
        List<Layout.Range> dates = Layout.ranges(s, ColumnType.DATE, LocalDate.of(2026, 10, 24), LocalDate.of(2026, 10, 26));
        assertThat(dates).extracting(Layout.Range::lowerLiteral).containsExactly("'2026-10-24'", "'2026-10-25'");
        assertThat(Layout.ranges(s, ColumnType.TIMESTAMP, LocalDate.of(2026, 10, 25), LocalDate.of(2026, 10, 26)).get(0)
                .upperLiteral()).isEqualTo("'2026-10-26 00:00:00'");
    }

    @Test
    void weeksStartOnMondayAndQuartersOnTheirFirstMonth() {
        assertThat(PartitionInterval.WEEK.floor(LocalDate.of(2026, 12, 3))).isEqualTo(LocalDate.of(2026, 11, 30));
        assertThat(PartitionInterval.QUARTER.floor(LocalDate.of(2026, 11, 30))).isEqualTo(LocalDate.of(2026, 10, 1));
        assertThat(PartitionInterval.YEAR.next(LocalDate.of(2026, 1, 1))).isEqualTo(LocalDate.of(2027, 1, 1));
        PartitionSet w = set(PartitionInterval.WEEK, 1, "UTC");
        assertThat(w.partitionName(LocalDate.of(2026, 12, 28))).isEqualTo("events_p2026w53");
        assertThat(w.partitionName(LocalDate.of(2027, 1, 4))).isEqualTo("events_p2027w01");
        assertThat(set(PartitionInterval.QUARTER, 1, "UTC").partitionName(LocalDate.of(2026, 10, 1)))
                .isEqualTo("events_p2026q4");
    }

    @Test
    void longParentNamesAreCutSoPartitionNamesFitSixtyThreeBytes() {
        String parent = "a".repeat(63);
        PartitionSet s = new PartitionSet("public", parent, "c", PartitionInterval.DAY, 1, Optional.empty(),
                PartitionSet.Retention.NONE, Optional.empty(), ZoneOffset.UTC, PartitionInterval.DAY.defaultNaming());
        String name = s.partitionName(LocalDate.of(2026, 1, 2));
        assertThat(name).hasSize(63).endsWith("_p2026_01_02");
    }

    @Test
    void retentionTakesWhatEndedBeforeTheCutoffNeverTheOneHoldingItNorTheLastOne() {
        PartitionSet s = set(PartitionInterval.MONTH, 1, "UTC");
        List<Layout.Range> ranges = Layout.ranges(s, ColumnType.TIMESTAMPTZ, LocalDate.of(2026, 5, 1),
                LocalDate.of(2026, 12, 1));
        PartitionedTable t = table(made(ranges));
        Instant now = Instant.parse("2026-11-15T12:00:00Z");
        Layout.Retention r = Layout.retention(t, ColumnType.TIMESTAMPTZ, ZoneOffset.UTC, 2, now);
        assertThat(r.cutoff()).isEqualTo(Instant.parse("2026-09-15T12:00:00Z"));
        // May..August ended before Sep 15; September holds the cutoff and stays
        assertThat(r.due()).extracting(PartitionedTable.Partition::name).containsExactly("events_p2026_05",
                "events_p2026_06", "events_p2026_07", "events_p2026_08");
        // everything long past: the newest partition stays
        Layout.Retention all = Layout.retention(t, ColumnType.TIMESTAMPTZ, ZoneOffset.UTC, 1,
                Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(all.due()).hasSize(ranges.size() - 1);
        assertThat(all.kept()).singleElement().asString().contains("events_p2026_11");
        // the default partition is never due
        List<PartitionedTable.Partition> withDefault = new ArrayList<>(made(ranges));
        withDefault.add(new PartitionedTable.Partition("public", "events_default", "DEFAULT", Optional.empty(),
                Optional.empty(), true, false, false, 10, 0, false, false, null));
        assertThat(Layout.retention(table(withDefault), ColumnType.TIMESTAMPTZ, ZoneOffset.UTC, 1,
                Instant.parse("2030-01-01T00:00:00Z")).due()).extracting(PartitionedTable.Partition::name)
                .doesNotContain("events_default");
    }

    @Test
    void anOverlappingPartitionIsAConflictAndAGapIsSeen() {
        PartitionSet s = set(PartitionInterval.MONTH, 2, "UTC");
        Instant now = Instant.parse("2026-11-10T00:00:00Z");
        PartitionedTable t = table(List.of(
                part("quarter", Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z")),
                part("later", Instant.parse("2027-02-01T00:00:00Z"), Instant.parse("2027-03-01T00:00:00Z"))));
        Layout.Premake p = Layout.premake(t, s, ColumnType.TIMESTAMPTZ, now);
        assertThat(p.conflicts()).extracting(Layout.Conflict::partition).containsOnly("public.quarter");
        assertThat(p.missing()).extracting(Layout.Range::name).containsExactly("events_p2027_01");
        assertThat(Layout.gaps(t)).singleElement().satisfies(g -> {
            assertThat(g.from()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
            assertThat(g.to()).isEqualTo(Instant.parse("2027-02-01T00:00:00Z"));
        });
        assertThat(Layout.runway(t, s, ColumnType.TIMESTAMPTZ, now)).as("December only, then the gap").isEqualTo(1);
    }

    @Test
    void boundsAsPostgresqlPrintsThemAreRead() {
        assertThat(ColumnType.TIMESTAMPTZ.parse("2026-03-01 00:00:00+01")).contains(Instant.parse("2026-02-28T23:00:00Z"));
        assertThat(ColumnType.TIMESTAMPTZ.parse("2026-03-01 00:00:00-07")).contains(Instant.parse("2026-03-01T07:00:00Z"));
        assertThat(ColumnType.TIMESTAMPTZ.parse("2026-03-01 00:00:00+05:30"))
                .contains(Instant.parse("2026-02-28T18:30:00Z"));
        assertThat(ColumnType.TIMESTAMPTZ.parse("2026-03-01 12:00:00.25+00")).contains(Instant.parse("2026-03-01T12:00:00.25Z"));
        assertThat(ColumnType.TIMESTAMP.parse("2026-03-01 00:00:00")).contains(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(ColumnType.DATE.parse("2026-03-01")).contains(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(ColumnType.DATE.parse("infinity")).isEmpty();
        PartitionedTable.Partition p = PartitionCatalog.partition(Optional.of(ColumnType.TIMESTAMPTZ), "public", "p",
                "FOR VALUES FROM ('2026-01-01 00:00:00+00') TO (MAXVALUE)", 5, 8192, false, false, null);
        assertThat(p.lower()).contains(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(p.maxValue()).isTrue();
        assertThat(PartitionCatalog.partition(Optional.of(ColumnType.DATE), "public", "d", "DEFAULT", 1, 0, false, false,
                null).isDefault()).isTrue();
    }
}
