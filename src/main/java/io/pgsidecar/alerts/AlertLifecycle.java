package io.pgsidecar.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The lifecycle of every open alert, one evaluation round at a time: an alert seen for the first
 * time is pending; it fires once it has been seen continuously for its rule's {@code for}; when a
 * round no longer sees it, a firing alert is resolved and a pending one is dropped without history.
 * A rule that has no data this round keeps its alerts as they are. Pure: no I/O and no clock, the
 * caller passes {@code now}; only the evaluating thread uses it.
 */
final class AlertLifecycle {

    /** What one round changed. */
    record Round(List<OpenAlert> fired, List<OpenAlert> resolved, List<OpenAlert> toWrite, List<Long> toDelete) {
    }

    private final Duration refreshStoredValues;
    private final Map<String, OpenAlert> open = new HashMap<>();
    /** Per round: the alerts seen, and whether each must be written. */
    private final Map<String, Boolean> seen = new HashMap<>();
    private final List<OpenAlert> fired = new ArrayList<>();

    /** @param refreshStoredValues how often an unchanged open alert's values are written anyway */
    AlertLifecycle(Duration refreshStoredValues) {
        this.refreshStoredValues = refreshStoredValues;
    }

    /** Replaces the open alerts with those a previous leader stored. */
    void load(List<OpenAlert> stored) {
        open.clear();
        for (OpenAlert a : stored) {
            open.put(a.fingerprint, a);
        }
    }

    void clear() {
        open.clear();
        seen.clear();
        fired.clear();
    }

    Collection<OpenAlert> open() {
        return open.values();
    }

    /** Starts a round. */
    void begin() {
        seen.clear();
        fired.clear();
    }

    /**
     * One level breached by one observation this round: creates the alert (pending) or updates it,
     * and fires it once it has been pending for {@code forDuration}.
     */
    OpenAlert observe(String alertname, String severity, Map<String, String> labels, String summary,
                      String description, double value, Double threshold, Duration forDuration, Instant now) {
        String fp = OpenAlert.fingerprint(alertname, labels);
        OpenAlert a = open.get(fp);
        boolean changed = false;
        if (a == null) {
            a = new OpenAlert(fp, alertname, severity, labels);
            a.state = AlertState.PENDING;
            a.pendingSince = now;
            open.put(fp, a);
            changed = true;
        }
        a.summary = summary;
        a.description = description;
        a.value = value;
        a.threshold = threshold;
        a.updatedAt = now;
        if (a.state == AlertState.PENDING && !a.pendingSince.plus(forDuration).isAfter(now)) {
            a.state = AlertState.FIRING;
            a.firingSince = now;
            changed = true;
            fired.add(a);
        }
        seen.merge(fp, changed || a.storedAt == null, Boolean::logicalOr);
        return a;
    }

    /** A rule without data this round (no snapshot yet, or it failed): its open alerts stay as they are. */
    void keep(String alertname) {
        for (OpenAlert a : open.values()) {
            if (a.alertname.equals(alertname)) {
                seen.putIfAbsent(a.fingerprint, a.storedAt == null);
            }
        }
    }

    /** How many of a rule's alerts are pending and firing. */
    record Counts(int pending, int firing) {
    }

    /** Pending and firing alerts of one rule, for the rules view. */
    Counts counts(String alertname) {
        int pending = 0;
        int firing = 0;
        for (OpenAlert a : open.values()) {
            if (a.alertname.equals(alertname)) {
                if (a.state == AlertState.FIRING) {
                    firing++;
                } else {
                    pending++;
                }
            }
        }
        return new Counts(pending, firing);
    }

    /** Ends the round: resolves or drops what was not seen, and says what to write. */
    Round end(Instant now) {
        List<OpenAlert> toWrite = new ArrayList<>();
        List<OpenAlert> resolved = new ArrayList<>();
        List<Long> toDelete = new ArrayList<>();
        for (Iterator<OpenAlert> it = open.values().iterator(); it.hasNext(); ) {
            OpenAlert a = it.next();
            Boolean mustWrite = seen.get(a.fingerprint);
            if (mustWrite != null) {
                if (mustWrite || a.storedAt == null
                        || Duration.between(a.storedAt, now).compareTo(refreshStoredValues) >= 0) {
                    toWrite.add(a);
                }
                continue;
            }
            // condition gone (or the rule was disabled)
            it.remove();
            if (a.state == AlertState.PENDING) {
                if (a.id != 0) {
                    toDelete.add(a.id);
                }
            } else {
                a.state = AlertState.RESOLVED;
                a.resolvedAt = now;
                a.updatedAt = now;
                toWrite.add(a);
                resolved.add(a);
            }
        }
        return new Round(List.copyOf(fired), resolved, toWrite, toDelete);
    }
}
