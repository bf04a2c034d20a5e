package io.pgsidecar.activity;

import io.pgsidecar.activity.BlockingSnapshot.Chain;
import io.pgsidecar.activity.BlockingSnapshot.LockWait;
import io.pgsidecar.activity.BlockingSnapshot.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the blocking trees from the sessions read (pure). A root is a session others wait for that
 * waits on no lock itself; a session waiting on several (a shared lock held by many, or a queue)
 * appears under each. Sessions in a cycle that reaches no root (a deadlock the server has not broken
 * yet) are shown from their lowest pid.
 */
final class BlockingTree {

    /** Most sessions drawn in all trees together. */
    static final int MAX_NODES = 500;
    /** Deepest level drawn. */
    static final int MAX_DEPTH = 16;

    /**
     * One session as the blocking read returns it.
     *
     * @param blockedBy empty when it waits on no lock
     */
    record Row(int pid, String backendStart, String backendType, String user, String applicationName,
               String clientAddress, String state, String waitEventType, String waitEvent, String queryId,
               String query, Double transactionAgeSeconds, Double queryAgeSeconds, List<Integer> blockedBy,
               String waitLockType, String waitMode, String waitObject, Double waitAge, List<String> holds,
               List<String> relations) {

        Double waited() {
            return waitAge != null ? waitAge : blockedBy.isEmpty() ? null : queryAgeSeconds;
        }

        String waitingFor() {
            return waitMode == null ? null : waitMode + " on " + waitLockType + (waitObject == null ? "" : " " + waitObject);
        }
    }

    /** The result: trees, lock waits, whether cut. */
    record Result(int waiting, List<Chain> chains, List<LockWait> lockWaits, boolean truncated) {
    }

    private final Map<Integer, Row> rows = new LinkedHashMap<>();
    private final Map<Integer, Set<Integer>> waiters = new TreeMap<>();
    private int drawn;
    private boolean truncated;

    private BlockingTree(List<Row> read) {
        for (Row r : read) {
            rows.putIfAbsent(r.pid(), r);
        }
        for (Row r : rows.values()) {
            for (int b : r.blockedBy()) {
                waiters.computeIfAbsent(b, x -> new TreeSet<>()).add(r.pid());
            }
        }
    }

    static Result of(List<Row> read) {
        return new BlockingTree(read).build();
    }

    private Result build() {
        List<Integer> roots = new ArrayList<>();
        for (int pid : waiters.keySet()) {
            Row r = rows.get(pid);
            if (r == null || r.blockedBy().isEmpty()) {
                roots.add(pid);
            }
        }
        Set<Integer> reached = new HashSet<>();
        for (int root : roots) {
            reach(root, reached);
        }
        // a cycle reaching no root: shown from its lowest pid
        for (Row r : rows.values()) {
            if (!r.blockedBy().isEmpty() && !reached.contains(r.pid())) {
                roots.add(r.pid());
                reach(r.pid(), reached);
            }
        }
        List<Chain> chains = new ArrayList<>();
        for (int root : roots) {
            Set<Integer> below = new HashSet<>();
            reach(root, below);
            below.remove(root);
            Double longest = null;
            for (int pid : below) {
                Row r = rows.get(pid);
                Double w = r == null ? null : r.waited();
                if (w != null && (longest == null || w > longest)) {
                    longest = w;
                }
            }
            chains.add(new Chain(root, below.size(), longest, null));
        }
        chains.sort(Comparator.comparingInt(Chain::waiting).reversed()
                .thenComparing(c -> c.longestWaitSeconds() == null ? 0 : -c.longestWaitSeconds())
                .thenComparingInt(Chain::rootPid));
        List<Chain> drawnChains = new ArrayList<>();
        for (Chain c : chains) {
            drawnChains.add(new Chain(c.rootPid(), c.waiting(), c.longestWaitSeconds(),
                    node(c.rootPid(), 0, new HashSet<>())));
        }
        int waiting = (int) rows.values().stream().filter(r -> !r.blockedBy().isEmpty()).count();
        return new Result(waiting, List.copyOf(drawnChains), lockWaits(), truncated);
    }

    private void reach(int pid, Set<Integer> seen) {
        if (!seen.add(pid)) {
            return;
        }
        for (int w : waiters.getOrDefault(pid, Set.of())) {
            reach(w, seen);
        }
    }

    private Node node(int pid, int depth, Set<Integer> path) {
        drawn++;
        path.add(pid);
        List<Node> below = new ArrayList<>();
        for (int w : waiters.getOrDefault(pid, Set.of())) {
            if (path.contains(w)) {
                continue;
            }
            if (depth + 1 >= MAX_DEPTH || drawn >= MAX_NODES) {
                truncated = true;
                break;
            }
            below.add(node(w, depth + 1, path));
        }
        path.remove(pid);
        Row r = rows.get(pid);
        if (r == null) {
            // not read: a prepared transaction (pid 0) or a session that ended between the reads
            return new Node(pid, null, null, null, null, null, null, null, null, null,
                    pid == 0 ? "(a prepared transaction: see pg_prepared_xacts)" : "(ended before it was read)",
                    null, null, null, null, List.of(), List.of(), List.of(), List.copyOf(below));
        }
        return new Node(r.pid(), r.backendStart(), r.backendType(), r.user(), r.applicationName(), r.clientAddress(),
                r.state(), r.waitEventType(), r.waitEvent(), r.queryId(), r.query(), r.transactionAgeSeconds(),
                r.queryAgeSeconds(), r.waited(), r.waitingFor(), r.blockedBy(), r.holds(), r.relations(),
                List.copyOf(below));
    }

    private List<LockWait> lockWaits() {
        Map<List<String>, List<Row>> by = new TreeMap<>(Comparator.comparing(Object::toString));
        for (Row r : rows.values()) {
            if (r.waitMode() != null) {
                by.computeIfAbsent(java.util.Arrays.asList(r.waitLockType(), r.waitObject(), r.waitMode()),
                        x -> new ArrayList<>()).add(r);
            }
        }
        List<LockWait> out = new ArrayList<>();
        by.forEach((k, list) -> {
            Double longest = list.stream().map(Row::waited).filter(java.util.Objects::nonNull)
                    .max(Double::compare).orElse(null);
            out.add(new LockWait(k.get(0), k.get(1), k.get(2), list.size(), longest));
        });
        out.sort(Comparator.comparingInt(LockWait::waiting).reversed());
        return List.copyOf(out);
    }
}
