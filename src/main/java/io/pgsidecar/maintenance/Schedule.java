package io.pgsidecar.maintenance;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A task's cron schedule (Quartz syntax, as Quarkus' scheduler uses), evaluated in one time zone:
 * the maintenance window's ({@code pgsidecar.maintenance.window-time-zone}, UTC by default), so a
 * schedule meant to fall inside the window stays inside it across daylight saving time.
 */
final class Schedule {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final String expression;
    private final ExecutionTime times;
    private final ZoneId zone;

    private Schedule(String expression, ExecutionTime times, ZoneId zone) {
        this.expression = expression;
        this.times = times;
        this.zone = zone;
    }

    /** @throws IllegalArgumentException when the expression is not a Quartz cron expression */
    static Schedule parse(String expression) {
        return parse(expression, ZoneOffset.UTC);
    }

    /** @throws IllegalArgumentException when the expression is not a Quartz cron expression */
    static Schedule parse(String expression, ZoneId zone) {
        try {
            return new Schedule(expression, ExecutionTime.forCron(PARSER.parse(expression.trim())), zone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a cron expression (" + e.getMessage() + "); for example "
                    + "'0 0 * * * ?' is every hour");
        }
    }

    /**
     * The task's schedule as the agent runs it: its cron in the window's time zone (UTC when that
     * zone is not a zone, which the configuration check reports).
     *
     * @throws IllegalArgumentException when the cron is not a Quartz cron expression
     */
    static Schedule of(Task task, MaintenanceConfig config) {
        return parse(task.settings(config).cron(), zone(config));
    }

    /** The zone schedules and the window are read in. */
    static ZoneId zone(MaintenanceConfig config) {
        try {
            return ZoneId.of(config.windowTimeZone());
        } catch (RuntimeException e) {
            return ZoneOffset.UTC;
        }
    }

    ZoneId zone() {
        return zone;
    }

    /** The first fire after {@code at}. */
    Optional<Instant> next(Instant at) {
        return times.nextExecution(ZonedDateTime.ofInstant(at, zone)).map(ZonedDateTime::toInstant);
    }

    /** The last fire at or before {@code at}. */
    Optional<Instant> last(Instant at) {
        return times.lastExecution(ZonedDateTime.ofInstant(at.plusMillis(1), zone)).map(ZonedDateTime::toInstant);
    }

    /** The time between the last two fires at or before {@code at}: the schedule's period, near enough. */
    Optional<java.time.Duration> period(Instant at) {
        return last(at).flatMap(l -> last(l.minusSeconds(1)).map(b -> java.time.Duration.between(b, l)));
    }

    @Override
    public String toString() {
        return expression;
    }
}
