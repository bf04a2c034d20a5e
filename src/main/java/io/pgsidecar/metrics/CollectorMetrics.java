package io.pgsidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Status(String collector, double lastDurationSeconds, Optional<Instant> lastSuccess,
                         Optional<Instant> lastFailure, Optional<String> lastError, long errors) {
    }

    private final MeterRegistry registry;
    private final OwnedMeters meters;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

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
        volatile String lastError;
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
                    Optional.ofNullable(lastFailure), Optional.ofNullable(lastError), (long) errors.count());
        }
    }

    /** Registers a collector's series before its first run, so they exist from start-up. */
    public void register(String collector) {
        entries.computeIfAbsent(collector, Entry::new);
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
            return Optional.empty();
        }
    }

    public Map<String, Status> statuses() {
        Map<String, Status> out = new java.util.TreeMap<>();
        entries.forEach((k, v) -> out.put(k, v.status()));
        return out;
    }
}
