package io.pgsidecar.alerts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The alert engine: rules, their thresholds, history and where notifications go. */
@ConfigMapping(prefix = "pgsidecar.alerts")
public interface AlertsConfig {

    /** Evaluates rules and sends notifications ({@code DB_ALERTS_ENABLED}). Off: no alerts at all. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Rules are evaluated after each collection; this is the longest time between two evaluations
     * when no collector runs (it also moves pending alerts to firing on time).
     */
    @WithDefault("15s")
    Duration evaluationInterval();

    /** How long resolved alerts are kept as history before the leader prunes them. */
    @WithDefault("30d")
    Duration historyRetention();

    /** Most alerts one rule may raise at once (the worst first), so a bad day cannot flood receivers. */
    @WithDefault("20")
    int maxAlertsPerRule();

    /**
     * Per-rule settings by rule name ({@code pgsidecar.alerts.rules.SlowQuery.enabled=false},
     * {@code ...rules.ConnectionUsageHigh.warning=0.7}); a rule not named keeps its defaults, listed in
     * the README and by {@code GET /api/v1/admin/database/alerts/rules}.
     */
    Map<String, Rule> rules();

    /** Where notifications go and how they are retried. */
    Notifications notifications();

    /** Overrides for one rule; every value is optional. */
    interface Rule {
        /** Whether the rule is evaluated. */
        Optional<Boolean> enabled();

        /** How long the condition must hold before the alert fires (pending until then). */
        @WithName("for")
        Optional<Duration> forDuration();

        /** Threshold of the warning level, in the rule's unit. */
        Optional<Double> warning();

        /** Threshold of the critical level, in the rule's unit. */
        Optional<Double> critical();
    }

    interface Notifications {
        /** Alertmanager base URLs (comma-separated); alerts are posted to {@code <url>/api/v2/alerts}. */
        Optional<List<String>> alertmanagerUrls();

        /**
         * Generic JSON webhooks (comma-separated); each alert change is posted to each one. An entry
         * is {@code name=url} or a bare URL (named by its position, 1, 2, ...); the name is the
         * {@code receiver} label of its delivery counters, {@code webhook:<name>}.
         */
        Optional<List<String>> webhookUrls();

        /** Secret for the {@code X-Pgsidecar-Signature: sha256=<hex HMAC>} header on webhook posts. */
        Optional<String> webhookSecret();

        /** File holding the webhook secret (a mounted Secret); wins over {@code webhook-secret}. */
        Optional<String> webhookSecretFile();

        /** While an alert fires it is re-sent to Alertmanager this often (Alertmanager expects re-sends). */
        @WithDefault("1m")
        Duration resendInterval();

        /** Link sent as {@code generatorURL}; default: this agent's alerts API. */
        Optional<String> generatorUrl();

        /** Base of the {@code runbook_url} annotation; {@code <base>/<AlertName>.md}. */
        @WithDefault("https://github.com/pgsidecar/pgsidecar/blob/main/docs/runbooks")
        String runbookBaseUrl();

        /** Deliveries waiting or being retried at most; beyond this the oldest new one is dropped and counted. */
        @WithDefault("1000")
        int queueSize();

        /** Attempts per delivery, with exponential backoff between them. */
        @WithDefault("5")
        int maxAttempts();

        /** Wait before the first retry; doubles for each further one, at most 1 min. */
        @WithDefault("1s")
        Duration retryBackoff();

        /** Connect and response timeout of one delivery. */
        @WithDefault("5s")
        Duration timeout();
    }
}
