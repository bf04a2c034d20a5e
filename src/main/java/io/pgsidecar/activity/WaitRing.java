package io.pgsidecar.activity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of the last {@code history}, in memory: each sample is the count of sessions per
 * {@link Key} (state, wait, application, query id), not a row per session, and keys are shared
 * between samples. Bounded in the number of samples (history over interval) and in the keys of one
 * sample ({@link #MAX_KEYS}; the rest counted under one {@code other} key), so its size does not grow
 * with the number of sessions. Thread-safe.
 */
final class WaitRing {

    /** Most distinct keys one sample keeps; the sessions beyond are counted under {@link Key#OTHER}. */
    static final int MAX_KEYS = 200;
    /** Keys remembered for sharing between samples. */
    private static final int INTERNED = 5_000;

    /**
     * What a sampled session was doing.
     *
     * @param waitClass {@code CPU} (active, no wait event), {@code IdleInTransaction}, or the wait
     *                  event type ({@code Lock}, {@code IO}, {@code LWLock}, ...)
     * @param waitEvent the wait event, or null on CPU
     */
    record Key(String waitClass, String waitEvent, String application, Long queryId) {
        static final Key OTHER = new Key("Other", null, "other", null);
    }

    /** One sampled session, as read. */
    record Session(String state, String waitEventType, String waitEvent, String application, Long queryId) {

        Key key() {
            String app = application == null || application.isEmpty() ? "(none)" : application;
            if (state != null && state.startsWith("idle in transaction")) {
                return new Key("IdleInTransaction", waitEvent, app, queryId);
            }
            if (waitEventType == null) {
                return new Key("CPU", null, app, queryId);
            }
            return new Key(waitEventType, waitEvent, app, queryId);
        }
    }

    /** One sample: when, and how many sessions per key. */
    record Sample(Instant at, Key[] keys, int[] counts) {
        int sessions() {
            int n = 0;
            for (int c : counts) {
                n += c;
            }
            return n;
        }
    }

    private final Duration history;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final Map<Key, Key> interned = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Key> eldest) {
            return size() > INTERNED;
        }
    };

    WaitRing(Duration history) {
        this.history = history;
    }

    /** Adds a sample taken at {@code at} and forgets those older than the history. */
    synchronized Sample add(Instant at, List<Session> sessions) {
        Map<Key, int[]> counts = new HashMap<>();
        for (Session s : sessions) {
            Key k = s.key();
            int[] c = counts.get(k);
            if (c == null) {
                if (counts.size() >= MAX_KEYS) {
                    k = Key.OTHER;
                    c = counts.get(k);
                }
                if (c == null) {
                    c = new int[1];
                    counts.put(k, c);
                }
            }
            c[0]++;
        }
        Key[] keys = new Key[counts.size()];
        int[] n = new int[counts.size()];
        int i = 0;
        for (Map.Entry<Key, int[]> e : counts.entrySet()) {
            keys[i] = interned.computeIfAbsent(e.getKey(), x -> x);
            n[i++] = e.getValue()[0];
        }
        Sample sample = new Sample(at, keys, n);
        samples.addLast(sample);
        Instant oldest = at.minus(history);
        while (!samples.isEmpty() && samples.peekFirst().at().isBefore(oldest)) {
            samples.removeFirst();
        }
        return sample;
    }

    /** The samples taken since {@code from}, oldest first. */
    synchronized List<Sample> since(Instant from) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (!s.at().isBefore(from)) {
                out.add(s);
            }
        }
        return out;
    }

    synchronized int size() {
        return samples.size();
    }

    synchronized void clear() {
        samples.clear();
        interned.clear();
    }

    Duration history() {
        return history;
    }
}
