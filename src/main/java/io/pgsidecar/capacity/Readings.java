package io.pgsidecar.capacity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * A counter's readings over a window, for its rate: the change from the oldest reading kept to the
 * newest, over the time between them. Bounded by the window (and {@link #MAX} readings); a fall (a
 * reset, a restart) starts it over.
 */
final class Readings {

    static final int MAX = 1_000;

    private final Duration window;
    private final ArrayDeque<long[]> points = new ArrayDeque<>();

    Readings(Duration window) {
        this.window = window;
    }

    synchronized void add(Instant at, long value) {
        long[] last = points.peekLast();
        if (last != null && value < last[1]) {
            points.clear();
        }
        points.addLast(new long[] {at.toEpochMilli(), value});
        long oldest = at.minus(window).toEpochMilli();
        while (points.size() > 2 && (points.peekFirst()[0] < oldest || points.size() > MAX)) {
            points.removeFirst();
        }
    }

    /** Change per second over the readings kept, or null with fewer than two readings. */
    synchronized Double perSecond() {
        if (points.size() < 2) {
            return null;
        }
        long[] first = points.peekFirst();
        long[] last = points.peekLast();
        double seconds = (last[0] - first[0]) / 1000.0;
        return seconds <= 0 ? null : (last[1] - first[1]) / seconds;
    }

    /** The change over the readings kept, or null with fewer than two. */
    synchronized Long change() {
        if (points.size() < 2) {
            return null;
        }
        return points.peekLast()[1] - points.peekFirst()[1];
    }

    /** How long the readings kept span. */
    synchronized Duration span() {
        return points.size() < 2 ? Duration.ZERO : Duration.ofMillis(points.peekLast()[0] - points.peekFirst()[0]);
    }
}
