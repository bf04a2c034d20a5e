package io.pgsidecar.connections;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * A pool size per application: it remembers, per {@code application_name}, how many of its sessions
 * were active at each poll over a window, and suggests {@code ceil(peak × 0.5) + buffer}. Half the
 * peak because sessions of a pool are rarely all busy at once; the buffer covers bursts between
 * polls. Owned by the polling thread.
 */
final class PoolSizeAdvisor {

    /** Samples kept per application at most, whatever the poll interval. */
    static final int MAX_SAMPLES = 10_000;
    /** Applications remembered at most; ones not seen for an hour go first. */
    static final int MAX_APPLICATIONS = 1000;

    /** Active sessions of one application at one poll. */
    record Sample(long atMillis, int active) {
    }

    /** The suggestion for one application and the figures it came from. */
    record Advice(int peakActive, int recommended, String basis) {
    }

    private final Duration window;
    private final int buffer;
    private final Map<String, Deque<Sample>> samples = new HashMap<>();

    PoolSizeAdvisor(Duration window, int buffer) {
        this.window = window;
        this.buffer = buffer;
    }

    /** Records this poll's active count of {@code app} and returns the advice over the window. */
    Advice observe(String app, int active, Instant now) {
        Deque<Sample> s = samples.computeIfAbsent(app, k -> new ArrayDeque<>());
        s.addLast(new Sample(now.toEpochMilli(), active));
        long horizon = now.minus(window).toEpochMilli();
        while (!s.isEmpty() && s.peekFirst().atMillis() < horizon) {
            s.removeFirst();
        }
        while (s.size() > MAX_SAMPLES) {
            s.removeFirst();
        }
        int peak = 0;
        for (Sample x : s) {
            peak = Math.max(peak, x.active());
        }
        if (samples.size() > MAX_APPLICATIONS) {
            long stale = now.minus(Duration.ofHours(1)).toEpochMilli();
            samples.entrySet().removeIf(e -> e.getValue().isEmpty() || e.getValue().peekLast().atMillis() < stale);
        }
        return new Advice(peak, recommend(peak, buffer), "peak of " + peak + " active sessions over the last "
                + window.toMinutes() + " min × 0.5 + buffer " + buffer);
    }

    static int recommend(int peakActive, int buffer) {
        return (int) Math.ceil(peakActive * 0.5) + buffer;
    }
}
