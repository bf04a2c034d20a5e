package io.pgsidecar.alerts;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgsidecar.db.SchemaMigrator;
import io.pgsidecar.db.SnapshotStore;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.metrics.CollectorMetrics;
import io.pgsidecar.metrics.OwnedMeters;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Evaluates the alert rules on the leader after each collection (and at least every evaluation
 * interval), keeps each alert's lifecycle pending → firing → resolved, stores it, and hands changes
 * to the {@link Notifier}. Followers evaluate nothing; a new leader loads the open alerts first and
 * continues them.
 */
@Startup
@ApplicationScoped
public class AlertEngine {

    private static final Logger LOG = Logger.getLogger(AlertEngine.class);
    static final String COLLECTOR = "alerts";
    static final String RULES_SNAPSHOT = "alert_rules";
    /** Tag keys of pgsidecar_alert_firing: Prometheus needs one key set per metric name. */
    static final List<String> METRIC_LABELS = List.of("queryid", "replica", "slot", "application_name", "collector");
    private static final Duration STORE_VALUES_EVERY = Duration.ofMinutes(1);
    private static final Duration SILENCES_REFRESH = Duration.ofSeconds(10);
    /** While the database refuses writes, at most this many finished lifecycles wait to be stored. */
    private static final int MAX_UNSAVED = 1000;

    /** One rule as the rules API shows it. */
    @RegisterForReflection
    public record RuleStatus(String name, String description, boolean enabled, String unit, String comparison,
                             Double warning, Double critical, String forDuration, Instant lastEvaluation,
                             String lastOutcome, int pending, int firing) {
    }

    @RegisterForReflection
    public record RulesView(String evaluatedBy, Instant evaluatedAt, List<RuleStatus> rules) {
    }

    private final AlertsConfig config;
    private final List<AlertRule> rules;
    private final AlertStore store;
    private final Notifier notifier;
    private final LeaderService leader;
    private final SchemaMigrator migrator;
    private final SnapshotStore snapshots;
    private final CollectorMetrics collectors;
    private final MultiGauge firingGauge;
    private final Clock clock;
    private final ExecutorService worker;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicReference<RulesView> rulesView = new AtomicReference<>();
    private final Map<String, RuleStatus> ruleStatus = new LinkedHashMap<>();

    // Owned by the evaluating thread (evaluate() is synchronized).
    private final Map<String, OpenAlert> open = new HashMap<>();
    private boolean loaded;
    private List<Silence> silences = List.of();
    private Instant silencesAt = Instant.EPOCH;
    private Instant rulesStoredAt = Instant.EPOCH;
    private Instant prunedAt = Instant.EPOCH;
    private volatile boolean silencesDirty;
    /** Resolved alerts and deleted pending ones whose write failed: written with the next evaluation. */
    private final List<OpenAlert> unsavedResolved = new ArrayList<>();
    private final List<Long> unsavedDeletes = new ArrayList<>();

