package io.pgsidecar.capacity;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgsidecar.capacity.CapacitySnapshot.Checkpoints;
import io.pgsidecar.capacity.CapacitySnapshot.Estimate;
import io.pgsidecar.capacity.CapacitySnapshot.IoByBackend;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Capacity as metrics. Labels are bounded: {@code kind} (xid, multixact; timed, requested), the
 * top sequences and tables of the lists (at most {@code top-tables} and 20), and pg_stat_io's
 * backend types with a few operations. The server's own counters are mirrored as counters.
 */
@ApplicationScoped
public class CapacityMetrics {

    private final MeterRegistry registry;
    private final OwnedMeters meters;
    private final AtomicReference<CapacitySnapshot> latest = new AtomicReference<>(CapacitySnapshot.pending());
    private final MultiGauge sequenceRatio;
    private final MultiGauge bloat;
    private final Map<String, double[]> io = new ConcurrentHashMap<>();
    private volatile boolean backendBuffers;

    public CapacityMetrics(OwnedMeters meters) {
        this.meters = meters;
        this.registry = meters.registry();
        sequenceRatio = MultiGauge.builder("pgsidecar.sequence.used.ratio")
                .description("Share of its limit a sequence has used (its own maximum, or the integer column it "
                        + "feeds where that ends first); the most used sequences").register(registry);
        bloat = MultiGauge.builder("pgsidecar.table.bloat").baseUnit("bytes")
                .description("Estimated wasted space of a table, from its statistics; the most bloated tables")
                .register(registry);
        gauge("pgsidecar.vacuum.running", "Vacuums running in this database now", null,
                s -> s.vacuum() == null ? Double.NaN : s.vacuum().running().size());
        gauge("pgsidecar.autovacuum.overdue.tables", "Tables whose dead rows are past their autovacuum threshold", null,
                s -> s.vacuum() == null ? Double.NaN : s.vacuum().overdueCount());
        for (String kind : List.of("xid", "multixact")) {
            ToDoubleFunction<CapacitySnapshot> est = s -> {
                Estimate e = estimate(s, kind);
                return e == null ? Double.NaN : e.oldestAge();
            };
            meters.own(Gauge.builder("pgsidecar.wraparound.age", latest, r -> est.applyAsDouble(r.get()))
                    .tag("kind", kind).description("Age of the server's oldest unfrozen transaction (xid) or multixact "
                            + "id, in ids").register(registry));
            meters.own(Gauge.builder("pgsidecar.wraparound.to.limit", latest, r -> {
                        Estimate e = estimate(r.get(), kind);
                        return e == null || e.secondsToLimit() == null ? Double.NaN : e.secondsToLimit();
                    }).tag("kind", kind).baseUnit("seconds")
                    .description("Time until the server stops assigning ids, at the rate measured").register(registry));
        }
        gauge("pgsidecar.sequences.near.limit", "Sequences at half of their limit or more", null,
                s -> s.runsOut() == null ? Double.NaN : s.runsOut().sequencesNearLimit());
        gauge("pgsidecar.database.size", "This database's size", "bytes",
                s -> s.runsOut() == null || s.runsOut().databaseSize().current() == null ? Double.NaN
                        : s.runsOut().databaseSize().current());
        counter("pgsidecar.wal.position", "WAL written by the server (its position; replayed on a standby): its "
                + "rate is the WAL generation rate", "bytes", s -> s.runsOut() == null || s.runsOut().wal().current() == null
                ? 0 : s.runsOut().wal().current());
        for (String kind : List.of("timed", "requested")) {
            meters.own(FunctionCounter.builder("pgsidecar.checkpoints", latest, r -> {
                        Checkpoints c = checkpoints(r.get());
                        return c == null ? 0 : kind.equals("timed") ? c.timed() : c.requested();
                    }).tag("kind", kind).description("Checkpoints since the statistics were reset: timed, or requested "
                            + "(WAL filled max_wal_size, or asked for)").register(registry));
        }
        checkpointCounter("pgsidecar.checkpoint.write", "Time checkpoints spent writing files", "seconds",
                Checkpoints::writeSeconds);
        checkpointCounter("pgsidecar.checkpoint.sync", "Time checkpoints spent syncing files", "seconds",
                Checkpoints::syncSeconds);
        checkpointCounter("pgsidecar.checkpoint.buffers.written", "Buffers written by checkpoints", null,
                c -> c.buffersWritten());
        checkpointCounter("pgsidecar.bgwriter.buffers.clean", "Buffers written by the background writer", null,
                c -> c.buffersClean());
        checkpointCounter("pgsidecar.bgwriter.maxwritten.clean", "Times the background writer stopped for writing "
                + "too many buffers", null, c -> c.maxwrittenClean());
        checkpointCounter("pgsidecar.buffers.allocated", "Buffers allocated", null, c -> c.buffersAllocated());
    }

