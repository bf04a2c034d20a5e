package io.pgsidecar.capacity;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.capacity.CapacitySnapshot.Checkpoints;
import io.pgsidecar.capacity.CapacitySnapshot.DatabaseAge;
import io.pgsidecar.capacity.CapacitySnapshot.Estimate;
import io.pgsidecar.capacity.CapacitySnapshot.Growth;
import io.pgsidecar.capacity.CapacitySnapshot.IoByBackend;
import io.pgsidecar.capacity.CapacitySnapshot.IoView;
import io.pgsidecar.capacity.CapacitySnapshot.OverdueTable;
import io.pgsidecar.capacity.CapacitySnapshot.RunningVacuum;
import io.pgsidecar.capacity.CapacitySnapshot.RunsOutView;
import io.pgsidecar.capacity.CapacitySnapshot.SequenceUse;
import io.pgsidecar.capacity.CapacitySnapshot.TableAge;
import io.pgsidecar.capacity.CapacitySnapshot.TableBloat;
import io.pgsidecar.capacity.CapacitySnapshot.VacuumView;
import io.pgsidecar.capacity.CapacitySnapshot.WraparoundView;
import io.pgsidecar.db.CurrentDatabase;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.Rows;
import io.pgsidecar.db.SnapshotStore;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.pgsidecar.replicas.PrimaryView;
import io.pgsidecar.replicas.ReplicaMonitor;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads, on the leader, what the server is about to run out of and whether its background work
 * keeps up: every {@code interval} vacuum progress, overdue tables, wraparound ages with the time to
 * the limit, WAL, checkpoints and IO; every {@code size-interval} sequences, the bloat estimate and
 * the database's size. Rates come from readings kept in memory over {@code rate-window}. Followers
 * serve the snapshot the leader stored.
 */
@Startup
@ApplicationScoped
public class CapacityPoller {

    static final String COLLECTOR = "capacity";
    static final String SIZE_COLLECTOR = "capacity_size";
    static final String SNAPSHOT_KIND = "capacity";
    /** Transaction and multixact ids stop being assigned 3 million short of 2^31. */
    static final long ID_LIMIT = (1L << 31) - 3_000_000L;
    /** Sequences whose rate is followed; beyond, they are listed without a date. */
    static final int MAX_SEQUENCES = 10_000;
    /** The sequences listed, by how much of their limit they used. */
    static final int SEQUENCES_LISTED = 20;

    private final Database database;
    private final CapacityConfig config;
    private final LeaderService leader;
    private final CollectorMetrics collectors;
    private final SnapshotStore store;
    private final CapacityMetrics metrics;
    private final ReplicaMonitor replicas;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<CapacitySnapshot> latest = new AtomicReference<>(CapacitySnapshot.pending());
    private final Readings nextXid;
    private final Readings nextMultixact;
    private final Readings wal;
    private final Readings size;
    private final Readings timed;
    private final Readings requested;
    private final Map<String, Readings> sequences = new HashMap<>();
    private final CurrentDatabase currentDatabase;

    public CapacityPoller(Database database, CapacityConfig config, LeaderService leader, CollectorMetrics collectors,
                          SnapshotStore store, CapacityMetrics metrics, ReplicaMonitor replicas, ObjectMapper json,
                          CurrentDatabase currentDatabase) {
        this.database = database;
        this.currentDatabase = currentDatabase;
        this.config = config;
        this.leader = leader;
        this.collectors = collectors;
        this.store = store;
        this.metrics = metrics;
        this.replicas = replicas;
        this.json = json;
        Duration w = config.rateWindow();
        this.nextXid = new Readings(w);
        this.nextMultixact = new Readings(w);
        this.wal = new Readings(w);
        this.size = new Readings(Duration.ofHours(24).compareTo(w) > 0 ? Duration.ofHours(24) : w);
        this.timed = new Readings(Duration.ofHours(1));
        this.requested = new Readings(Duration.ofHours(1));
        if (config.enabled()) {
            collectors.register(COLLECTOR, config.interval());
            collectors.register(SIZE_COLLECTOR, config.sizeInterval());
        }
    }

