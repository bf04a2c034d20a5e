package io.pgsidecar.statements;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgsidecar.metrics.OwnedMeters;
import io.pgsidecar.statements.StatementsSnapshot.StatementStat;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Query statistics as metrics, with a bounded number of series: the top N statements of the last
 * interval (by total time) get a {@code queryid} label and everything else is summed as
 * {@code queryid="other"}, so the series count is the same for 100 or 20,000 statements. Query
 * text is never a label; the admin API serves it. Exported by the leader, which polls.
 */
@ApplicationScoped
public class StatementMetrics {

    static final List<String> STATES = List.of("available", "not_loaded", "not_installed", "no_permission", "error",
            "pending");

    private final StatementsConfig config;
    private final MultiGauge calls;
    private final MultiGauge execSeconds;
    private final MultiGauge meanSeconds;
    private final MultiGauge rows;
    /** Shared blocks read; "other" counts the listed statements outside the top N only. */
    private final MultiGauge blocksRead;
    private final MultiGauge typeCalls;
    private final MultiGauge typeSeconds;
    private final MultiGauge state;
    private final Counter rebaselined;
    private final Counter dealloc;
    private final Counter textReads;
    private final Counter restarts;
    private final Counter rollbacks;
    private final Counter deadlocks;
    private final Counter transactions;
    private final Counter conflicts;
    private final Counter tempFiles;
    private final Counter tempBytes;
    private final AtomicReference<StatementsSnapshot> last = new AtomicReference<>(StatementsSnapshot.pending());

    public StatementMetrics(StatementsConfig config, OwnedMeters meters) {
        this.config = config;
        MeterRegistry r = meters.registry();
        calls = MultiGauge.builder("pgsidecar.statement.calls")
                .description("Calls of the statement in the last interval (top N by time; queryid=\"other\" for the rest)")
                .register(r);
        execSeconds = MultiGauge.builder("pgsidecar.statement.exec").baseUnit("seconds")
                .description("Execution time of the statement in the last interval").register(r);
        meanSeconds = MultiGauge.builder("pgsidecar.statement.mean").baseUnit("seconds")
                .description("Mean execution time of the statement in the last interval").register(r);
        rows = MultiGauge.builder("pgsidecar.statement.rows")
                .description("Rows returned or affected by the statement in the last interval").register(r);
        blocksRead = MultiGauge.builder("pgsidecar.statement.shared.blocks.read")
                .description("Shared blocks the statement read from disk or OS cache in the last interval").register(r);
        typeCalls = MultiGauge.builder("pgsidecar.statements.calls")
                .description("Calls in the last interval by statement type").register(r);
        typeSeconds = MultiGauge.builder("pgsidecar.statements.exec").baseUnit("seconds")
                .description("Execution time in the last interval by statement type").register(r);
        state = MultiGauge.builder("pgsidecar.statements.state")
                .description("1 for the current state of pg_stat_statements (available, not_loaded, ...)").register(r);
        meters.own(Gauge.builder("pgsidecar.statements.available", last, s -> s.get().availability().available() ? 1 : 0)
                .description("1 when pg_stat_statements can be read").register(r));
        meters.own(Gauge.builder("pgsidecar.statements.entries", last, s -> s.get().entries())
                .description("Entries in pg_stat_statements for this database").register(r));
        meters.own(Gauge.builder("pgsidecar.slow.queries", last, s -> s.get().slowQueries().size())
                .description("Statements whose mean time in the last interval reached the slow-query threshold")
                .register(r));
        meters.own(Gauge.builder("pgsidecar.statements.n.plus.one", last, s -> s.get().nPlusOne().size())
                .description("N+1 candidates in the last interval").register(r));
        meters.own(Gauge.builder("pgsidecar.statements.regressions", last, s -> s.get().regressions().size())
                .description("Statements slower than their baseline").register(r));
        rebaselined = meters.own(Counter.builder("pgsidecar.statements.rebaselined")
                .description("Entries taken as new baselines (new, evicted and back, reset)").register(r));
        textReads = meters.own(Counter.builder("pgsidecar.statements.text.reads")
                .description("Reads of query texts by the poller (each loads the server's whole query-text file)")
                .register(r));
        dealloc = meters.own(Counter.builder("pgsidecar.statements.dealloc")
                .description("Entries pg_stat_statements evicted to make room").register(r));
        restarts = meters.own(Counter.builder("pgsidecar.server.restarts")
                .description("Server restarts seen between polls").register(r));
        rollbacks = meters.own(Counter.builder("pgsidecar.database.rollbacks").description("Rolled back transactions").register(r));
        deadlocks = meters.own(Counter.builder("pgsidecar.database.deadlocks").description("Deadlocks detected").register(r));
        transactions = meters.own(Counter.builder("pgsidecar.database.transactions")
                .description("Committed and rolled back transactions").register(r));
        meters.own(Gauge.builder("pgsidecar.database.cache.hit.ratio", last, x -> x.get().databaseRates() == null
                        || x.get().databaseRates().cacheHitRatio() == null ? Double.NaN
                        : x.get().databaseRates().cacheHitRatio())
                .description("Share of block reads served from shared buffers in the last interval").register(r));
        conflicts = meters.own(Counter.builder("pgsidecar.database.conflicts")
                .description("Queries cancelled by recovery conflicts").register(r));
        tempFiles = meters.own(Counter.builder("pgsidecar.database.temp.files").description("Temporary files written").register(r));
        tempBytes = meters.own(Counter.builder("pgsidecar.database.temp").baseUnit("bytes")
                .description("Bytes written to temporary files").register(r));
    }

