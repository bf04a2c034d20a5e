package io.pgsidecar.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.pgsidecar.db.DatabaseName;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Puts {@code database="<name>"} on every series, so one Prometheus can scrape many sidecars. */
@Singleton
public class CommonTags {

    @Produces
    @Singleton
    MeterFilter databaseTag(DatabaseName name) {
        return MeterFilter.commonTags(Tags.of("database", name.value()));
    }
}