    public CapacityConfig config() {
        return config;
    }

    public CapacitySnapshot latest() {
        return latest.get();
    }

    @Scheduled(every = "${pgsidecar.capacity.interval}", identity = "capacity-poll",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!config.enabled()) {
            return;
        }
        if (!leader.isLeader()) {
            store.load(SNAPSHOT_KIND, CapacitySnapshot.class).ifPresent(s -> {
                latest.set(s);
                metrics.update(s);
            });
            return;
        }
        collectors.run(COLLECTOR, this::pollOnce);
    }

    @Scheduled(every = "${pgsidecar.capacity.size-interval}", identity = "capacity-size-poll", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledSize() {
        if (config.enabled() && leader.isLeader()) {
            collectors.run(SIZE_COLLECTOR, this::pollSizes);
        }
    }

    /** The reads of every interval; public for tests. */
    public synchronized CapacitySnapshot pollOnce() {
        Instant now = clock.instant();
        CapacitySnapshot before = latest.get();
        CapacitySnapshot snap = database.forJob(c -> {
            long oid = currentDatabase.remembered(c);
            int version = c.getMetaData().getDatabaseMajorVersion();
            VacuumView vacuum = vacuum(c, oid, now);
            WraparoundView wrap = wraparound(c, now);
            long walBytes = single(c, CapacityQueries.WAL);
            wal.add(now, walBytes);
            IoView io = io(c, version, now);
            RunsOutView runs = before.runsOut() == null
                    ? runsOut(now, List.of(), 0, 0, List.of(), 0, null, walBytes)
                    : withWal(before.runsOut(), walBytes);
            return new CapacitySnapshot(now, vacuum, wrap, runs, io);
        });
        return publish(snap);
    }

    /** The reads of every size interval; public for tests. */
    public synchronized CapacitySnapshot pollSizes() {
        Instant now = clock.instant();
        RunsOutView runs = database.forJob(c -> {
            List<SequenceUse> seqs = new ArrayList<>();
            int[] counts = new int[2];
            readSequences(c, now, seqs, counts);
            List<TableBloat> bloat = new ArrayList<>();
            int unestimated = readBloat(c, bloat);
            long bytes = single(c, CapacityQueries.SIZE);
            size.add(now, bytes);
            long walBytes = single(c, CapacityQueries.WAL);
            wal.add(now, walBytes);
            return runsOut(now, seqs, counts[0], counts[1], bloat, unestimated, bytes, walBytes);
        });
        CapacitySnapshot before = latest.get();
        return publish(new CapacitySnapshot(before.capturedAt() == null ? now : before.capturedAt(), before.vacuum(),
                before.wraparound(), runs, before.io()));
    }

    private CapacitySnapshot publish(CapacitySnapshot snap) {
        latest.set(snap);
        metrics.update(snap);
        store.save(SNAPSHOT_KIND, snap);
        return snap;
    }

    private RunsOutView runsOut(Instant now, List<SequenceUse> seqs, int near, int unreadable, List<TableBloat> bloat,
                                int unestimated, Long bytes, Long walBytes) {
        return new RunsOutView(now, List.copyOf(seqs), near, unreadable, List.copyOf(bloat), unestimated,
                growth(bytes, size), growth(walBytes, wal), slots());
    }

    private RunsOutView withWal(RunsOutView r, long walBytes) {
        return new RunsOutView(r.capturedAt(), r.sequences(), r.sequencesNearLimit(), r.sequencesUnreadable(), r.bloat(),
                r.bloatUnestimated(), r.databaseSize(), growth(walBytes, wal), slots());
    }

    private List<PrimaryView.Slot> slots() {
        PrimaryView p = replicas.latest().primary();
        return p == null ? List.of() : p.slots();
    }

    private static Growth growth(Long current, Readings r) {
        Double rate = r.perSecond();
        double span = r.span().toMillis() / 1000.0;
        return new Growth(current, rate, rate == null ? null : rate * 86_400, span == 0 ? null : span);
    }

    private VacuumView vacuum(Connection c, long oid, Instant now) throws SQLException {
        List<RunningVacuum> running = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CapacityQueries.VACUUM_PROGRESS)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> f = json.readValue(rs.getString("progress"),
                            new TypeReference<LinkedHashMap<String, Object>>() { });
                    Long total = asLong(f.get("heap_blks_total"));
                    Long scanned = asLong(f.get("heap_blks_scanned"));
                    running.add(new RunningVacuum(asLong(f.get("pid")).intValue(), rs.getString("relation"),
                            rs.getBoolean("auto"), rs.getBoolean("wraparound"), (String) f.get("phase"), total, scanned,
                            asLong(f.get("heap_blks_vacuumed")), asLong(f.get("index_vacuum_count")),
                            total == null || scanned == null || total == 0 ? null : scanned / (double) total,
                            Rows.doubleOrNull(rs, "running_seconds"), f));
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("a vacuum progress row could not be read: " + e.getOriginalMessage(), e);
        }
        List<OverdueTable> overdue = new ArrayList<>();
        int overdueCount = 0;
        try (PreparedStatement ps = c.prepareStatement(CapacityQueries.OVERDUE)) {
            ps.setInt(1, config.topTables());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    overdueCount = rs.getInt("overdue");
                    overdue.add(new OverdueTable(rs.getString("tbl"), rs.getLong("n_live_tup"), rs.getLong("n_dead_tup"),
                            rs.getDouble("threshold"), rs.getDouble("ratio"), Rows.longOrNull(rs, 4),
                            Rows.doubleOrNull(rs, "since"), rs.getBoolean("auto")));
                }
            }
        }
        return new VacuumView(now, List.copyOf(running), List.copyOf(overdue), overdueCount);
    }

    private WraparoundView wraparound(Connection c, Instant now) throws SQLException {
        List<DatabaseAge> dbs = new ArrayList<>();
        long freeze = 200_000_000L;
        long mxFreeze = 400_000_000L;
        Long next = null;
        Long nextMx = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(CapacityQueries.WRAPAROUND)) {
            while (rs.next()) {
                dbs.add(new DatabaseAge(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                freeze = rs.getLong(4);
                mxFreeze = rs.getLong(5);
                next = Rows.longOrNull(rs, 6);
                nextMx = Rows.longOrNull(rs, 7);
            }
        }
        if (next != null) {
            nextXid.add(now, next);
        }
        if (nextMx != null) {
            nextMultixact.add(now, nextMx);
        }
        List<TableAge> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CapacityQueries.OLDEST_TABLES)) {
            ps.setInt(1, config.topTables());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new TableAge(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
        }
        DatabaseAge oldestXid = dbs.stream().max(Comparator.comparingLong(DatabaseAge::xidAge)).orElse(null);
        DatabaseAge oldestMx = dbs.stream().max(Comparator.comparingLong(DatabaseAge::multixactAge)).orElse(null);
        Estimate xid = estimate("xid", oldestXid == null ? null : oldestXid.database(),
                oldestXid == null ? 0 : oldestXid.xidAge(), freeze, nextXid, now);
        Estimate mx = estimate("multixact", oldestMx == null ? null : oldestMx.database(),
                oldestMx == null ? 0 : oldestMx.multixactAge(), mxFreeze, nextMx == null ? null : nextMultixact, now);
        return new WraparoundView(now, freeze, mxFreeze, List.copyOf(dbs), List.copyOf(tables), xid, mx);
    }

    /** The time to the limit of an age growing at the rate of {@code readings} (null: no rate). */
    static Estimate estimate(String kind, String database, long age, long freezeMaxAge, Readings readings, Instant now) {
        Double rate = readings == null ? null : readings.perSecond();
        Double span = readings == null ? null : readings.span().toMillis() / 1000.0;
        long remaining = Math.max(0, ID_LIMIT - age);
        boolean growing = rate != null && rate > 0;
        Double toLimit = growing ? Double.valueOf(remaining / rate) : null;
        Double toFreeze = null;
        if (age >= freezeMaxAge) {
            toFreeze = 0.0;
        } else if (growing) {
            toFreeze = (freezeMaxAge - age) / rate;
        }
        return new Estimate(kind, database, age, ID_LIMIT, remaining, rate, span, toLimit,
                toLimit == null ? null : now.plusSeconds((long) Math.min(toLimit, 1e11)), toFreeze);
    }

    private IoView io(Connection c, int version, Instant now) throws SQLException {
        Checkpoints cp;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(version >= 17
                ? CapacityQueries.CHECKPOINTS_PG17 : CapacityQueries.CHECKPOINTS_PG13)) {
            rs.next();
            long t = rs.getLong(1);
            long r = rs.getLong(2);
            timed.add(now, t);
            requested.add(now, r);
            Long dt = timed.change();
            Long dr = requested.change();
            Double share = dt == null || dr == null || dt + dr == 0 ? null : dr / (double) (dt + dr);
            cp = new Checkpoints(t, r, rs.getDouble(3) / 1000, rs.getDouble(4) / 1000, rs.getLong(5), rs.getLong(6),
                    rs.getLong(7), Rows.longOrNull(rs, 8), rs.getLong(9), dt, dr, share);
        }
        List<IoByBackend> io = new ArrayList<>();
        if (version >= 16) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(CapacityQueries.IO_PG16)) {
                while (rs.next()) {
                    Double rt = Rows.doubleOrNull(rs, 3);
                    Double wt = Rows.doubleOrNull(rs, 5);
                    io.add(new IoByBackend(rs.getString(1), rs.getLong(2), rt == null ? null : rt / 1000, rs.getLong(4),
                            wt == null ? null : wt / 1000, rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)));
                }
            }
        }
        return new IoView(now, cp, List.copyOf(io));
    }

    private void readSequences(Connection c, Instant now, List<SequenceUse> out, int[] counts) throws SQLException {
        List<SequenceUse> all = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(CapacityQueries.SEQUENCES)) {
            while (rs.next()) {
                String name = rs.getString("seq");
                Long last = Rows.longOrNull(rs, 3);
                if (!rs.getBoolean("readable")) {
                    counts[1]++;
                }
                Double rate = null;
                if (last != null && (sequences.containsKey(name) || sequences.size() < MAX_SEQUENCES)) {
                    Readings r = sequences.computeIfAbsent(name, x -> new Readings(Duration.ofHours(24)));
                    r.add(now, last);
                    rate = r.perSecond();
                    seen.add(name);
                }
                SequenceUse use = SequenceLimits.use(new SequenceLimits.Row(name, rs.getString("seq_type"), last,
                        rs.getLong("min_value"), rs.getLong("max_value"), rs.getLong("increment_by"),
                        rs.getBoolean("cycle"), rs.getString("tbl"), rs.getString("col"), rs.getString("col_type")),
                        rate, now);
                if (use.usedRatio() != null && use.usedRatio() >= 0.5) {
                    counts[0]++;
                }
                all.add(use);
            }
        }
        sequences.keySet().retainAll(seen);
        all.sort(Comparator.comparing((SequenceUse u) -> u.usedRatio() == null ? -1 : u.usedRatio()).reversed()
                .thenComparing(SequenceUse::sequence));
        out.addAll(all.subList(0, Math.min(SEQUENCES_LISTED, all.size())));
    }

    private int readBloat(Connection c, List<TableBloat> out) throws SQLException {
        int unestimated = 0;
        try (PreparedStatement ps = c.prepareStatement(CapacityQueries.BLOAT)) {
            ps.setLong(1, config.bloatMinSize().asLongValue());
            ps.setInt(2, config.topTables() * 3);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Long wasted = Rows.longOrNull(rs, 3);
                    if (wasted == null) {
                        unestimated++;
                    } else if (out.size() < config.topTables()) {
                        out.add(new TableBloat(rs.getString(1), rs.getLong(2), wasted, Rows.doubleOrNull(rs, 4)));
                    }
                }
            }
        }
        return unestimated;
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }
}
