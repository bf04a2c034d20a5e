package io.pgsidecar.statements;

import java.util.LinkedHashMap;
import java.util.Map;

/** Values by query id, least recently used evicted first, bounded in entries. Thread-safe. */
final class LruCache<V> {

    private final int capacity;
    private final LinkedHashMap<Long, V> map;

    LruCache(int capacity) {
        this.capacity = Math.max(1, capacity);
        this.map = new LinkedHashMap<>(Math.min(this.capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
                return size() > LruCache.this.capacity;
            }
        };
    }

    synchronized V get(long queryid) {
        return map.get(queryid);
    }

    synchronized boolean contains(long queryid) {
        return map.containsKey(queryid);
    }

    synchronized void put(long queryid, V value) {
        map.put(queryid, value);
    }

    synchronized int size() {
        return map.size();
    }
}
