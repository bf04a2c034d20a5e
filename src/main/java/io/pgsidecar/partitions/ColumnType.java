package io.pgsidecar.partitions;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The partition key types the agent manages, and how their bounds are written and read. Bounds are
 * compared as instants: a {@code timestamptz} bound is the instant itself; a {@code timestamp} or
 * {@code date} bound is its wall-clock value read as if in UTC, and "now" for such a set is the wall
 * clock in the set's time zone read the same way. So each type compares like with like, whatever
 * the session's or the JVM's time zone.
 */
enum ColumnType {
    TIMESTAMPTZ, TIMESTAMP, DATE;

    private static final DateTimeFormatter WALL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter WITH_OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx", Locale.ROOT);
    /** What PostgreSQL prints for a bound: date, optional time with fraction, optional offset. */
    private static final Pattern PRINTED = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})(?:[ T](\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,6})?)?))?\\s*([+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?|Z)?");

    /** From {@code format_type}: empty for a type the agent does not manage. */
    static Optional<ColumnType> of(String formatType) {
        if (formatType == null) {
            return Optional.empty();
        }
        return switch (formatType) {
            case "timestamp with time zone" -> Optional.of(TIMESTAMPTZ);
            case "timestamp without time zone" -> Optional.of(TIMESTAMP);
            case "date" -> Optional.of(DATE);
            default -> Optional.empty();
        };
    }

    /** The instant a partition starting on {@code day} starts at, in the set's zone. */
    Instant start(LocalDate day, ZoneId zone) {
        return this == TIMESTAMPTZ ? day.atStartOfDay(zone).toInstant() : day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** "Now" on the same scale as the bounds. */
    Instant now(Instant now, ZoneId zone) {
        return this == TIMESTAMPTZ ? now : LocalDateTime.ofInstant(now, zone).toInstant(ZoneOffset.UTC);
    }

    /** The day (in the set's zone) an instant on this scale falls on. */
    LocalDate day(Instant at, ZoneId zone) {
        return this == TIMESTAMPTZ ? LocalDate.ofInstant(at, zone) : LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    /** The SQL literal of the bound at the start of {@code day}, with an explicit offset where it matters. */
    String literal(LocalDate day, ZoneId zone) {
        return switch (this) {
            case TIMESTAMPTZ -> "'" + WITH_OFFSET.format(day.atStartOfDay(zone).toOffsetDateTime()) + "'";
            case TIMESTAMP -> "'" + WALL.format(day.atStartOfDay()) + "'";
            case DATE -> "'" + day + "'";
        };
    }

    /** The SQL literal of an instant on this scale (for a WHERE on the column). */
    String literal(Instant at) {
        return switch (this) {
            case TIMESTAMPTZ -> "'" + WITH_OFFSET.format(at.atOffset(ZoneOffset.UTC)) + "'";
            case TIMESTAMP -> "'" + WALL.format(LocalDateTime.ofInstant(at, ZoneOffset.UTC)) + "'";
            case DATE -> "'" + LocalDate.ofInstant(at, ZoneOffset.UTC) + "'";
        };
    }

    /**
     * A bound value as PostgreSQL prints it (without the quotes), on this scale; empty for what the
     * agent cannot place (infinity, BC dates).
     */
    Optional<Instant> parse(String printed) {
        Matcher m = PRINTED.matcher(printed.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        LocalDate date = LocalDate.parse(m.group(1));
        LocalDateTime wall = m.group(2) == null ? date.atStartOfDay()
                : LocalDateTime.parse(m.group(1) + "T" + (m.group(2).length() == 5 ? m.group(2) + ":00" : m.group(2)));
        if (this != TIMESTAMPTZ || m.group(3) == null) {
            return Optional.of(wall.toInstant(ZoneOffset.UTC));
        }
        return Optional.of(OffsetDateTime.of(wall, offset(m.group(3))).toInstant());
    }

    private static ZoneOffset offset(String text) {
        if (text.equals("Z")) {
            return ZoneOffset.UTC;
        }
        String digits = text.substring(1).replace(":", "");
        int h = Integer.parseInt(digits.substring(0, 2));
        int min = digits.length() >= 4 ? Integer.parseInt(digits.substring(2, 4)) : 0;
        int s = digits.length() >= 6 ? Integer.parseInt(digits.substring(4, 6)) : 0;
        int sign = text.charAt(0) == '-' ? -1 : 1;
        return ZoneOffset.ofHoursMinutesSeconds(sign * h, sign * min, sign * s);
    }
}
