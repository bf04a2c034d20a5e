package io.pgsidecar.indexes;

import io.pgsidecar.db.SnapshotStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The latest index analysis: computed here (one at a time) and saved as the shared snapshot, or read
 * back from the snapshot another agent saved. Answers from it while it is younger than the TTL, and
 * recomputes on a refresh at most once per minimum interval.
 */
@ApplicationScoped
class IndexCache {

    static final String SNAPSHOT = "indexes";
    private static final Logger LOG = Logger.getLogger(IndexCache.class);

    private final IndexesConfig config;
    private final IndexAnalyzer analyzer;
    private final IndexMetrics metrics;
    private final SnapshotStore snapshots;
    private final Clock clock;
    private final ReentrantLock computing = new ReentrantLock();
    private volatile IndexAnalysis latest;
    /**
     * When {@link #latest} was computed, on this pod's clock: its own computedAt when this agent
     * computed it, else now minus its age as the server measured it (another agent's clock never
     * judges it).
     */
    private volatile Instant latestAt;

    IndexCache(IndexesConfig config, IndexAnalyzer analyzer, IndexMetrics metrics, SnapshotStore snapshots,
               Clock clock) {
        this.config = config;
        this.analyzer = analyzer;
        this.metrics = metrics;
        this.snapshots = snapshots;
        this.clock = clock;
    }

    /** The latest analysis this instance holds, or null. */
    IndexAnalysis latest() {
        return latest;
    }

    /** When the latest analysis this instance holds was computed, on this pod's clock; null when it holds none. */
    Instant latestAt() {
        return latest == null ? null : latestAt;
    }

    /** The analysis: cached while younger than the TTL, recomputed on {@code refresh} at most once per minimum interval. */
    IndexAnalysis analysis(boolean refresh) {
        Instant now = clock.instant();
        IndexAnalysis l = latest;
        Instant at = latestAt;
        if (!refresh) {
            if (fresh(l, at, now, config.cacheTtl())) {
                return l.at(now, true, l.note());
            }
            // a database down: 503 now
            Optional<SnapshotStore.Aged<IndexAnalysis>> stored = snapshots.readAged(SNAPSHOT, IndexAnalysis.class);
            if (stored.isPresent() && stored.get().age().compareTo(config.cacheTtl()) < 0) {
                latestAt = now.minus(stored.get().age());
                latest = stored.get().snapshot();
                metrics.publish(latest);
                return latest.at(now, true, latest.note());
            }
        } else if (fresh(l, at, now, config.refreshMinInterval())) {
            return l.at(now, true, "not recomputed: a refresh runs at most once per "
                    + config.refreshMinInterval().toSeconds() + " s (pgsidecar.indexes.refresh-min-interval)");
        }
        return compute().at(clock.instant(), false, latest.note());
    }

    private static boolean fresh(IndexAnalysis a, Instant at, Instant now, Duration within) {
        return a != null && at != null && now.isBefore(at.plus(within));
    }

    /** Runs the analysis now (one at a time: a second caller waits for the first and gets its answer). */
    IndexAnalysis compute() {
        Instant asked = clock.instant();
        computing.lock();
        try {
            IndexAnalysis l = latest;
            Instant at = latestAt;
            if (l != null && at != null && !at.isBefore(asked)) {
                return l; // computed while this caller waited
            }
            IndexAnalysis a = analyzer.analyze();
            latestAt = a.computedAt();
            latest = a;
            metrics.publish(a);
            snapshots.save(SNAPSHOT, a);
            LOG.debugf("index analysis: %d recommendations in %d ms", a.recommendations().size(), a.durationMs());
            return a;
        } finally {
            computing.unlock();
        }
    }
}
