package io.pgsidecar.activity;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Activity as metrics, labelled by wait class only (a dozen values, whatever the sessions do):
 * sampled session time per class (its rate is the average number of sessions in that class), the
 * latest sample per class, and who blocks whom from the latest blocking read. The deadlocks are the
 * statements feature's {@code pgsidecar_database_deadlocks_total}.
 */
@ApplicationScoped
public class ActivityMetrics {

    private final MeterRegistry registry;
    private final OwnedMeters meters;
    private final Map<String, Counter> sessionSeconds = new ConcurrentHashMap<>();
    private final MultiGauge current;
    private final AtomicReference<BlockingSnapshot> latest = new AtomicReference<>(
            BlockingSnapshot.empty(null, new BlockingSnapshot.Deadlocks(null, null, null)));

    public ActivityMetrics(OwnedMeters meters) {
        this.meters = meters;
        this.registry = meters.registry();
        current = MultiGauge.builder("pgsidecar.activity.sessions")
                .description("Sessions of this database not idle at the latest sample, by wait class (CPU: active "
                        + "without a wait event)").register(registry);
        meters.own(Gauge.builder("pgsidecar.blocked.sessions", latest, s -> s.get().waiting())
                .description("Sessions of this database waiting on a lock at the latest blocking read").register(registry));
        meters.own(Gauge.builder("pgsidecar.blocking.chains", latest, s -> s.get().chains().size())
                .description("Root blockers: sessions others wait for that wait on no lock themselves").register(registry));
        meters.own(Gauge.builder("pgsidecar.lock.wait.longest", latest, s -> longest(s.get()))
                .baseUnit("seconds").description("The longest lock wait of a session of this database").register(registry));
    }

    private static double longest(BlockingSnapshot s) {
        double max = 0;
        for (BlockingSnapshot.LockWait w : s.lockWaits()) {
            if (w.longestWaitSeconds() != null) {
                max = Math.max(max, w.longestWaitSeconds());
            }
        }
        return max;
    }

    /** A sample taken: its sessions per wait class. */
    void sampled(WaitRing.Sample sample, Duration interval) {
        double step = interval.toNanos() / 1e9;
        Map<String, Integer> byClass = new LinkedHashMap<>();
        for (String c : WaitsReport.CLASSES) {
            byClass.put(c, 0);
        }
        for (int i = 0; i < sample.keys().length; i++) {
            String c = sample.keys()[i].waitClass();
            byClass.merge(WaitsReport.CLASSES.contains(c) ? c : "Other", sample.counts()[i], Integer::sum);
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        byClass.forEach((c, n) -> {
            rows.add(MultiGauge.Row.of(Tags.of("wait_class", c), n));
            if (n > 0) {
                sessionSeconds.computeIfAbsent(c, x -> meters.own(Counter.builder("pgsidecar.activity.session.seconds")
                        .tag("wait_class", x).baseUnit("seconds")
                        .description("Sampled time of this database's sessions by wait class; its rate is the "
                                + "average number of sessions in the class").register(registry))).increment(n * step);
            }
        });
        current.register(rows, true);
    }

    void blocking(BlockingSnapshot snap) {
        latest.set(snap);
    }

    void stop(@Observes ShutdownEvent ev) {
        current.register(List.of(), true);
    }
}
