package io.pgsidecar.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The active silences as the evaluating leader sees them: re-read every few seconds, or at once
 * after this instance changed one. A failed read keeps the last list.
 */
final class SilenceCache {

    private static final Logger LOG = Logger.getLogger(SilenceCache.class);

    private final Supplier<List<Silence>> source;
    private final Duration refresh;
    private List<Silence> silences = List.of();
    private Instant readAt = Instant.EPOCH;
    private volatile boolean dirty;

    SilenceCache(Supplier<List<Silence>> source, Duration refresh) {
        this.source = source;
        this.refresh = refresh;
    }

    void markDirty() {
        dirty = true;
    }

    void refresh(Instant now) {
        if (dirty || Duration.between(readAt, now).compareTo(refresh) >= 0) {
            try {
                dirty = false;
                silences = source.get();
                readAt = now;
            } catch (RuntimeException e) {
                LOG.debugf("silences not read: %s", e.getMessage());
            }
        }
    }

    /** Ids of the active silences that match an alert's labels. */
    List<Long> matching(Map<String, String> labels, Instant now) {
        return Silence.matching(silences, labels, now);
    }
}