    public AlertEngine(AlertsConfig config, Instance<AlertRuleProvider> providers, AlertStore store, Notifier notifier,
                       LeaderService leader, SchemaMigrator migrator, SnapshotStore snapshots,
                       CollectorMetrics collectors, OwnedMeters meters) {
        this.config = config;
        List<AlertRule> all = new ArrayList<>();
        for (AlertRuleProvider p : providers) {
            all.addAll(p.rules());
        }
        all.sort(java.util.Comparator.comparing(AlertRule::name));
        this.rules = List.copyOf(all);
        this.store = store;
        this.notifier = notifier;
        this.leader = leader;
        this.migrator = migrator;
        this.snapshots = snapshots;
        this.collectors = collectors;
        this.clock = Clock.systemUTC();
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
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.set(false);
            }
        }
    }

    @Scheduled(every = "${pgsidecar.alerts.evaluation-interval:15s}", identity = "alerts-evaluate",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        requestEvaluation();
    }

    /** Tells the engine to re-read silences at its next evaluation. */
    public void silencesChanged() {
        silencesDirty = true;
        requestEvaluation();
    }

    /** One evaluation of every rule; public for tests. Returns the open alerts afterwards. */
    public synchronized List<Alert> evaluate() {
        if (!config.enabled() || !migrator.status().done()) {
            return List.of();
        }
        if (!leader.isLeader()) {
            if (loaded) {
                open.clear();
                unsavedResolved.clear();
                unsavedDeletes.clear();
                loaded = false;
                firingGauge.register(List.of(), true);
            }
            return List.of();
        }
        Instant now = clock.instant();
        if (!loaded) {
            open.clear();
            for (OpenAlert a : store.loadOpen()) {
                open.put(a.fingerprint, a);
                // A new leader re-sends what fires at the next resend, not at once.
                a.sentAt = now;
            }
            loaded = true;
            LOG.debugf("alert engine took over %d open alerts", open.size());
        }
        refreshSilences(now);
        Map<String, Boolean> seen = new HashMap<>();
        List<OpenAlert> fired = new ArrayList<>();
        List<OpenAlert> resolved = new ArrayList<>();
        for (AlertRule rule : rules) {
            evaluateRule(rule, now, seen, fired, resolved);
        }
        List<OpenAlert> changed = new ArrayList<>();
        List<Long> deleted = new ArrayList<>();
        for (Iterator<OpenAlert> it = open.values().iterator(); it.hasNext(); ) {
            OpenAlert a = it.next();
            if (seen.containsKey(a.fingerprint)) {
                if (Boolean.TRUE.equals(seen.get(a.fingerprint))) {
                    changed.add(a);
                } else if (a.storedAt == null || Duration.between(a.storedAt, now).compareTo(STORE_VALUES_EVERY) >= 0) {
                    changed.add(a);
                }
                continue;
            }
            // Condition gone (or the rule was disabled).
            it.remove();
            if ("pending".equals(a.state)) {
                if (a.id != 0) {
                    deleted.add(a.id);
                }
            } else {
                a.state = "resolved";
                a.resolvedAt = now;
                a.updatedAt = now;
                changed.add(a);
                resolved.add(a);
            }
        }
        changed.addAll(unsavedResolved);
        deleted.addAll(unsavedDeletes);
        unsavedResolved.clear();
        unsavedDeletes.clear();
        try {
            store.write(changed, deleted);
            for (OpenAlert a : changed) {
                a.storedAt = now;
            }
        } catch (RuntimeException e) {
            // Open alerts are written again next time (storedAt null); resolved and deleted ones
            // have left the open set, so they are remembered until a write succeeds.
            for (OpenAlert a : changed) {
                a.storedAt = null;
                if ("resolved".equals(a.state)) {
                    unsavedResolved.add(a);
                }
            }
            unsavedDeletes.addAll(deleted);
            while (unsavedResolved.size() > MAX_UNSAVED) {
                unsavedResolved.remove(0);
            }
            while (unsavedDeletes.size() > MAX_UNSAVED) {
                unsavedDeletes.remove(0);
            }
            LOG.warnf("alerts not stored: %s", e.getMessage());
        }
        notify(now, fired, resolved);
        publishMetrics();
        publishRules(now);
        prune(now);
        List<Alert> out = new ArrayList<>();
        for (OpenAlert a : open.values()) {
            out.add(a.view(silencedBy(a, now)));
        }
        return out;
    }

    private void evaluateRule(AlertRule rule, Instant now, Map<String, Boolean> seen, List<OpenAlert> fired,
                              List<OpenAlert> resolved) {
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
            observations = null;
            status(rule, s, now, "error: " + e.getMessage());
            keepRule(rule, seen);
            return;
        }
        if (observations == null) {
            status(rule, s, now, "no data: its collector has not produced a snapshot here yet");
            keepRule(rule, seen);
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
                String fp = OpenAlert.fingerprint(rule.name(), labels);
                OpenAlert a = open.get(fp);
                boolean stateChanged = false;
                if (a == null) {
                    a = new OpenAlert(fp, rule.name(), level.severity(), labels);
                    a.state = "pending";
                    a.pendingSince = now;
                    open.put(fp, a);
                    stateChanged = true;
                }
                a.summary = o.summary();
                a.description = o.description();
                a.value = o.value();
                a.threshold = level.threshold();
                a.updatedAt = now;
                if ("pending".equals(a.state) && !a.pendingSince.plus(s.forDuration()).isAfter(now)) {
                    a.state = "firing";
                    a.firingSince = now;
                    stateChanged = true;
                    fired.add(a);
                }
                seen.merge(fp, stateChanged || a.storedAt == null, Boolean::logicalOr);
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

    private void keepRule(AlertRule rule, Map<String, Boolean> seen) {
        for (OpenAlert a : open.values()) {
            if (a.alertname.equals(rule.name())) {
                seen.putIfAbsent(a.fingerprint, a.storedAt == null);
            }
        }
    }

    private void status(AlertRule rule, RuleSettings s, Instant now, String outcome) {
        int pending = 0;
        int firing = 0;
        for (OpenAlert a : open.values()) {
            if (a.alertname.equals(rule.name())) {
                if ("firing".equals(a.state)) {
                    firing++;
                } else {
                    pending++;
                }
            }
        }
        synchronized (ruleStatus) {
            ruleStatus.put(rule.name(), ruleStatus(rule, s, now, outcome, pending, firing));
        }
    }

    private static RuleStatus ruleStatus(AlertRule rule, RuleSettings s, Instant evaluated, String outcome,
                                         int pending, int firing) {
        return new RuleStatus(rule.name(), rule.description(), s.enabled(), rule.unit(),
                rule.comparison().name().toLowerCase(), s.warning(), s.critical(), s.forDuration().toString(),
                evaluated, outcome, pending, firing);
    }

    private void notify(Instant now, List<OpenAlert> fired, List<OpenAlert> resolved) {
        List<Alert> firing = new ArrayList<>();
        List<Alert> resend = new ArrayList<>();
        List<Alert> done = new ArrayList<>();
        Duration every = config.notifications().resendInterval();
        for (OpenAlert a : fired) {
            if (silencedBy(a, now).isEmpty()) {
                firing.add(a.view(List.of()));
                a.sentAt = now;
            }
        }
        for (OpenAlert a : open.values()) {
            if ("firing".equals(a.state) && !fired.contains(a)
                    && (a.sentAt == null || !a.sentAt.plus(every).isAfter(now)) && silencedBy(a, now).isEmpty()) {
                resend.add(a.view(List.of()));
                a.sentAt = now;
            }
        }
        for (OpenAlert a : resolved) {
            if (silencedBy(a, now).isEmpty()) {
                done.add(a.view(List.of()));
            }
        }
        notifier.send(firing, resend, done);
    }

    private List<Long> silencedBy(OpenAlert a, Instant now) {
        return Silence.matching(silences, a.allLabels(), now);
    }

    private void refreshSilences(Instant now) {
        if (silencesDirty || Duration.between(silencesAt, now).compareTo(SILENCES_REFRESH) >= 0) {
            try {
                silencesDirty = false;
                silences = store.activeSilences();
                silencesAt = now;
            } catch (RuntimeException e) {
                LOG.debugf("silences not read: %s", e.getMessage());
            }
        }
    }

    private void publishMetrics() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (OpenAlert a : open.values()) {
            if ("firing".equals(a.state)) {
                Tags tags = Tags.of("alertname", a.alertname, "severity", a.severity);
                for (String k : METRIC_LABELS) {
                    tags = tags.and(k, a.labels.getOrDefault(k, ""));
                }
                rows.add(MultiGauge.Row.of(tags, 1));
            }
        }
        firingGauge.register(rows, true);
    }

    private void publishRules(Instant now) {
        RulesView view;
        synchronized (ruleStatus) {
            view = new RulesView("leader", now, List.copyOf(ruleStatus.values()));
        }
        rulesView.set(view);
        if (Duration.between(rulesStoredAt, now).compareTo(Duration.ofSeconds(15)) >= 0) {
            rulesStoredAt = now;
            snapshots.save(RULES_SNAPSHOT, view);
        }
    }

    private void prune(Instant now) {
        if (Duration.between(prunedAt, now).compareTo(Duration.ofHours(1)) >= 0) {
            prunedAt = now;
            try {
                int n = store.prune(now.minus(config.historyRetention()));
                if (n > 0) {
                    LOG.debugf("pruned %d alert history rows", n);
                }
            } catch (RuntimeException e) {
                LOG.debugf("alert history not pruned: %s", e.getMessage());
            }
        }
    }

    /**
     * The rules with their settings and last evaluation: this leader's own view, or on a follower
     * the leader's stored one (settings shown are this instance's configuration).
     */
    public RulesView rulesView() {
        RulesView mine = leader.isLeader() ? rulesView.get() : null;
        Map<String, RuleStatus> evaluated = new HashMap<>();
        String by = "none yet";
        Instant at = null;
        RulesView source = mine != null ? mine : snapshots.load(RULES_SNAPSHOT, RulesView.class).orElse(null);
        if (source != null) {
            for (RuleStatus r : source.rules()) {
                evaluated.put(r.name(), r);
            }
            by = mine != null ? "this instance (leader)" : "the leader";
            at = source.evaluatedAt();
        }
        List<RuleStatus> out = new ArrayList<>();
        for (AlertRule rule : rules) {
            RuleSettings s = settings(rule);
            RuleStatus e = evaluated.get(rule.name());
            out.add(e == null ? ruleStatus(rule, s, null, "not evaluated yet", 0, 0)
                    : ruleStatus(rule, s, e.lastEvaluation(), e.lastOutcome(), e.pending(), e.firing()));
        }
        return new RulesView(config.enabled() ? by : "nobody: alerts are disabled (DB_ALERTS_ENABLED=false)", at, out);
    }

    /** A rule's settings after config overrides. */
    public record RuleSettings(boolean enabled, Duration forDuration, Double warning, Double critical) {
    }

    /** Rule names as config keys match: without case, '-' or '_' (env variables are upper case). */
    public static String normalize(String ruleName) {
        return ruleName.toLowerCase(java.util.Locale.ROOT).replace("-", "").replace("_", "");
    }

    public RuleSettings settings(AlertRule rule) {
        AlertsConfig.Rule o = null;
        for (Map.Entry<String, AlertsConfig.Rule> e : config.rules().entrySet()) {
            if (normalize(e.getKey()).equals(normalize(rule.name()))) {
                o = e.getValue();
            }
        }
        if (o == null) {
            return new RuleSettings(true, rule.defaultFor(), rule.defaultWarning(), rule.defaultCritical());
        }
        return new RuleSettings(o.enabled().orElse(true), o.forDuration().orElse(rule.defaultFor()),
                o.warning().orElse(rule.defaultWarning()), o.critical().orElse(rule.defaultCritical()));
    }

    void stop(@Observes ShutdownEvent ev) {
        worker.shutdownNow();
        firingGauge.register(List.of(), true);
    }
}
