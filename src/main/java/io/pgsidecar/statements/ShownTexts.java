package io.pgsidecar.statements;

import io.pgsidecar.db.Database;
import io.pgsidecar.statements.StatementsSnapshot.NPlusOneCandidate;
import io.pgsidecar.statements.StatementsSnapshot.Regression;
import io.pgsidecar.statements.StatementsSnapshot.SlowQuery;
import io.pgsidecar.statements.StatementsSnapshot.StatementStat;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The statements an answer lists, each with its text. The poll keeps its text read apart (at most
 * every {@code text-fetch-interval}, it loads the server's whole query-text file), so a statement
 * new since that read has no text in the snapshot. The answer reads the missing ones itself: one
 * batched read limited to the rows it shows, shared by the callers that arrive while it runs, at
 * most once every {@link #MIN_GAP}, on a pooled connection within the answer's bound. If the read
 * fails or is not due, the answer still succeeds and names the texts that are pending.
 *
 * <p>It also keeps the agent's own statements (texts that begin {@code /* pgsidecar *}{@code /})
 * out of the lists unless asked for, and counts them on one line.
 */
@ApplicationScoped
public class ShownTexts {

    private static final Logger LOG = Logger.getLogger(ShownTexts.class);
    /**
     * The least time between two reads of texts for answers; an answer that finds the last one
     * too recent waits for the gap to pass (within its bound), or joins the read under way.
     */
    static final Duration MIN_GAP = Duration.ofSeconds(2);
    /** Rows read beyond those asked for, so that the lists stay full once the agent's own are left out. */
    static final int ROOM = 100;
    /** How the agent marks every statement it sends. */
    public static final String AGENT_MARK = "/* pgsidecar */";

    private final Database database;
    private final StatementsPoller poller;
    private final StatementsConfig config;
    private CompletableFuture<Void> inFlight;
    private long lastReadNanos;
    private boolean everRead;

    public ShownTexts(Database database, StatementsPoller poller, StatementsConfig config) {
        this.database = database;
        this.poller = poller;
        this.config = config;
    }

    /** The agent's own statements in the interval, left out of the lists: how many, their calls and time. */
    @RegisterForReflection
    public record AgentOwn(int statements, long calls, double totalMs, boolean listed) {
    }

    /**
     * A snapshot as an answer shows it.
     *
     * @param snapshot the lists with their texts (and without the agent's own unless asked)
     * @param agentOwn what the agent's own statements cost in the interval
     * @param textsPending query ids shown whose text could not be read for this answer
     */
    public record Shown(StatementsSnapshot snapshot, AgentOwn agentOwn, List<String> textsPending) {
    }

    /**
     * {@code s} with texts for the first {@code rows} of each list (and the statements that can
     * reach a top list), the agent's own left out unless {@code includeAgent}; waits at most
     * {@code bound} for texts.
     */
    public Shown show(StatementsSnapshot s, int rows, boolean includeAgent, Duration bound) {
        int want = rows + ROOM;
        Set<Long> ids = new LinkedHashSet<>();
        head(s.statements(), want).forEach(st -> ids.add(Long.parseLong(st.queryid())));
        head(s.slowQueries(), want).forEach(q -> ids.add(Long.parseLong(q.queryid())));
        head(s.nPlusOne(), want).forEach(n -> ids.add(Long.parseLong(n.queryid())));
        s.regressions().forEach(r -> ids.add(Long.parseLong(r.queryid())));
        for (var by : TOP_METRICS) {
            topIds(s.statements(), by, TOP_CANDIDATES).forEach(ids::add);
        }
        // the snapshot's own texts, once: not a scan of the list per id
        Set<Long> withText = new java.util.HashSet<>();
        s.statements().stream().filter(st -> st.query() != null)
                .forEach(st -> withText.add(Long.parseLong(st.queryid())));
        Map<Long, String> known = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (long id : ids) {
            String t = poller.cachedText(id);
            if (t != null) {
                known.put(id, t);
            } else if (!withText.contains(id)) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            read(missing, bound);
            for (long id : missing) {
                String t = poller.cachedText(id);
                if (t != null) {
                    known.put(id, t);
                }
            }
        }
        Function<StatementStat, StatementStat> stat = st -> {
            String t = st.query() != null ? st.query() : known.get(Long.parseLong(st.queryid()));
            if (t == null || t == st.query()) {
                return st;
            }
            StatementType type = StatementType.of(t);
            return new StatementStat(st.queryid(), st.userid(), st.toplevel(), t,
                    "unclassified".equals(st.type()) && type != null ? type.label() : st.type(), st.calls(),
                    st.totalMs(), st.meanMs(), st.minMs(), st.maxMs(), st.stddevMs(), st.rows(), st.callsPerSecond(),
                    st.rowsPerSecond(), st.sharedBlksHit(), st.sharedBlksRead(), st.tempBlksWritten(),
                    st.cacheHitRatio(), st.rebaselined());
        };
        List<StatementStat> stats = new ArrayList<>();
        int agentStatements = 0;
        long agentCalls = 0;
        double agentMs = 0;
        for (StatementStat st : s.statements()) {
            StatementStat filled = ids.contains(Long.parseLong(st.queryid())) ? stat.apply(st) : st;
            if (isAgents(filled.query())) {
                agentStatements++;
                agentCalls += filled.calls();
                agentMs += filled.totalMs();
                if (!includeAgent) {
                    continue;
                }
            }
            stats.add(filled);
        }
        Function<String, String> text = id -> known.get(Long.parseLong(id));
        List<SlowQuery> slow = new ArrayList<>();
        for (SlowQuery q : s.slowQueries()) {
            String t = q.query() != null ? q.query() : text.apply(q.queryid());
            if (includeAgent || !isAgents(t)) {
                slow.add(new SlowQuery(q.queryid(), t, q.calls(), q.meanMs(), q.totalMs()));
            }
        }
        List<NPlusOneCandidate> nPlusOne = new ArrayList<>();
        for (NPlusOneCandidate n : s.nPlusOne()) {
            String t = n.query() != null ? n.query() : text.apply(n.queryid());
            if (includeAgent || !isAgents(t)) {
                nPlusOne.add(new NPlusOneCandidate(n.queryid(), t, n.calls(), n.rowsPerCall(), n.meanMs(),
                        n.callsPerSecond()));
            }
        }
        List<Regression> regressions = new ArrayList<>();
        for (Regression r : s.regressions()) {
            String t = r.query() != null ? r.query() : text.apply(r.queryid());
            if (includeAgent || !isAgents(t)) {
                regressions.add(new Regression(r.queryid(), t, r.recentMeanMs(), r.baselineMeanMs(), r.factor(),
                        r.recentCalls(), r.baselineCalls()));
            }
        }
        Set<String> pending = new LinkedHashSet<>();
        head(stats, rows).stream().filter(st -> st.query() == null).forEach(st -> pending.add(st.queryid()));
        head(slow, rows).stream().filter(q -> q.query() == null).forEach(q -> pending.add(q.queryid()));
        head(nPlusOne, rows).stream().filter(n -> n.query() == null).forEach(n -> pending.add(n.queryid()));
        regressions.stream().filter(r -> r.query() == null).forEach(r -> pending.add(r.queryid()));
        StatementsSnapshot shown = new StatementsSnapshot(s.capturedAt(), s.intervalSeconds(), s.availability(),
                s.extensionVersion(), s.entries(), List.copyOf(stats), s.totals(), s.byType(), List.copyOf(slow),
                List.copyOf(nPlusOne), List.copyOf(regressions), s.databaseRates(), s.rebaselined(), s.dealloc(),
                s.serverRestarted(), s.textsFetchedAt(), pending.size());
        return new Shown(shown, new AgentOwn(agentStatements, agentCalls, agentMs, includeAgent), List.copyOf(pending));
    }

    /**
     * The texts of {@code ids} for another feature's answer (the waits by query id): those known,
     * and the others read in the same shared, spaced batch as the lists' own; waits at most
     * {@code bound}. An id missing from the answer is one whose text could not be read in time.
     */
    public Map<Long, String> texts(Collection<Long> ids, Duration bound) {
        Map<Long, String> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (long id : ids) {
            String t = poller.textOf(id);
            if (t != null) {
                out.put(id, t);
            } else {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            read(missing, bound);
            for (long id : missing) {
                String t = poller.cachedText(id);
                if (t != null) {
                    out.put(id, t);
                }
            }
        }
        return out;
    }

    /** Whether a text is one of the agent's own statements. */
    public static boolean isAgents(String text) {
        return text != null && text.stripLeading().startsWith(AGENT_MARK);
    }

    /** The metrics of the answer's other top lists; a statement can reach one from anywhere in the list. */
    static final List<java.util.function.ToDoubleFunction<StatementStat>> TOP_METRICS = List.of(
            StatementStat::totalMs, StatementStat::meanMs, st -> st.calls(), st -> st.rows(),
            st -> st.sharedBlksRead(), st -> st.tempBlksWritten());
    private static final int TOP_CANDIDATES = 10 + 40;

    private static List<Long> topIds(List<StatementStat> all, java.util.function.ToDoubleFunction<StatementStat> by,
                                     int n) {
        java.util.PriorityQueue<StatementStat> heap = new java.util.PriorityQueue<>(n + 1,
                java.util.Comparator.comparingDouble(by));
        for (StatementStat st : all) {
            heap.add(st);
            if (heap.size() > n) {
                heap.poll();
            }
        }
        return heap.stream().map(st -> Long.parseLong(st.queryid())).toList();
    }

    private static <T> List<T> head(List<T> list, int n) {
        return list.subList(0, Math.min(n, list.size()));
    }

    /**
     * Reads the texts of {@code ids} into the poller's cache: joins a read already under way, or
     * starts one if the last began at least {@link #MIN_GAP} ago; waits at most {@code bound}.
     */
    private void read(Collection<Long> ids, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        CompletableFuture<Void> read;
        boolean mine = false;
        synchronized (this) {
            long early = everRead ? MIN_GAP.toNanos() - (System.nanoTime() - lastReadNanos) : 0;
            if (inFlight == null || inFlight.isDone()) {
                if (early > 0 && System.nanoTime() + early >= deadline) {
                    return; // not due within the bound: the texts stay pending for this answer
                }
                if (early > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, early);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            if (inFlight != null && !inFlight.isDone()) {
                read = inFlight;
            } else {
                read = new CompletableFuture<>();
                inFlight = read;
                lastReadNanos = System.nanoTime();
                everRead = true;
                mine = true;
            }
        }
        if (mine) {
            List<Long> batch = List.copyOf(ids).subList(0, Math.min(ids.size(), MAX_IDS));
            try {
                Map<Long, String> texts = database.withConnection(bound, c -> {
                    StatementsReader.Extension ext = StatementsReader.extension(c);
                    if (ext.version() == null) {
                        return Map.<Long, String>of();
                    }
                    return StatementsReader.texts(c, ext, batch, config.maxTextLength());
                });
                poller.rememberTexts(texts);
                read.complete(null);
            } catch (RuntimeException e) {
                LOG.debugf("texts for an answer not read: %s", e.getMessage());
                read.complete(null);
            }
            return;
        }
        try {
            read.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the texts stay pending for this answer
        }
    }

    /** Most texts one answer asks for. */
    static final int MAX_IDS = 2_000;
}
