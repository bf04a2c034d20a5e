package io.pgsidecar.activity;

import io.pgsidecar.activity.BlockingSnapshot.Deadlocks;
import io.pgsidecar.db.CurrentDatabase;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.Rows;
import io.pgsidecar.db.SnapshotStore;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Samples this database's sessions on the leader every {@code sample-interval} into the
 * {@link WaitRing}, and every {@code blocking-interval} reads who blocks whom in detail when the
 * latest sample saw a session waiting on a lock (and the deadlock count always), publishing a
 * {@link BlockingSnapshot} that followers load from the store. Followers keep no samples: the
 * waits are answered by the leader.
 */
@Startup
@ApplicationScoped
public class ActivitySampler {

    static final String SAMPLE_COLLECTOR = "activity_sample";
    static final String BLOCKING_COLLECTOR = "blocking";
    static final String SNAPSHOT_KIND = "blocking";
    static final int QUERY_TEXT = 1024;
    /** A follower loads the leader's blocking snapshot every this many of its ticks. */
    private static final int FOLLOWER_LOAD_EVERY = 6;

    private final Database database;
    private final ActivityConfig config;
    private final LeaderService leader;
    private final CollectorMetrics collectors;
    private final SnapshotStore store;
    private final ActivityMetrics metrics;
    private final WaitRing ring;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<BlockingSnapshot> blocking;
    /** (time, total) of the deadlock reads of the last hour. */
    private final ArrayDeque<long[]> deadlockReads = new ArrayDeque<>();
    private volatile boolean lockWaitSeen;
    private final CurrentDatabase currentDatabase;
    private volatile boolean sampling;
    private int followerTicks;

    public ActivitySampler(Database database, ActivityConfig config, LeaderService leader, CollectorMetrics collectors,
                           SnapshotStore store, ActivityMetrics metrics, CurrentDatabase currentDatabase) {
        this.database = database;
        this.currentDatabase = currentDatabase;
        this.config = config;
        this.leader = leader;
        this.collectors = collectors;
        this.store = store;
        this.metrics = metrics;
        this.ring = new WaitRing(config.history());
        this.blocking = new AtomicReference<>(BlockingSnapshot.empty(null, new Deadlocks(null, null, null)));
        if (config.enabled()) {
            collectors.registerQuiet(SAMPLE_COLLECTOR, config.sampleInterval());
            collectors.register(BLOCKING_COLLECTOR, config.blockingInterval());
        }
    }

    public ActivityConfig config() {
        return config;
    }

    /** The latest blocking read (on a follower, the leader's as stored). */
    public BlockingSnapshot blocking() {
        return blocking.get();
    }

    /** Whether this agent holds samples now (the leader, with the feature on). */
    public boolean samplesHere() {
        return config.enabled() && sampling;
    }

    /** The samples since {@code from}, oldest first. */
    List<WaitRing.Sample> samplesSince(Instant from) {
        return ring.since(from);
    }

