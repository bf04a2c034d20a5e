package io.pgsidecar.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.pgsidecar.config.DatabaseName;
import io.quarkus.micrometer.runtime.MeterFilterConstraint;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * What every series of the scrape has in common, applied to the Prometheus registry of this
 * application start only (not to the JVM-wide global registry, where filters would pile up across
 * restarts: tests, dev-mode reloads).
 */
@Singleton
public class CommonTags {

    /** {@code database="<name>"} on every series, so one Prometheus can scrape many sidecars. */
    @Produces
    @Singleton
    @MeterFilterConstraint(applyTo = PrometheusMeterRegistry.class)
    MeterFilter databaseTag(DatabaseName name) {
        return MeterFilter.commonTags(Tags.of("database", name.value()));
    }

    /**
     * No series of the Vert.x SQL client's own metrics. Quarkus' Vert.x binder gives every reactive
     * pool (the replicas', {@code ReactivePools}) client meters named after the pool's metrics name,
     * which is empty: {@code .current} and friends, exported as {@code m__current} with the
     * camelCase labels {@code clientName} and {@code clientType} and without the database tag's
     * meaning. The replica monitor exports what matters of those connections under its own names
     * ({@code pgsidecar_replica_*}), so these are dropped rather than renamed.
     */
    @Produces
    @Singleton
    @MeterFilterConstraint(applyTo = PrometheusMeterRegistry.class)
    MeterFilter noSqlClientMeters() {
        return MeterFilter.deny(id -> id.getTag("clientType") != null);
    }

    /**
     * HELP texts without double quotes. The Prometheus text format allows only {@code \\} and
     * {@code \n} escapes in HELP lines, so a quote escaped as {@code \"} (some of Micrometer's own
     * JVM meters have them) makes strict parsers such as {@code promtool check metrics} reject the
     * whole scrape.
     */
    @Produces
    @Singleton
    @MeterFilterConstraint(applyTo = PrometheusMeterRegistry.class)
    MeterFilter plainHelpTexts() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String help = id.getDescription();
                if (help == null || help.indexOf('"') < 0) {
                    return id;
                }
                return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
                        help.replace('"', '\''), id.getType());
            }
        };
    }
}
