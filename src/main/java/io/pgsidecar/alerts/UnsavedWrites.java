package io.pgsidecar.alerts;

import java.util.ArrayList;
import java.util.List;

/**
 * Resolved alerts and dropped pending ones whose write failed (a lock timeout, a blip). They have
 * left the open set, so nothing else remembers them: they are kept here, bounded, and written with
 * the next round.
 */
final class UnsavedWrites {

    /** While the database refuses writes, at most this many of each wait to be stored. */
    static final int MAX = 1000;

    private final List<OpenAlert> resolved = new ArrayList<>();
    private final List<Long> deletes = new ArrayList<>();

    /** Adds what waits to this round's writes, and forgets it (it is given back if the write fails). */
    void drainInto(List<OpenAlert> toWrite, List<Long> toDelete) {
        toWrite.addAll(resolved);
        toDelete.addAll(deletes);
        resolved.clear();
        deletes.clear();
    }

    /** Keeps what a failed write could not store and that nothing else will write again. */
    void failed(List<OpenAlert> written, List<Long> deleted) {
        for (OpenAlert a : written) {
            if (a.state == AlertState.RESOLVED) {
                resolved.add(a);
            }
        }
        deletes.addAll(deleted);
        while (resolved.size() > MAX) {
            resolved.remove(0);
        }
        while (deletes.size() > MAX) {
            deletes.remove(0);
        }
    }

    void clear() {
        resolved.clear();
        deletes.clear();
    }
}
