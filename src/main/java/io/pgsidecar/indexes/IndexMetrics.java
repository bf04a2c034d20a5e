package io.pgsidecar.indexes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Index series from the latest analysis (recommendations by priority, unused and invalid indexes)
 * and the builds' outcomes. Registered at start-up so every series exists before the first analysis;
 * labels are bounded (three priorities, three outcomes).
 */
@Startup
@ApplicationScoped
public class IndexMetrics {

    private static final List<String> OUTCOMES = List.of("valid", "failed", "refused");

    private final OwnedMeters meters;
    private final Map<String, Counter> builds = new ConcurrentHashMap<>();
    private volatile double high;
    private volatile double medium;
    private volatile double low;
    private volatile double unused;
    private volatile double unusedBytes;
    private volatile double invalid;
    private volatile double analysedAt;

    public IndexMetrics(OwnedMeters meters) {
        this.meters = meters;
        MeterRegistry r = meters.registry();
        recommendations(r, "high", m -> m.high);
        recommendations(r, "medium", m -> m.medium);
        recommendations(r, "low", m -> m.low);
        meters.own(Gauge.builder("pgsidecar.indexes.unused", this, m -> m.unused).description("Indexes never scanned on "
                + "the primary nor on any replica since the statistics began (primary keys, unique and constraint "
                + "indexes left out)").register(r));
        meters.own(Gauge.builder("pgsidecar.index.unused", this, m -> m.unusedBytes).baseUnit("bytes")
                .description("Total size of the unused indexes").register(r));
        meters.own(Gauge.builder("pgsidecar.indexes.invalid", this, m -> m.invalid).description("Invalid indexes no "
                + "build is working on").register(r));
        meters.own(Gauge.builder("pgsidecar.index.analysis.timestamp", this, m -> m.analysedAt).baseUnit("seconds")
                .description("When the last index analysis ran (unix time; 0 before the first)").register(r));
        for (String o : OUTCOMES) {
            builds.put(o, meters.own(Counter.builder("pgsidecar.index.builds").tag("outcome", o)
                    .description("Index builds the agent ran or refused, by outcome").register(r)));
        }
    }

    private void recommendations(MeterRegistry r, String priority, java.util.function.ToDoubleFunction<IndexMetrics> f) {
        meters.own(Gauge.builder("pgsidecar.index.recommendations", this, f).tag("priority", priority)
                .description("Current index recommendations by priority").register(r));
    }

    void publish(IndexAnalysis a) {
        high = count(a, "high");
        medium = count(a, "medium");
        low = count(a, "low");
        unused = a.unusedIndexes().size();
        unusedBytes = a.unusedIndexes().stream().mapToLong(IndexAnalysis.Unused::sizeBytes).sum();
        invalid = a.invalidIndexes().size();
        analysedAt = a.computedAt().toEpochMilli() / 1000.0;
    }

    private static double count(IndexAnalysis a, String priority) {
        return a.recommendations().stream().filter(r -> priority.equals(r.priority())).count();
    }

    /** Counts a build's outcome: valid, failed or refused ({@code exists} is no build and not counted). */
    void build(String outcome) {
        Counter c = builds.get(outcome);
        if (c != null) {
            c.increment();
        }
    }
}
