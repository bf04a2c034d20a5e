package io.pgsidecar.activity;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/**
 * Who blocks whom at one read: each root blocker (a session others wait for, itself waiting on no
 * lock) with the tree of the sessions waiting on it, the lock waits by object and mode, and the
 * database's deadlocks.
 *
 * @param waiting sessions of this database waiting on a lock
 * @param truncated the trees were cut (more than {@link BlockingTree#MAX_NODES} sessions, or deeper
 *                  than {@link BlockingTree#MAX_DEPTH}); the counts are whole
 */
@RegisterForReflection
public record BlockingSnapshot(Instant capturedAt, int waiting, List<Chain> chains, List<LockWait> lockWaits,
                               Deadlocks deadlocks, boolean truncated) {

    /**
     * One root blocker and what waits on it.
     *
     * @param waiting sessions waiting on the root, directly or through another waiter
     * @param longestWaitSeconds the longest of their waits
     */
    @RegisterForReflection
    public record Chain(int rootPid, int waiting, Double longestWaitSeconds, Node root) {
    }

    /**
     * A session in a tree. {@code backend_start} is what cancel and terminate re-check, so it is
     * passed back to them as read here.
     *
     * @param waitingFor the lock it waits for ({@code ShareLock on transactionid 745}), null for a root
     * @param waitSeconds how long it has waited for it (14+: pg_locks.waitstart; 13: its statement's age)
     * @param blockedBy every session it waits for (pg_blocking_pids)
     * @param holds what it holds that a waiter waits for
     * @param relations the application relations it holds locks on, with their modes
     */
    @RegisterForReflection
    public record Node(int pid, String backendStart, String backendType, String user, String applicationName,
                       String clientAddress, String state, String waitEventType, String waitEvent, String queryId,
                       String query, Double transactionAgeSeconds, Double queryAgeSeconds, Double waitSeconds,
                       String waitingFor, List<Integer> blockedBy, List<String> holds, List<String> relations,
                       List<Node> waiters) {
    }

    /** Sessions waiting for one lock mode on one object. */
    @RegisterForReflection
    public record LockWait(String lockType, String object, String mode, int waiting, Double longestWaitSeconds) {
    }

    /**
     * The database's deadlocks (pg_stat_database), counted by the server.
     *
     * @param total since the database's statistics were reset
     * @param lastInterval since the read before (a blocking interval ago)
     * @param lastHour over the last hour this agent has read (less while it has read for less)
     */
    @RegisterForReflection
    public record Deadlocks(Long total, Long lastInterval, Long lastHour) {
    }

    static BlockingSnapshot empty(Instant at, Deadlocks deadlocks) {
        return new BlockingSnapshot(at, 0, List.of(), List.of(), deadlocks, false);
    }
}
