package io.pgsidecar.partitions;

import io.pgsidecar.db.ActingSession;
import io.pgsidecar.db.Database;
import io.pgsidecar.leader.LeaderTick;
import io.pgsidecar.metrics.CollectorMetrics;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The partition job on the leader: for each configured set (when partitioning is enabled) premake,
 * finalize interrupted detaches and apply retention, each set on its own so one failing set never
 * stops the others; then read every partitioned table once for the metrics and the alert rules.
 */
@Startup
@ApplicationScoped
public class PartitionJob {

    static final String COLLECTOR = "partitions";
    private static final Logger LOG = Logger.getLogger(PartitionJob.class);

    private final PartitionsConfig config;
    private final PartitionManager manager;
    private final PartitionCatalog catalog;
    private final JobStore jobs;
    private final LeaderTick ticks;
    private final PartitionMetrics metrics;
    private final Database database;
    private final List<PartitionSet> sets;
    private volatile PartitionsState state = PartitionsState.EMPTY;
    private volatile Instant lastRun;

    public PartitionJob(PartitionsConfig config, PartitionManager manager, PartitionCatalog catalog, JobStore jobs,
                        LeaderTick ticks, CollectorMetrics collectors, PartitionMetrics metrics,
                        Database database) {
        this.config = config;
        this.manager = manager;
        this.catalog = catalog;
        this.jobs = jobs;
        this.ticks = ticks;
        this.metrics = metrics;
        this.database = database;
        List<PartitionSet> parsed;
        try {
            parsed = Strategies.parse(config.strategies(), config.retentionMonths());
        } catch (IllegalArgumentException e) {
            parsed = List.of(); // reported by PartitionsConfigCheck, which stops start-up
        }
        this.sets = parsed;
        collectors.register(COLLECTOR, config.interval());
    }

    List<PartitionSet> sets() {
        return sets;
    }

    Optional<PartitionSet> set(String schema, String table) {
        return sets.stream().filter(s -> s.schema().equals(schema) && s.table().equals(table)).findFirst();
    }

    PartitionsState state() {
        return state;
    }

    /**
     * Every tick (10 s by default): the job runs when {@code interval} has passed since its last run on this leader, and
     * at once when this instance becomes leader or the schema is ready, so a new leader does not wait
     * a whole interval.
     */
    @Scheduled(every = "${pgsidecar.partitions.tick}", identity = "partitions-tick", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        ticks.tick(COLLECTOR, config.interval(), new LeaderTick.Job() {
            @Override
            public Instant lastRun() {
                return lastRun;
            }

            @Override
            public void run() {
                lastRun = Instant.now();
                runOnce();
            }

            @Override
            public void follower() {
                lastRun = null;
                metrics.clear();
            }
        });
    }

    /** One run of the job (the tick on the leader, and tests). */
    public void runOnce() {
        if (config.enabled() && !sets.isEmpty()) {
            // one session for the run; each set under its own lock, and a broken session is opened again
            ActingSession s = null;
            try {
                for (PartitionSet set : sets) {
                    if (s == null || !s.valid()) {
                        if (s != null) {
                            s.close();
                        }
                        s = manager.open();
                    }
                    manager.maintain(s, set, config.autoCreate(), "scheduled");
                }
            } catch (java.sql.SQLException e) {
                LOG.warnf("partition job could not open its session: %s", e.getMessage());
                throw new IllegalStateException(e.getMessage(), e);
            } finally {
                if (s != null) {
                    s.close();
                }
            }
            jobs.prune(Instant.now().minus(config.historyRetention()));
        }
        refresh();
    }

    /** Reads every partitioned table once and publishes what the metrics and the rules need. */
    void refresh() {
        Instant now = Instant.now();
        List<PartitionedTable> tables = database.forJob(catalog::read);
        Map<String, JobRecord> latest = jobs.latest();
        Map<String, PartitionsState.TableState> out = new HashMap<>();
        for (PartitionedTable t : tables) {
            Optional<PartitionSet> set = set(t.schema(), t.name());
            long bytes = t.partitions().stream().mapToLong(PartitionedTable.Partition::bytes).sum();
            Optional<PartitionedTable.Partition> def = t.defaultPartition();
            boolean managed = set.isPresent() && t.manageable() && set.get().column().equals(t.keyColumn())
                    && !t.partman();
            if (managed) {
                ColumnType type = t.type().orElseThrow();
                JobRecord job = latest.get(t.qualified());
                Long defaultRows = def.isEmpty() ? null
                        : job != null && job.defaultRows() != null ? job.defaultRows() : (long) def.get().rows();
                out.put(t.qualified(), new PartitionsState.TableState(t.qualified(), true, set.get().premake(),
                        Layout.runway(t, set.get(), type, now), defaultRows, t.partitions().size(), bytes));
            } else {
                // another table, or a configured one the agent cannot manage (its job says why)
                int future = t.type().map(type -> Layout.futurePartitions(t, type.now(now, java.time.ZoneOffset.UTC)))
                        .orElse(0);
                out.put(t.qualified(), new PartitionsState.TableState(t.qualified(), set.isPresent(), null, future,
                        def.map(d -> (long) d.rows()).orElse(null), t.partitions().size(), bytes));
            }
        }
        state = new PartitionsState(now, Map.copyOf(out), jobs.endings());
        metrics.publish(PartitionMetrics.of(state, config.metricsTopTables()));
        LOG.debugf("partition state refreshed: %d partitioned tables", out.size());
    }
}
