package io.pgsidecar.activity;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sessions waited for over a window of samples: the "active session history" of
 * pg_wait_sampling or pganalyze, read from the ring. A session counted in a sample stands for one
 * sample interval of that session's time ({@code session_seconds}); divided by the samples it is
 * the average number of sessions doing that ({@code average_sessions}).
 *
 * @param samples samples in the window (fewer than the window holds when the sampler missed some
 *                or started within it)
 * @param averageActiveSessions sessions not idle, on average over the samples
 * @param waitEvents the top waits overall (CPU is a session active without a wait event)
 * @param byApplication the top applications, each with its top waits
 * @param byQueryId the top statements by query id, each with its text and top waits
 * @param series the window in buckets, average sessions per wait class in each (the stacked chart)
 * @param sampledHere false on a follower: the leader samples, ask it
 */
@RegisterForReflection
public record WaitsReport(Instant from, Instant to, int samples, double sampleIntervalSeconds,
                          double averageActiveSessions, List<WaitEvent> waitEvents, List<ByApplication> byApplication,
                          List<ByQuery> byQueryId, Series series, boolean sampledHere) {

    /** The wait classes in the order the chart stacks them; one not listed comes after them. */
    public static final List<String> CLASSES = List.of("CPU", "Lock", "LWLock", "IO", "IPC", "BufferPin", "Client",
            "IdleInTransaction", "Activity", "Extension", "Timeout", "Other");
    /** Buckets the series has at most. */
    static final int BUCKETS = 60;
    /** Waits listed under each application and query id. */
    static final int NESTED = 5;

    @RegisterForReflection
    public record WaitEvent(String waitClass, String waitEvent, double sessionSeconds, double averageSessions,
                            double share) {
    }

    @RegisterForReflection
    public record ByApplication(String applicationName, double sessionSeconds, double averageSessions,
                                List<WaitEvent> waitEvents) {
    }

    /** @param query the statement's text from pg_stat_statements; null only when it could not be read in time */
    @RegisterForReflection
    public record ByQuery(String queryId, String query, double sessionSeconds, double averageSessions,
                          List<WaitEvent> waitEvents) {
    }

    @RegisterForReflection
    public record Series(double bucketSeconds, List<String> classes, List<Bucket> buckets) {
    }

    /** @param sessions average sessions per wait class in the bucket (classes with none left out) */
    @RegisterForReflection
    public record Bucket(Instant start, int samples, Map<String, Double> sessions) {
    }

    /** The report of {@code samples} (oldest first) over the window {@code from}..{@code to}. */
    static WaitsReport of(List<WaitRing.Sample> samples, Instant from, Instant to, Duration interval, int limit) {
        double step = interval.toNanos() / 1e9;
        int n = samples.size();
        Map<WaitKey, long[]> overall = new HashMap<>();
        Map<String, Map<WaitKey, long[]>> perApp = new HashMap<>();
        Map<Long, Map<WaitKey, long[]>> perQuery = new HashMap<>();
        long total = 0;
        for (WaitRing.Sample s : samples) {
            for (int i = 0; i < s.keys().length; i++) {
                WaitRing.Key k = s.keys()[i];
                int c = s.counts()[i];
                WaitKey w = new WaitKey(k.waitClass(), k.waitEvent());
                add(overall, w, c);
                add(perApp.computeIfAbsent(k.application(), x -> new HashMap<>()), w, c);
                if (k.queryId() != null && k.queryId() != 0) {
                    add(perQuery.computeIfAbsent(k.queryId(), x -> new HashMap<>()), w, c);
                }
                total += c;
            }
        }
        long all = total;
        List<ByApplication> apps = new ArrayList<>();
        perApp.forEach((app, waits) -> {
            long sum = sum(waits);
            apps.add(new ByApplication(app, sum * step, avg(sum, n), top(waits, NESTED, sum, step, n)));
        });
        apps.sort(Comparator.comparingDouble(ByApplication::sessionSeconds).reversed()
                .thenComparing(ByApplication::applicationName));
        List<ByQuery> queries = new ArrayList<>();
        perQuery.forEach((id, waits) -> {
            long sum = sum(waits);
            queries.add(new ByQuery(Long.toString(id), null, sum * step, avg(sum, n), top(waits, NESTED, sum, step, n)));
        });
        queries.sort(Comparator.comparingDouble(ByQuery::sessionSeconds).reversed().thenComparing(ByQuery::queryId));
        return new WaitsReport(from, to, n, step, avg(all, n), top(overall, limit, all, step, n),
                List.copyOf(apps.subList(0, Math.min(limit, apps.size()))),
                List.copyOf(queries.subList(0, Math.min(limit, queries.size()))), series(samples, from, to, step), true);
    }

    /** The same report with the texts of its statements. */
    WaitsReport withTexts(Map<Long, String> texts) {
        List<ByQuery> q = byQueryId.stream().map(b -> new ByQuery(b.queryId(), texts.get(Long.parseLong(b.queryId())),
                b.sessionSeconds(), b.averageSessions(), b.waitEvents())).toList();
        return new WaitsReport(from, to, samples, sampleIntervalSeconds, averageActiveSessions, waitEvents,
                byApplication, q, series, sampledHere);
    }

    /** An empty report saying that this agent does not sample (a follower, or the feature is off). */
    static WaitsReport notSampled(Instant from, Instant to, Duration interval) {
        return new WaitsReport(from, to, 0, interval.toNanos() / 1e9, 0, List.of(), List.of(), List.of(),
                new Series(0, CLASSES, List.of()), false);
    }

    private record WaitKey(String waitClass, String waitEvent) {
    }

    private static void add(Map<WaitKey, long[]> m, WaitKey k, int c) {
        m.computeIfAbsent(k, x -> new long[1])[0] += c;
    }

    private static long sum(Map<WaitKey, long[]> m) {
        long s = 0;
        for (long[] v : m.values()) {
            s += v[0];
        }
        return s;
    }

    private static double avg(long count, int samples) {
        return samples == 0 ? 0 : count / (double) samples;
    }

    private static List<WaitEvent> top(Map<WaitKey, long[]> m, int limit, long all, double step, int samples) {
        List<WaitEvent> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(new WaitEvent(k.waitClass(), k.waitEvent(), v[0] * step, avg(v[0], samples),
                all == 0 ? 0 : v[0] / (double) all)));
        out.sort(Comparator.comparingDouble(WaitEvent::sessionSeconds).reversed()
                .thenComparing(WaitEvent::waitClass).thenComparing(w -> w.waitEvent() == null ? "" : w.waitEvent()));
        return List.copyOf(out.subList(0, Math.min(limit, out.size())));
    }

    private static Series series(List<WaitRing.Sample> samples, Instant from, Instant to, double step) {
        double span = Math.max(step, Duration.between(from, to).toNanos() / 1e9);
        double width = Math.max(step, Math.ceil(span / BUCKETS));
        int buckets = (int) Math.ceil(span / width);
        List<Map<String, long[]>> counts = new ArrayList<>();
        int[] taken = new int[buckets];
        for (int i = 0; i < buckets; i++) {
            counts.add(new LinkedHashMap<>());
        }
        List<String> classes = new ArrayList<>(CLASSES);
        for (WaitRing.Sample s : samples) {
            int b = (int) Math.min(buckets - 1, Math.max(0, Duration.between(from, s.at()).toNanos() / 1e9 / width));
            taken[b]++;
            for (int i = 0; i < s.keys().length; i++) {
                String cls = s.keys()[i].waitClass();
                if (!classes.contains(cls)) {
                    classes.add(cls);
                }
                counts.get(b).computeIfAbsent(cls, x -> new long[1])[0] += s.counts()[i];
            }
        }
        List<Bucket> out = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            Map<String, Double> avg = new LinkedHashMap<>();
            for (String cls : classes) {
                long[] c = counts.get(b).get(cls);
                if (c != null && taken[b] > 0) {
                    avg.put(cls, c[0] / (double) taken[b]);
                }
            }
            out.add(new Bucket(from.plusMillis((long) (b * width * 1000)), taken[b], avg));
        }
        return new Series(width, List.copyOf(classes), List.copyOf(out));
    }
}
