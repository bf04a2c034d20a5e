package io.pgsidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The one way a scheduled poller or job runs its work, so every collector exports the same three
 * series by construction: {@code pgsidecar_collector_duration_seconds{collector}} (last run),
 * {@code pgsidecar_collector_last_success_timestamp_seconds{collector}} and
 * {@code pgsidecar_collector_errors_total{collector}}.
 */
@ApplicationScoped
public class CollectorMetrics {

    private static final Logger LOG = Logger.getLogger(CollectorMetrics.class);

    /** Work a collector does once. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    /** What is known about one collector. */
    @RegisterForReflection
    public record Status(String collector, double lastDurationSeconds, Optional<Instant> lastSuccess,
                         Optional<Instant> lastFailure, Optional<String> lastError, long errors,
                         Optional<Duration> interval, Instant registeredAt) {
    }

    private final MeterRegistry registry;
    private final OwnedMeters meters;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    public CollectorMetrics(OwnedMeters meters) {
        this.meters = meters;
        this.registry = meters.registry();
        this.clock = Clock.systemUTC();
    }

    private final class Entry {
        final String name;
        final AtomicLong lastDurationNanos = new AtomicLong();
        final AtomicLong lastSuccessMillis = new AtomicLong();
        volatile Instant lastFailure;
        volatile Duration interval;
        final Instant registeredAt = clock.instant();
        volatile String lastError;
        volatile boolean quiet;
        final Counter errors;

        Entry(String name) {
            this.name = name;
            meters.own(Gauge.builder("pgsidecar.collector.duration", lastDurationNanos, v -> v.get() / 1e9)
                    .baseUnit("seconds").tag("collector", name)
                    .description("How long the collector's last run took").register(registry));
            meters.own(Gauge.builder("pgsidecar.collector.last.success.timestamp", lastSuccessMillis, v -> v.get() / 1e3)
                    .baseUnit("seconds").tag("collector", name)
                    .description("When the collector last succeeded (Unix time; 0 = never)").register(registry));
            errors = meters.own(Counter.builder("pgsidecar.collector.errors").tag("collector", name)
                    .description("Runs of the collector that failed").register(registry));
        }

        Status status() {
            long ok = lastSuccessMillis.get();
            return new Status(name, lastDurationNanos.get() / 1e9,
                    ok == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(ok)),
                    Optional.ofNullable(lastFailure), Optional.ofNullable(lastError), (long) errors.count(),
                    Optional.ofNullable(interval), registeredAt);
        }
    }


    /**
     * Registers a collector before its first run, so its series exist from start-up, with how often it
     * is meant to run; the interval is exported
     * ({@code pgsidecar_collector_interval_seconds}) so "has not succeeded for N runs" can be told.
     */
    public void register(String collector, Duration interval) {
        Entry e = entries.computeIfAbsent(collector, Entry::new);
        if (e.interval == null) {
            e.interval = interval;
            meters.own(Gauge.builder("pgsidecar.collector.interval", e, x -> x.interval.toNanos() / 1e9)
                    .baseUnit("seconds").tag("collector", collector)
                    .description("How often the collector is meant to run").register(registry));
        }
    }

    /**
     * Registers a collector that runs so often (every second) that the listeners are not told of its
     * runs: the alert engine would otherwise evaluate every rule each time. Its rules read what a
     * slower collector of the same feature publishes.
     */
    public void registerQuiet(String collector, Duration interval) {
        register(collector, interval);
        entries.get(collector).quiet = true;
    }

    /**
     * Called after every run, successful or not, on the collector's thread: a listener must only
     * hand work off (the alert engine schedules an evaluation).
     */
    public void onRunFinished(Consumer<String> listener) {
        listeners.add(listener);
    }

    private void finished(Entry entry) {
        if (entry.quiet) {
            return;
        }
        String collector = entry.name;
        for (Consumer<String> l : listeners) {
            try {
                l.accept(collector);
            } catch (RuntimeException e) {
                LOG.debugf("collector listener failed: %s", e.getMessage());
            }
        }
    }

    /**
     * Runs {@code work}, timing it; a failure is counted and logged (once per distinct message),
     * never thrown, so one failing collector cannot stop the scheduler.
     */
    public <T> Optional<T> run(String collector, Work<T> work) {
        Entry e = entries.computeIfAbsent(collector, Entry::new);
        long start = System.nanoTime();
        try {
            T result = work.run();
            e.lastDurationNanos.set(System.nanoTime() - start);
            e.lastSuccessMillis.set(clock.millis());
            if (e.lastError != null) {
                LOG.infof("collector %s recovered", collector);
                e.lastError = null;
            }
            finished(e);
            return Optional.ofNullable(result);
        } catch (Exception ex) {
            e.lastDurationNanos.set(System.nanoTime() - start);
            e.errors.increment();
            String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            if (!msg.equals(e.lastError)) {
                LOG.warnf("collector %s failed: %s", collector, msg);
            }
            e.lastError = msg;
            e.lastFailure = clock.instant();
            finished(e);
            return Optional.empty();
        }
    }

    public Map<String, Status> statuses() {
        Map<String, Status> out = new TreeMap<>();
        entries.forEach((k, v) -> out.put(k, v.status()));
        return out;
    }
}
