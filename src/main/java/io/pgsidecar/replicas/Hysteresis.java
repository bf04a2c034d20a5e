package io.pgsidecar.replicas;

/**
 * Health that does not flap: a healthy replica turns unhealthy after {@code failures} bad polls in a
 * row, and an unhealthy one turns healthy after {@code recoveries} good polls in a row. The first
 * poll sets the state directly (there is nothing to flap from).
 */
public final class Hysteresis {

    private final int failures;
    private final int recoveries;
    private Boolean healthy;
    private int bad;
    private int good;

    public Hysteresis(int failures, int recoveries) {
        this.failures = Math.max(1, failures);
        this.recoveries = Math.max(1, recoveries);
    }

    /** Feeds one poll's verdict; returns true when the state changed. */
    public synchronized boolean observe(boolean ok) {
        if (healthy == null) {
            healthy = ok;
            return true;
        }
        if (ok) {
            good++;
            bad = 0;
            if (!healthy && good >= recoveries) {
                healthy = true;
                good = 0;
                return true;
            }
        } else {
            bad++;
            good = 0;
            if (healthy && bad >= failures) {
                healthy = false;
                bad = 0;
                return true;
            }
        }
        return false;
    }

    /**
     * Marks the subject unhealthy now, whatever the counts: for failures no hysteresis should ride
     * out. Returns true when the state changed. It recovers through {@code recoveries} good polls.
     */
    public synchronized boolean fail() {
        boolean changed = !Boolean.FALSE.equals(healthy);
        healthy = false;
        bad = 0;
        good = 0;
        return changed;
    }

    /** Null before the first poll. */
    public synchronized Boolean healthy() {
        return healthy;
    }
}
