package io.pgsidecar.maintenance;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A weekly maintenance window such as {@code Sat-Sun 01:00-05:00}, {@code Mon-Fri 22:00-02:00}
 * (ending the next morning) or {@code daily 01:00-05:00}, in a time zone. The days are the days the
 * window opens. Pure: tested with fixed instants.
 */
public record Window(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {

    private static final Pattern SHAPE = Pattern.compile(
            "(?i)(daily|[a-z]{3}(?:-[a-z]{3})?(?:,[a-z]{3}(?:-[a-z]{3})?)*)\\s+(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");

    /**
     * @throws IllegalArgumentException with what was expected
     */
    public static Window parse(String text, String zone) {
        var m = SHAPE.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected days and hours such as Sat-Sun 01:00-05:00, Mon-Fri 22:00-02:00 "
                    + "or daily 01:00-05:00");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        if (m.group(1).equalsIgnoreCase("daily")) {
            days.addAll(EnumSet.allOf(DayOfWeek.class));
        } else {
            for (String part : m.group(1).split(",")) {
                String[] range = part.split("-");
                DayOfWeek from = day(range[0]);
                DayOfWeek to = range.length > 1 ? day(range[1]) : from;
                for (DayOfWeek d = from; ; d = d.plus(1)) {
                    days.add(d);
                    if (d == to) {
                        break;
                    }
                }
            }
        }
        LocalTime start;
        LocalTime end;
        try {
            start = LocalTime.parse(m.group(2));
            end = LocalTime.parse(m.group(3));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("hours must be HH:MM between 00:00 and 23:59");
        }
        if (start.equals(end)) {
            throw new IllegalArgumentException("the window starts and ends at the same time");
        }
        ZoneId z;
        try {
            z = ZoneId.of(zone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + zone + "'");
        }
        return new Window(days, start, end, z);
    }

    private static DayOfWeek day(String abbreviation) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().substring(0, 3).equalsIgnoreCase(abbreviation)) {
                return d;
            }
        }
        throw new IllegalArgumentException("'" + abbreviation + "' is not a day (Mon, Tue, ... Sun)");
    }

    /** The opening that contains {@code at}, as its end instant; empty when {@code at} is outside. */
    public Optional<Instant> openUntil(Instant at) {
        ZonedDateTime t = at.atZone(zone);
        // an opening that started today, or yesterday and runs past midnight
        for (int back = 0; back <= 1; back++) {
            ZonedDateTime day = t.minusDays(back);
            if (!days.contains(day.getDayOfWeek())) {
                continue;
            }
            ZonedDateTime opens = day.toLocalDate().atTime(start).atZone(zone);
            ZonedDateTime closes = day.toLocalDate().atTime(end).atZone(zone);
            if (!end.isAfter(start)) {
                closes = closes.plusDays(1);
            }
            if (!t.isBefore(opens) && t.isBefore(closes)) {
                return Optional.of(closes.toInstant());
            }
        }
        return Optional.empty();
    }

    /** The next time the window opens at or after {@code at}. */
    public Instant nextOpening(Instant at) {
        ZonedDateTime t = at.atZone(zone);
        for (int ahead = 0; ahead <= 8; ahead++) {
            ZonedDateTime day = t.plusDays(ahead);
            ZonedDateTime opens = day.toLocalDate().atTime(start).atZone(zone);
            if (days.contains(day.getDayOfWeek()) && !opens.isBefore(t)) {
                return opens.toInstant();
            }
        }
        return at.plus(Duration.ofDays(7));
    }

    /**
     * The first fire of {@code schedule} inside an opening of this window between {@code from} and
     * {@code until}; empty when it never fires inside (every scheduled run would be skipped). One
     * look-up per opening, so a schedule every few seconds costs no more than a weekly one.
     */
    Optional<Instant> firstFireInside(Schedule schedule, Instant from, Instant until) {
        ZonedDateTime day = from.atZone(zone).toLocalDate().minusDays(1).atStartOfDay(zone);
        while (day.toInstant().isBefore(until)) {
            if (days.contains(day.getDayOfWeek())) {
                Instant opens = day.toLocalDate().atTime(start).atZone(zone).toInstant();
                ZonedDateTime closing = day.toLocalDate().atTime(end).atZone(zone);
                Instant closes = (end.isAfter(start) ? closing : closing.plusDays(1)).toInstant();
                Instant after = (opens.isBefore(from) ? from : opens).minusMillis(1);
                Optional<Instant> fire = closes.isAfter(from) ? schedule.next(after) : Optional.empty();
                if (fire.isPresent() && fire.get().isBefore(closes) && fire.get().isBefore(until)) {
                    return fire;
                }
            }
            day = day.toLocalDate().plusDays(1).atStartOfDay(zone);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (DayOfWeek d : days) {
            b.append(b.length() == 0 ? "" : ",").append(d.name().substring(0, 3).charAt(0))
                    .append(d.name().substring(1, 3).toLowerCase(Locale.ROOT));
        }
        return b + " " + start + "-" + end + " " + zone;
    }
}
