package io.pgsidecar.alerts;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgsidecar.alerts.RuleStatuses.RuleStatus;
import io.pgsidecar.alerts.RuleStatuses.RulesView;
import io.pgsidecar.db.SchemaMigrator;
import io.pgsidecar.db.SnapshotStore;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs the alert rules on the leader after each collection (and at least every evaluation
 * interval): each rule's observations go through the {@link AlertLifecycle}, the changes are
 * stored ({@link AlertStore}) and handed to the {@link Notifier}. Followers evaluate nothing; a new
 * leader loads the open alerts first and continues them.
 */
@Startup
@ApplicationScoped
public class AlertEngine {

    private static final Logger LOG = Logger.getLogger(AlertEngine.class);
    static final String COLLECTOR = "alerts";
    /** Tag keys of pgsidecar_alert_firing: Prometheus needs one key set per metric name. */
    static final List<String> METRIC_LABELS = List.of("queryid", "replica", "slot", "application_name", "collector",
            "task", "table");
    private static final Duration STORE_VALUES_EVERY = Duration.ofMinutes(1);
    private static final Duration SILENCES_REFRESH = Duration.ofSeconds(10);

    private final AlertsConfig config;
    private final List<AlertRule> rules;
    private final AlertStore store;
    private final Notifier notifier;
    private final LeaderService leader;
    private final SchemaMigrator migrator;
    private final CollectorMetrics collectors;
    private final MultiGauge firingGauge;
    private final Clock clock = Clock.systemUTC();
    private final ExecutorService worker;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final RuleStatuses statuses;
    private final SilenceCache silences;

    // Owned by the evaluating thread (evaluate() is synchronized).
    private final AlertLifecycle lifecycle = new AlertLifecycle(STORE_VALUES_EVERY);
    private final UnsavedWrites unsaved = new UnsavedWrites();
    private boolean loaded;

