package io.pgsidecar.partitions;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Partition series per table, from the leader's last job: the configured sets plus the largest other
 * partitioned tables up to {@code metrics-top-tables}, so the label set stays bounded. A table that
 * leaves that set loses its series; an instance that does not lead exports none (the leader's
 * reading is the one that counts).
 */
@Startup
@ApplicationScoped
public class PartitionMetrics {

    /** The values of one table's series. */
    record Values(double runway, Double premake, Double defaultRows, double partitions, double lastSuccess,
                  double lastFailure, boolean configured) {
    }

    private final OwnedMeters meters;
    private final Map<String, AtomicReference<Values>> tables = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> registered = new ConcurrentHashMap<>();

    public PartitionMetrics(OwnedMeters meters) {
        this.meters = meters;
    }

    /** Replaces the series with these tables' values; tables not given lose theirs. */
    synchronized void publish(Map<String, Values> values) {
        for (String gone : new ArrayList<>(tables.keySet())) {
            if (!values.containsKey(gone)) {
                remove(gone);
            }
        }
        values.forEach((table, v) -> {
            AtomicReference<Values> ref = tables.get(table);
            if (ref != null && ref.get().configured() == v.configured()
                    && (ref.get().defaultRows() == null) == (v.defaultRows() == null)) {
                ref.set(v);
            } else {
                if (ref != null) {
                    remove(table);
                }
                register(table, v);
            }
        });
    }

    synchronized void clear() {
        for (String t : new ArrayList<>(tables.keySet())) {
            remove(t);
        }
    }

    private void register(String table, Values v) {
        MeterRegistry r = meters.registry();
        AtomicReference<Values> ref = new AtomicReference<>(v);
        tables.put(table, ref);
        List<Meter> m = new ArrayList<>();
        m.add(meters.own(Gauge.builder("pgsidecar.partition.runway", ref, x -> x.get().runway()).baseUnit("intervals")
                .tag("table", table).description("Whole intervals ahead of now that partitions cover (a configured set); "
                        + "for another table, its partitions starting after now").register(r)));
        m.add(meters.own(Gauge.builder("pgsidecar.partitions", ref, x -> x.get().partitions()).tag("table", table)
                .description("Partitions of the table (the default partition included)").register(r)));
        if (v.defaultRows() != null) {
            m.add(meters.own(Gauge.builder("pgsidecar.partition.default.rows", ref,
                            x -> x.get().defaultRows() == null ? 0 : x.get().defaultRows()).tag("table", table)
                    .description("Rows in the default partition (counted up to 1,000,000 for a configured set, "
                            + "estimated for another table)").register(r)));
        }
        if (v.configured()) {
            m.add(meters.own(Gauge.builder("pgsidecar.partition.premake", ref, x -> x.get().premake() == null ? 0
                            : x.get().premake()).baseUnit("intervals").tag("table", table)
                    .description("Future partitions the set keeps (its premake)").register(r)));
            m.add(meters.own(Gauge.builder("pgsidecar.partition.job.last.success.timestamp", ref,
                            x -> x.get().lastSuccess()).baseUnit("seconds").tag("table", table)
                    .description("When the set's partition job last ended ok, on any agent (Unix time; 0 = never)")
                    .register(r)));
            m.add(meters.own(Gauge.builder("pgsidecar.partition.job.last.failure.timestamp", ref,
                            x -> x.get().lastFailure()).baseUnit("seconds").tag("table", table)
                    .description("When the set's partition job last ended blocked or failed, on any agent (Unix time; "
                            + "0 = never)").register(r)));
        }
        registered.put(table, m);
    }

    private void remove(String table) {
        tables.remove(table);
        for (Meter m : registered.getOrDefault(table, List.of())) {
            meters.registry().remove(m);
        }
        registered.remove(table);
    }

    static double seconds(Instant at) {
        return at == null ? 0 : at.toEpochMilli() / 1e3;
    }

    /** The values of a state, configured sets first, then the largest other tables up to {@code top}. */
    static Map<String, Values> of(PartitionsState state, int top) {
        Map<String, Values> out = new HashMap<>();
        List<PartitionsState.TableState> others = new ArrayList<>();
        for (PartitionsState.TableState t : state.tables().values()) {
            if (t.configured()) {
                out.put(t.table(), values(t, state));
            } else {
                others.add(t);
            }
        }
        others.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        for (PartitionsState.TableState t : others.subList(0, Math.min(top, others.size()))) {
            out.put(t.table(), values(t, state));
        }
        return out;
    }

    private static Values values(PartitionsState.TableState t, PartitionsState state) {
        return new Values(t.runway(), t.premake() == null ? null : t.premake().doubleValue(),
                t.defaultRows() == null ? null : t.defaultRows().doubleValue(), t.partitions(),
                seconds(state.endings().ok().get(t.table())), seconds(state.endings().notOk().get(t.table())),
                t.configured());
    }
}
