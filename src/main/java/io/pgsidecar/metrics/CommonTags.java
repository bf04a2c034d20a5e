package io.pgsidecar.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.pgsidecar.db.DatabaseName;
import io.quarkus.micrometer.runtime.MeterFilterConstraint;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Puts {@code database="<name>"} on every series, so one Prometheus can scrape many sidecars.
 * Applied to the Prometheus registry of this application start only, not to the JVM-wide global
 * registry, where filters would pile up across restarts (tests, dev-mode reloads).
 */
@Singleton
public class CommonTags {

    @Produces
    @Singleton
    @MeterFilterConstraint(applyTo = PrometheusMeterRegistry.class)
    MeterFilter databaseTag(DatabaseName name) {
        return MeterFilter.commonTags(Tags.of("database", name.value()));
    }
}
