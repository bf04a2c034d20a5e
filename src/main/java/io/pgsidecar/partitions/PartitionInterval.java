package io.pgsidecar.partitions;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The length of one partition. Every interval starts at a local midnight: a week on Monday (ISO
 * weeks, as {@code date_trunc('week')}), a quarter on January, April, July or October 1.
 */
public enum PartitionInterval {
    DAY("{parent}_p{YYYY}_{MM}_{DD}", 1),
    WEEK("{parent}_p{IYYY}w{IW}", 7),
    MONTH("{parent}_p{YYYY}_{MM}", 30.44),
    QUARTER("{parent}_p{YYYY}q{Q}", 91.31),
    YEAR("{parent}_p{YYYY}", 365.25);

    private final String naming;
    private final double days;

    PartitionInterval(String naming, double days) {
        this.naming = naming;
        this.days = days;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The default name pattern: pg_partman 4's, so names look familiar to those coming from it. */
    String defaultNaming() {
        return naming;
    }

    /** Average length in days (for sizing suggestions only). */
    double days() {
        return days;
    }

    public static Optional<PartitionInterval> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(i -> i.label().equals(t)).findFirst();
    }

    /** The first day of the interval that contains {@code d}. */
    LocalDate floor(LocalDate d) {
        return switch (this) {
            case DAY -> d;
            case WEEK -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> d.withDayOfMonth(1);
            case QUARTER -> d.withDayOfMonth(1).withMonth((d.get(IsoFields.QUARTER_OF_YEAR) - 1) * 3 + 1);
            case YEAR -> d.withDayOfYear(1);
        };
    }

    /** The first day of the interval after the one starting at {@code start}. */
    LocalDate next(LocalDate start) {
        return switch (this) {
            case DAY -> start.plusDays(1);
            case WEEK -> start.plusWeeks(1);
            case MONTH -> start.plusMonths(1);
            case QUARTER -> start.plusMonths(3);
            case YEAR -> start.plusYears(1);
        };
    }

    /** Whether {@code d} is the first day of an interval. */
    boolean isStart(LocalDate d) {
        return floor(d).equals(d);
    }
}
