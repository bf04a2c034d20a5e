package io.pgsidecar.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The agent's own meters, removed from the registry when the application stops. The registry
 * Quarkus hands out outlives an application start within one JVM (tests, dev-mode reloads); a
 * gauge left behind would keep reading the stopped instance and shadow the new one.
 */
@ApplicationScoped
public class OwnedMeters {

    private final MeterRegistry registry;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();

    public OwnedMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Records a meter this application registered, and returns it. */
    public <M extends Meter> M own(M meter) {
        meters.add(meter);
        return meter;
    }

    void stop(@Observes ShutdownEvent ev) {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
