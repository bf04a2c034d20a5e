package io.pgsidecar.maintenance;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/** A task's cron schedule (Quartz syntax, as Quarkus' scheduler uses), evaluated in UTC. */
final class Schedule {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final String expression;
    private final ExecutionTime times;

    private Schedule(String expression, ExecutionTime times) {
        this.expression = expression;
        this.times = times;
    }

    /** @throws IllegalArgumentException when the expression is not a Quartz cron expression */
    static Schedule parse(String expression) {
        try {
            return new Schedule(expression, ExecutionTime.forCron(PARSER.parse(expression.trim())));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a cron expression (" + e.getMessage() + "); for example "
                    + "'0 0 * * * ?' is every hour");
        }
    }

    /** The first fire after {@code at}. */
    Optional<Instant> next(Instant at) {
        return times.nextExecution(ZonedDateTime.ofInstant(at, ZoneOffset.UTC)).map(ZonedDateTime::toInstant);
    }

    /** The last fire at or before {@code at}. */
    Optional<Instant> last(Instant at) {
        return times.lastExecution(ZonedDateTime.ofInstant(at.plusMillis(1), ZoneOffset.UTC)).map(ZonedDateTime::toInstant);
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
