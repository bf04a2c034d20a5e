package io.pgsidecar.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs at the real pace from a time the test chose: install it for {@code Clock} with
 * {@code QuarkusMock.installMockForType} to put a scheduler just before a window closes.
 */
public final class MovableClock extends Clock {

    private volatile Instant base;
    private volatile long baseNanos;

    public MovableClock(Instant start) {
        set(start);
    }

    public void set(Instant at) {
        baseNanos = System.nanoTime();
        base = at;
    }

    @Override
    public Instant instant() {
        return base.plusNanos(System.nanoTime() - baseNanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