    @Scheduled(every = "${pgsidecar.activity.sample-interval}", identity = "activity-sample",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledSample() {
        if (!config.enabled()) {
            return;
        }
        if (!leader.isLeader()) {
            if (sampling) {
                sampling = false;
                ring.clear();
            }
            return;
        }
        collectors.run(SAMPLE_COLLECTOR, this::sampleOnce);
    }

    @Scheduled(every = "${pgsidecar.activity.blocking-interval}", identity = "activity-blocking",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledBlocking() {
        if (!config.enabled()) {
            return;
        }
        if (!leader.isLeader()) {
            if (followerTicks++ % FOLLOWER_LOAD_EVERY == 0) {
                store.load(SNAPSHOT_KIND, BlockingSnapshot.class).ifPresent(s -> {
                    blocking.set(s);
                    metrics.blocking(s);
                });
            }
            return;
        }
        followerTicks = 0;
        collectors.run(BLOCKING_COLLECTOR, () -> read(false));
    }

    /** One sample; public for tests. */
    public synchronized WaitRing.Sample sampleOnce() {
        Instant now = clock.instant();
        List<WaitRing.Session> sessions = new ArrayList<>();
        boolean[] lockWait = {false};
        database.forJob(c -> {
            long oid = currentDatabase.remembered(c);
            String sql = c.getMetaData().getDatabaseMajorVersion() >= 14 ? ActivityQueries.SAMPLE
                    : ActivityQueries.SAMPLE_PG13;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, oid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sessions.add(new WaitRing.Session(rs.getString("state"), rs.getString("wait_event_type"),
                                rs.getString("wait_event"), rs.getString("application_name"),
                                Rows.longOrNull(rs, 7)));
                        if (rs.getArray("blocked_by") != null) {
                            lockWait[0] = true;
                        }
                    }
                }
            }
            return null;
        });
        sampling = true;
        boolean first = !lockWaitSeen && lockWait[0];
        lockWaitSeen = lockWait[0];
        WaitRing.Sample sample = ring.add(now, sessions);
        metrics.sampled(sample, config.sampleInterval());
        if (first) {
            // a wait began: read who blocks whom now rather than at the next blocking tick
            collectors.run(BLOCKING_COLLECTOR, () -> read(true));
        }
        return sample;
    }

    /** One blocking read in detail, whatever the samples saw; public for tests. */
    public BlockingSnapshot readBlocking() {
        return read(true);
    }

    /**
     * One blocking read: the deadlock count, and who blocks whom in detail when {@code always}, when
     * the latest sample saw a lock wait, while the last read still had chains, or when there are no
     * samples to tell (not sampling yet, or the sampler failing).
     */
    private synchronized BlockingSnapshot read(boolean always) {
        Instant now = clock.instant();
        boolean detail = always || lockWaitSeen || !blocking.get().chains().isEmpty() || !sampling;
        BlockingSnapshot snap = database.forJob(c -> {
            long oid = currentDatabase.remembered(c);
            Deadlocks deadlocks = deadlocks(c, oid, now);
            if (!detail) {
                return BlockingSnapshot.empty(now, deadlocks);
            }
            List<BlockingTree.Row> rows = new ArrayList<>();
            String sql = c.getMetaData().getDatabaseMajorVersion() >= 14 ? ActivityQueries.BLOCKING
                    : ActivityQueries.BLOCKING_PG13;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, oid);
                ps.setInt(2, QUERY_TEXT);
                ps.setLong(3, oid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Long queryId = Rows.longOrNull(rs, 9);
                        rows.add(new BlockingTree.Row(rs.getInt("pid"), rs.getString("backend_start"),
                                rs.getString("backend_type"), rs.getString("usename"), rs.getString("application_name"),
                                rs.getString("client_addr"), rs.getString("state"), rs.getString("wait_event_type"),
                                rs.getString("wait_event"), queryId == null || queryId == 0 ? null : queryId.toString(),
                                rs.getString("query"), Rows.doubleOrNull(rs, "xact_age"),
                                Rows.doubleOrNull(rs, "query_age"), ints(rs.getArray("blocked_by")),
                                rs.getString("wait_locktype"), rs.getString("wait_mode"), rs.getString("wait_object"),
                                Rows.doubleOrNull(rs, "wait_age"), texts(rs.getArray("holds")),
                                texts(rs.getArray("relations"))));
                    }
                }
            }
            BlockingTree.Result tree = BlockingTree.of(rows);
            return new BlockingSnapshot(now, tree.waiting(), tree.chains(), tree.lockWaits(), deadlocks,
                    tree.truncated());
        });
        BlockingSnapshot before = blocking.getAndSet(snap);
        metrics.blocking(snap);
        if (!snap.chains().isEmpty() || !before.chains().isEmpty() || before.capturedAt() == null
                || Duration.between(before.capturedAt(), now).compareTo(Duration.ofMinutes(1)) >= 0) {
            store.save(SNAPSHOT_KIND, snap);
        }
        return snap;
    }

    /**
     * The texts that sessions run now for {@code ids}, for statements not in pg_stat_statements
     * yet (a first execution still running, as a lock wait is); within {@code bound}, else none.
     */
    java.util.Map<Long, String> runningTexts(List<Long> ids, Duration bound) {
        try {
            return database.withConnection(bound, c -> {
                java.util.Map<Long, String> out = new java.util.HashMap<>();
                if (c.getMetaData().getDatabaseMajorVersion() < 14) {
                    return out;
                }
                try (PreparedStatement ps = c.prepareStatement(ActivityQueries.RUNNING_TEXTS)) {
                    ps.setInt(1, QUERY_TEXT);
                    ps.setLong(2, currentDatabase.remembered(c));
                    ps.setArray(3, c.createArrayOf("bigint", ids.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getLong(1), rs.getString(2));
                        }
                    }
                }
                return out;
            });
        } catch (RuntimeException e) {
            return java.util.Map.of();
        }
    }

    private Deadlocks deadlocks(Connection c, long oid, Instant now) throws SQLException {
        long total;
        try (PreparedStatement ps = c.prepareStatement(ActivityQueries.DEADLOCKS)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
        }
        long[] previous = deadlockReads.peekLast();
        if (previous != null && total < previous[1]) {
            deadlockReads.clear(); // the statistics were reset
            previous = null;
        }
        deadlockReads.addLast(new long[] {now.toEpochMilli(), total});
        long hourAgo = now.minus(Duration.ofHours(1)).toEpochMilli();
        while (deadlockReads.size() > 1 && deadlockReads.peekFirst()[0] < hourAgo) {
            deadlockReads.removeFirst();
        }
        return new Deadlocks(total, previous == null ? null : total - previous[1], total - deadlockReads.peekFirst()[1]);
    }

    private static List<Integer> ints(Array a) throws SQLException {
        if (a == null) {
            return List.of();
        }
        Object[] values = (Object[]) a.getArray();
        List<Integer> out = new ArrayList<>(values.length);
        for (Object v : values) {
            out.add(((Number) v).intValue());
        }
        return List.copyOf(out);
    }

    private static List<String> texts(Array a) throws SQLException {
        if (a == null) {
            return List.of();
        }
        return Arrays.stream((Object[]) a.getArray()).map(String::valueOf).sorted().toList();
    }
}
