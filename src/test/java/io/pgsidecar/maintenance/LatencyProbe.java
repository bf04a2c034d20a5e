package io.pgsidecar.maintenance;

import io.pgsidecar.testing.PgCluster;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The application while maintenance runs: one session running the given statements in a loop,
 * recording how long the slowest took. Bounded: it stops when asked, or after five minutes.
 */
final class LatencyProbe {

    private final Thread thread;
    private final AtomicLong worstNanos = new AtomicLong();
    private final AtomicLongArray counts;
    private volatile boolean stop;
    private volatile Exception failure;

    private LatencyProbe(PgCluster pg, String[] statements) {
        counts = new AtomicLongArray(statements.length);
        thread = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            try (Connection c = pg.connect("app", "latency-probe"); Statement s = c.createStatement()) {
                while (!stop && System.nanoTime() < deadline) {
                    for (int i = 0; i < statements.length; i++) {
                        long t = System.nanoTime();
                        s.execute(statements[i]);
                        worstNanos.accumulateAndGet(System.nanoTime() - t, Math::max);
                        counts.incrementAndGet(i);
                    }
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                failure = e;
            }
        }, "latency-probe");
        thread.setDaemon(true);
    }

    static LatencyProbe start(PgCluster pg, String... statements) {
        LatencyProbe p = new LatencyProbe(pg, statements);
        p.thread.start();
        return p;
    }

    void stop() throws Exception {
        stop = true;
        thread.join(10_000);
        if (failure != null) {
            throw failure;
        }
    }

    Duration worst() {
        return Duration.ofNanos(worstNanos.get());
    }

    /** How often statement {@code i} ran. */
    long count(int i) {
        return counts.get(i);
    }
}