    /** The poller read query texts once. */
    void textRead() {
        textReads.increment();
    }

    /** How often the poller has read query texts since the start. */
    public double textReads() {
        return textReads.count();
    }

    void update(StatementsSnapshot s) {
        last.set(s);
        List<MultiGauge.Row<?>> c = new ArrayList<>();
        List<MultiGauge.Row<?>> e = new ArrayList<>();
        List<MultiGauge.Row<?>> m = new ArrayList<>();
        List<MultiGauge.Row<?>> ro = new ArrayList<>();
        List<MultiGauge.Row<?>> b = new ArrayList<>();
        // "other" is everything outside the top N: the totals (over all statements) minus the top
        long otherCalls = s.totals().calls();
        long otherRows = s.totals().rows();
        long otherBlocks = 0;
        double otherMs = s.totals().totalMs();
        int n = 0;
        for (StatementStat st : s.statements()) {
            if (n++ < config.metricsTopN()) {
                otherCalls -= st.calls();
                otherRows -= st.rows();
                otherMs -= st.totalMs();
                Tags t = Tags.of("queryid", st.queryid());
                c.add(MultiGauge.Row.of(t, st.calls()));
                e.add(MultiGauge.Row.of(t, st.totalMs() / 1000.0));
                m.add(MultiGauge.Row.of(t, st.meanMs() / 1000.0));
                ro.add(MultiGauge.Row.of(t, st.rows()));
                b.add(MultiGauge.Row.of(t, st.sharedBlksRead()));
            } else {
                otherBlocks += st.sharedBlksRead();
            }
        }
        if (s.availability().available()) {
            Tags t = Tags.of("queryid", "other");
            otherCalls = Math.max(0, otherCalls);
            otherMs = Math.max(0, otherMs);
            c.add(MultiGauge.Row.of(t, otherCalls));
            e.add(MultiGauge.Row.of(t, otherMs / 1000.0));
            m.add(MultiGauge.Row.of(t, otherCalls == 0 ? 0 : otherMs / otherCalls / 1000.0));
            ro.add(MultiGauge.Row.of(t, Math.max(0, otherRows)));
            b.add(MultiGauge.Row.of(t, otherBlocks));
        }
        calls.register(c, true);
        execSeconds.register(e, true);
        meanSeconds.register(m, true);
        rows.register(ro, true);
        blocksRead.register(b, true);
        List<MultiGauge.Row<?>> tc = new ArrayList<>();
        List<MultiGauge.Row<?>> ts = new ArrayList<>();
        s.byType().forEach((type, tot) -> {
            tc.add(MultiGauge.Row.of(Tags.of("type", type), tot.calls()));
            ts.add(MultiGauge.Row.of(Tags.of("type", type), tot.totalMs() / 1000.0));
        });
        typeCalls.register(tc, true);
        typeSeconds.register(ts, true);
        List<MultiGauge.Row<?>> st = new ArrayList<>();
        for (String name : STATES) {
            st.add(MultiGauge.Row.of(Tags.of("state", name), name.equals(s.availability().state()) ? 1 : 0));
        }
        state.register(st, true);
        rebaselined.increment(s.intervalSeconds() > 0 ? s.rebaselined() : 0);
        dealloc.increment(s.dealloc());
        if (s.serverRestarted()) {
            restarts.increment();
        }
        if (s.databaseRates() != null) {
            rollbacks.increment(s.databaseRates().xactRollback());
            deadlocks.increment(s.databaseRates().deadlocks());
            transactions.increment(s.databaseRates().xactCommit() + s.databaseRates().xactRollback());
            conflicts.increment(s.databaseRates().conflicts());
            tempFiles.increment(s.databaseRates().tempFiles());
            tempBytes.increment(s.databaseRates().tempBytes());
        }
    }

    /** Removes the per-statement series (this instance stopped being the one that polls). */
    void clear() {
        for (MultiGauge g : List.of(calls, execSeconds, meanSeconds, rows, blocksRead, typeCalls, typeSeconds, state)) {
            g.register(List.of(), true);
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        clear();
    }
}