    public AlertEngine(AlertsConfig config, Instance<AlertRuleProvider> providers, AlertStore store, Notifier notifier,
                       LeaderService leader, SchemaMigrator migrator, SnapshotStore snapshots,
                       CollectorMetrics collectors, OwnedMeters meters) {
        this.config = config;
        List<AlertRule> all = new ArrayList<>();
        for (AlertRuleProvider p : providers) {
            all.addAll(p.rules());
        }
        all.sort(Comparator.comparing(AlertRule::name));
        this.rules = List.copyOf(all);
        this.store = store;
        this.notifier = notifier;
        this.leader = leader;
        this.migrator = migrator;
        this.collectors = collectors;
        this.statuses = new RuleStatuses(snapshots);
        this.silences = new SilenceCache(store::activeSilences, SILENCES_REFRESH);
        this.firingGauge = MultiGauge.builder("pgsidecar.alert.firing")
                .description("1 for each alert firing (evaluated by the leader; silenced alerts included)")
                .register(meters.registry());
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pgsidecar-alerts");
            t.setDaemon(true);
            return t;
        });
        if (config.enabled()) {
            collectors.register(COLLECTOR, config.evaluationInterval());
            collectors.onRunFinished(name -> {
                if (!COLLECTOR.equals(name)) {
                    requestEvaluation();
                }
            });
        }
    }

    public List<AlertRule> rules() {
        return rules;
    }

    /** Asks for an evaluation soon on the engine's own thread; calls while one is queued coalesce. */
    public void requestEvaluation() {
        if (config.enabled() && queued.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    queued.set(false);
                    collectors.run(COLLECTOR, this::evaluate);
                });
            } catch (RejectedExecutionException e) {
                queued.set(false);
            }
        }
    }

    @Scheduled(every = "${pgsidecar.alerts.evaluation-interval}", identity = "alerts-evaluate",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        requestEvaluation();
    }

    /** Tells the engine to re-read silences at its next evaluation. */
    public void silencesChanged() {
        silences.markDirty();
        requestEvaluation();
    }

    /** One evaluation of every rule; public for tests. Returns the open alerts afterwards. */
    public synchronized List<Alert> evaluate() {
        if (!config.enabled() || !migrator.status().done()) {
            return List.of();
        }
        if (!leader.isLeader()) {
            if (loaded) {
                lifecycle.clear();
                unsaved.clear();
                statuses.forget();
                loaded = false;
                firingGauge.register(List.of(), true);
            }
            return List.of();
        }
        Instant now = clock.instant();
        if (!loaded) {
            List<OpenAlert> stored = store.loadOpen();
            // A new leader re-sends what fires at the next resend, not at once.
            stored.forEach(a -> a.sentAt = now);
            lifecycle.load(stored);
            loaded = true;
            LOG.debugf("alert engine took over %d open alerts", stored.size());
        }
        silences.refresh(now);
        lifecycle.begin();
        for (AlertRule rule : rules) {
            evaluateRule(rule, now);
        }
        AlertLifecycle.Round round = lifecycle.end(now);
        write(round, now);
        notify(now, round);
        publishMetrics();
        statuses.publish(now);
        List<Alert> out = new ArrayList<>();
        for (OpenAlert a : lifecycle.open()) {
            out.add(a.view(silences.matching(a.allLabels(), now)));
        }
        return out;
    }

    private void evaluateRule(AlertRule rule, Instant now) {
        RuleSettings s = settings(rule);
        if (!s.enabled()) {
            status(rule, s, now, "disabled");
            return;
        }
        List<AlertRule.Observation> observations;
        try {
            observations = rule.evaluator().evaluate(now, new AlertRule.Thresholds(s.warning(), s.critical(),
                    config.maxAlertsPerRule()));
        } catch (RuntimeException e) {
            LOG.debugf(e, "rule %s failed", rule.name());
            lifecycle.keep(rule.name());
            status(rule, s, now, "error: " + e.getMessage());
            return;
        }
        if (observations == null) {
            lifecycle.keep(rule.name());
            status(rule, s, now, "no data: its collector has not produced a snapshot here yet");
            return;
        }
        int raised = 0;
        for (AlertRule.Observation o : observations) {
            for (Level level : levels(rule, s, o)) {
                if (raised >= config.maxAlertsPerRule()) {
                    break;
                }
                raised++;
                Map<String, String> labels = new HashMap<>(o.labels());
                labels.put("severity", level.severity());
                lifecycle.observe(rule.name(), level.severity(), labels, o.summary(), o.description(), o.value(),
                        level.threshold(), s.forDuration(), now);
            }
        }
        status(rule, s, now, observations.isEmpty() ? "ok" : "ok: " + observations.size() + " breaching");
    }

    private record Level(String severity, Double threshold) {
    }

    private static List<Level> levels(AlertRule rule, RuleSettings s, AlertRule.Observation o) {
        if (o.severity() != null) {
            return List.of(new Level(o.severity(), o.threshold()));
        }
        List<Level> out = new ArrayList<>(2);
        if (s.critical() != null && rule.comparison().breaches(o.value(), s.critical())) {
            out.add(new Level("critical", s.critical()));
        }
        if (s.warning() != null && rule.comparison().breaches(o.value(), s.warning())) {
            out.add(new Level("warning", s.warning()));
        }
        return out;
    }

    private void status(AlertRule rule, RuleSettings s, Instant now, String outcome) {
        AlertLifecycle.Counts n = lifecycle.counts(rule.name());
        statuses.put(RuleStatus.of(rule, s, now, outcome, n.pending(), n.firing()));
    }

    /**
     * Stores the round's changes. Open alerts that fail to write are written again next round
     * (their stored time is cleared); resolved and dropped ones have left the open set, so they
     * wait in {@link UnsavedWrites}.
     */
    private void write(AlertLifecycle.Round round, Instant now) {
        List<OpenAlert> toWrite = new ArrayList<>(round.toWrite());
        List<Long> toDelete = new ArrayList<>(round.toDelete());
        unsaved.drainInto(toWrite, toDelete);
        try {
            store.write(toWrite, toDelete);
            toWrite.forEach(a -> a.storedAt = now);
        } catch (RuntimeException e) {
            toWrite.forEach(a -> a.storedAt = null);
            unsaved.failed(toWrite, toDelete);
            LOG.warnf("alerts not stored: %s", e.getMessage());
        }
    }

    private void notify(Instant now, AlertLifecycle.Round round) {
        List<Alert> firing = new ArrayList<>();
        List<Alert> resend = new ArrayList<>();
        List<Alert> done = new ArrayList<>();
        Duration every = config.notifications().resendInterval();
        for (OpenAlert a : round.fired()) {
            if (silences.matching(a.allLabels(), now).isEmpty()) {
                firing.add(a.view(List.of()));
                a.sentAt = now;
            }
        }
        for (OpenAlert a : lifecycle.open()) {
            if (a.state == AlertState.FIRING && !round.fired().contains(a)
                    && (a.sentAt == null || !a.sentAt.plus(every).isAfter(now))
                    && silences.matching(a.allLabels(), now).isEmpty()) {
                resend.add(a.view(List.of()));
                a.sentAt = now;
            }
        }
        for (OpenAlert a : round.resolved()) {
            if (silences.matching(a.allLabels(), now).isEmpty()) {
                done.add(a.view(List.of()));
            }
        }
        notifier.send(firing, resend, done);
    }

    private void publishMetrics() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (OpenAlert a : lifecycle.open()) {
            if (a.state == AlertState.FIRING) {
                Tags tags = Tags.of("alertname", a.alertname, "severity", a.severity);
                for (String k : METRIC_LABELS) {
                    tags = tags.and(k, a.labels.getOrDefault(k, ""));
                }
                rows.add(MultiGauge.Row.of(tags, 1));
            }
        }
        firingGauge.register(rows, true);
    }

    /** Every rule with its settings and last evaluation (the leader's, wherever it is asked). */
    public RulesView rulesView() {
        return statuses.view(rules, this::settings, leader.isLeader(), config.enabled());
    }

    public RuleSettings settings(AlertRule rule) {
        return RuleSettings.of(rule, config);
    }

    void stop(@Observes ShutdownEvent ev) {
        worker.shutdownNow();
        firingGauge.register(List.of(), true);
    }
}
