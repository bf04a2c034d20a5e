package io.pgsidecar.testing;

import static org.awaitility.Awaitility.await;

import io.pgsidecar.metrics.CollectorMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the finished runs of one collector of the agent under test, so a test that proves
 * something stays true "in the passes after it" waits for those passes, not for a fixed time that
 * may cover fewer of them on a busy machine.
 */
public final class CollectorRuns {

    private final AtomicInteger finished = new AtomicInteger();

    private CollectorRuns() {
    }

    /** Counts from now on: runs of {@code collector} finished (well or not). */
    public static CollectorRuns of(CollectorMetrics collectors, String collector) {
        CollectorRuns runs = new CollectorRuns();
        collectors.onRunFinished(name -> {
            if (name.equals(collector)) {
                runs.finished.incrementAndGet();
            }
        });
        return runs;
    }

    public int count() {
        return finished.get();
    }

    /**
     * Waits until {@code passes} more runs have finished than had when called: with two, at least
     * one whole run started after the call.
     */
    public void awaitMore(int passes, Duration atMost) {
        int from = finished.get();
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> finished.get() >= from + passes);
    }
}