    private void gauge(String name, String help, String unit, ToDoubleFunction<CapacitySnapshot> f) {
        Gauge.Builder<AtomicReference<CapacitySnapshot>> b = Gauge.builder(name, latest, r -> f.applyAsDouble(r.get()))
                .description(help);
        if (unit != null) {
            b.baseUnit(unit);
        }
        meters.own(b.register(registry));
    }

    private void counter(String name, String help, String unit, ToDoubleFunction<CapacitySnapshot> f) {
        FunctionCounter.Builder<AtomicReference<CapacitySnapshot>> b = FunctionCounter.builder(name, latest,
                r -> f.applyAsDouble(r.get())).description(help);
        if (unit != null) {
            b.baseUnit(unit);
        }
        meters.own(b.register(registry));
    }

    private void checkpointCounter(String name, String help, String unit, ToDoubleFunction<Checkpoints> f) {
        counter(name, help, unit, s -> {
            Checkpoints c = checkpoints(s);
            return c == null ? 0 : f.applyAsDouble(c);
        });
    }

    private static Checkpoints checkpoints(CapacitySnapshot s) {
        return s == null || s.io() == null ? null : s.io().checkpoints();
    }

    private static Estimate estimate(CapacitySnapshot s, String kind) {
        if (s == null || s.wraparound() == null) {
            return null;
        }
        return kind.equals("xid") ? s.wraparound().xid() : s.wraparound().multixact();
    }

    void update(CapacitySnapshot snap) {
        latest.set(snap);
        if (snap.runsOut() != null) {
            List<MultiGauge.Row<?>> seq = new ArrayList<>();
            snap.runsOut().sequences().stream().filter(u -> u.usedRatio() != null).limit(10)
                    .forEach(u -> seq.add(MultiGauge.Row.of(Tags.of("sequence", u.sequence()), u.usedRatio())));
            sequenceRatio.register(seq, true);
            List<MultiGauge.Row<?>> b = new ArrayList<>();
            snap.runsOut().bloat().forEach(t -> b.add(MultiGauge.Row.of(Tags.of("table", t.table()), t.wastedBytes())));
            bloat.register(b, true);
        }
        if (snap.io() != null) {
            Checkpoints c = snap.io().checkpoints();
            if (c != null && c.buffersBackend() != null && !backendBuffers) {
                backendBuffers = true;
                checkpointCounter("pgsidecar.backend.buffers.written", "Buffers written by backends themselves (up to "
                        + "PostgreSQL 16; from 17 in pgsidecar_io_operations_total)", null,
                        x -> x.buffersBackend() == null ? 0 : x.buffersBackend());
            }
            for (IoByBackend i : snap.io().io()) {
                ioCounter(i.backendType(), "read", i.reads());
                ioCounter(i.backendType(), "write", i.writes());
                ioCounter(i.backendType(), "extend", i.extended());
                ioCounter(i.backendType(), "hit", i.hits());
                ioCounter(i.backendType(), "eviction", i.evictions());
                ioCounter(i.backendType(), "fsync", i.fsyncs());
                if (i.readSeconds() != null) {
                    ioTime(i.backendType(), "read", i.readSeconds());
                }
                if (i.writeSeconds() != null) {
                    ioTime(i.backendType(), "write", i.writeSeconds());
                }
            }
        }
    }

    private void ioCounter(String backend, String op, double value) {
        double[] holder = io.computeIfAbsent("ops " + backend + " " + op, k -> {
            double[] h = new double[1];
            meters.own(FunctionCounter.builder("pgsidecar.io.operations", h, x -> x[0]).tags("backend_type", backend,
                    "op", op).description("IO operations by kind of process (pg_stat_io, PostgreSQL 16+)")
                    .register(registry));
            return h;
        });
        holder[0] = value;
    }

    private void ioTime(String backend, String op, double seconds) {
        double[] holder = io.computeIfAbsent("time " + backend + " " + op, k -> {
            double[] h = new double[1];
            meters.own(FunctionCounter.builder("pgsidecar.io.time", h, x -> x[0]).baseUnit("seconds")
                    .tags("backend_type", backend, "op", op)
                    .description("Time spent in IO by kind of process (pg_stat_io with track_io_timing)")
                    .register(registry));
            return h;
        });
        holder[0] = seconds;
    }

    void stop(@Observes ShutdownEvent ev) {
        sequenceRatio.register(List.of(), true);
        bloat.register(List.of(), true);
    }
}
