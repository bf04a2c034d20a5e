package io.pgsidecar.config;

import io.pgsidecar.admin.AdminConfig;
import io.pgsidecar.audit.AuditConfig;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.db.Identifiers;
import io.pgsidecar.health.HealthConfig;
import io.pgsidecar.leader.LeaderConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks the configuration before anything else starts and stops start-up with one message that
 * names each bad key and its value. Type errors (a word where a number belongs) are caught by the
 * configuration system itself, with the same kind of message. Only then are scheduled jobs
 * released.
 */
@Startup(1)
@ApplicationScoped
public class ConfigValidator {

    public ConfigValidator(DbConfig db, AdminConfig admin, LeaderConfig leader, HealthConfig health, AuditConfig audit,
                           io.pgsidecar.statements.StatementsConfig statements,
                           io.pgsidecar.statements.ConnectionsConfig connections,
                           io.pgsidecar.replicas.ReplicasConfig replicas,
                           io.pgsidecar.alerts.AlertsConfig alerts,
                           jakarta.enterprise.inject.Instance<io.pgsidecar.alerts.AlertRuleProvider> ruleProviders,
                           @ConfigProperty(name = EnvironmentConfigSourceFactory.PROBLEMS_KEY) Optional<String> aliasProblems,
                           @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> jdbcUrl,
                           Scheduler scheduler) {
        List<String> problems = new ArrayList<>();
        aliasProblems.ifPresent(p -> problems.addAll(List.of(p.split("\n"))));
        boolean urlProblem = problems.stream().anyMatch(p -> p.startsWith("DATABASE_URL="));
        if ((jdbcUrl.isEmpty() || jdbcUrl.get().isBlank()) && !urlProblem) {
            problems.add("no database configured: set DATABASE_URL (postgresql://user:password@host:5432/db) "
                    + "or quarkus.datasource.jdbc.url");
        } else if (jdbcUrl.isPresent() && !jdbcUrl.get().startsWith("jdbc:postgresql:")) {
            problems.add("quarkus.datasource.jdbc.url='" + DatabaseUrl.redact(jdbcUrl.get())
                    + "': expected jdbc:postgresql://host:port/db");
        }
        if (!Identifiers.isSimple(db.schema())) {
            problems.add("pgsidecar.db.schema='" + db.schema()
                    + "': expected a lower-case identifier (letters, digits, _; at most 63 characters)");
        }
        DbConfig.Pool pool = db.pool();
        if (pool.maxSize() < 1) {
            problems.add("pgsidecar.db.pool.max-size (DB_POOL_SIZE)='" + pool.maxSize() + "': expected at least 1");
        }
        if (pool.minSize() < 0 || pool.minSize() > pool.maxSize()) {
            problems.add("pgsidecar.db.pool.min-size='" + pool.minSize() + "': expected 0 to max-size ("
                    + pool.maxSize() + ")");
        }
        positive(problems, "pgsidecar.db.pool.acquisition-timeout (DB_POOL_TIMEOUT)", pool.acquisitionTimeout());
        positive(problems, "pgsidecar.db.pool.max-lifetime (DB_POOL_RECYCLE)", pool.maxLifetime());
        positive(problems, "pgsidecar.db.pool.idle-removal", pool.idleRemoval());
        positive(problems, "pgsidecar.db.statement-timeout", db.statementTimeout());
        positive(problems, "pgsidecar.db.lock-timeout", db.lockTimeout());
        notNegative(problems, "pgsidecar.db.idle-in-transaction-session-timeout", db.idleInTransactionSessionTimeout());
        positive(problems, "pgsidecar.leader.lease", leader.lease());
        positive(problems, "pgsidecar.health.readiness-timeout", health.readinessTimeout());
        positive(problems, "pgsidecar.audit.retention", audit.retention());
        positive(problems, "pgsidecar.audit.prune-interval", audit.pruneInterval());
        if (admin.maxBodyBytes() < 1024) {
            problems.add("pgsidecar.admin.max-body-bytes='" + admin.maxBodyBytes() + "': expected at least 1024");
        }
        if (admin.maxAuditLimit() < 1) {
            problems.add("pgsidecar.admin.max-audit-limit='" + admin.maxAuditLimit() + "': expected at least 1");
        }
        ratio(problems, "pgsidecar.health.connection-usage-degraded", health.connectionUsageDegraded());
        ratio(problems, "pgsidecar.health.xid-age-degraded", health.xidAgeDegraded());
        ratio(problems, "pgsidecar.health.xid-age-unhealthy", health.xidAgeUnhealthy());
        positive(problems, "pgsidecar.statements.interval", statements.interval());
        positive(problems, "pgsidecar.statements.slow-query-threshold (SLOW_QUERY_THRESHOLD)",
                statements.slowQueryThreshold());
        positive(problems, "pgsidecar.statements.history-retention", statements.historyRetention());
        positive(problems, "pgsidecar.statements.regression-window", statements.regressionWindow());
        positive(problems, "pgsidecar.statements.regression-baseline", statements.regressionBaseline());
        positive(problems, "pgsidecar.statements.plan-timeout", statements.planTimeout());
        atLeast(problems, "pgsidecar.statements.text-cache-size", statements.textCacheSize(), 1);
        atLeast(problems, "pgsidecar.statements.max-text-length", statements.maxTextLength(), 64);
        atLeast(problems, "pgsidecar.statements.stored-top-n", statements.storedTopN(), 0);
        atLeast(problems, "pgsidecar.statements.metrics-top-n", statements.metricsTopN(), 0);
        if (!(statements.regressionFactor() > 1)) {
            problems.add("pgsidecar.statements.regression-factor='" + statements.regressionFactor()
                    + "': expected a number above 1");
        }
        positive(problems, "pgsidecar.connections.idle-in-transaction-threshold",
                connections.idleInTransactionThreshold());
        positive(problems, "pgsidecar.connections.long-transaction-threshold", connections.longTransactionThreshold());
        positive(problems, "pgsidecar.connections.peak-window", connections.peakWindow());
        atLeast(problems, "pgsidecar.connections.pool-recommendation-buffer", connections.poolRecommendationBuffer(), 0);
        validateReplicas(problems, replicas);
        validateAlerts(problems, alerts, ruleProviders);
        if (!problems.isEmpty()) {
            throw new ConfigurationException("pgsidecar cannot start, the configuration is invalid:\n  - "
                    + String.join("\n  - ", problems));
        }
        // The scheduler starts halted (quarkus.scheduler.start-mode): no job may run before the
        // configuration is known to be good, or a failing start-up races its own shutdown and
        // buries the one message above under stack traces from half-started collectors.
        scheduler.resume();
    }

    private static void positive(List<String> problems, String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            problems.add(key + "='" + d + "': expected a duration above zero");
        }
    }

    private static void validateReplicas(List<String> problems, io.pgsidecar.replicas.ReplicasConfig r) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < r.list().size(); i++) {
            var rep = r.list().get(i);
            String key = "pgsidecar.replicas.list[" + i + "] (READ_REPLICAS entry " + i + ")";
            if (!names.add(rep.name())) {
                problems.add(key + " name='" + rep.name() + "': duplicate replica name");
            }
            if (!rep.name().matches("[A-Za-z0-9_.-]{1,63}")) {
                problems.add(key + " name='" + rep.name() + "': expected letters, digits, '.', '_' or '-'");
            }
            try {
                DatabaseUrl.parse(rep.url());
            } catch (IllegalArgumentException e) {
                problems.add(key + " url='" + DatabaseUrl.redact(rep.url()) + "': " + e.getMessage());
            }
            rep.passwordFile().ifPresent(f -> {
                if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(f))) {
                    problems.add(key + " password_file='" + f + "': cannot be read");
                }
            });
            if (rep.weight() <= 0) {
                problems.add(key + " weight='" + rep.weight() + "': expected a whole number above 0");
            }
            if (!(rep.maxLagSeconds() > 0)) {
                problems.add(key + " max_lag_seconds='" + rep.maxLagSeconds() + "': expected a number above 0");
            }
            if (rep.maxLagBytes().isPresent() && rep.maxLagBytes().getAsLong() <= 0) {
                problems.add(key + " max_lag_bytes='" + rep.maxLagBytes().getAsLong() + "': expected above 0");
            }
        }
        if (io.pgsidecar.replicas.Router.Strategy.parse(r.loadBalancing()).isEmpty()) {
            problems.add("pgsidecar.replicas.load-balancing (REPLICA_LOAD_BALANCING)='" + r.loadBalancing()
                    + "': expected round_robin, weighted_random or least_connections");
        }
        if (!r.fallback().equals("primary") && !r.fallback().equals("unavailable")) {
            problems.add("pgsidecar.replicas.fallback='" + r.fallback() + "': expected primary or unavailable");
        }
        atLeast(problems, "pgsidecar.replicas.pool-size (REPLICA_POOL_SIZE)", r.poolSize(), 1);
        atLeast(problems, "pgsidecar.replicas.failure-threshold", r.failureThreshold(), 1);
        atLeast(problems, "pgsidecar.replicas.recovery-threshold", r.recoveryThreshold(), 1);
        atLeast(problems, "pgsidecar.replicas.replay-stall-polls", r.replayStallPolls(), 1);
        positive(problems, "pgsidecar.replicas.interval", r.interval());
        positive(problems, "pgsidecar.replicas.pool-timeout (REPLICA_POOL_TIMEOUT)", r.poolTimeout());
        positive(problems, "pgsidecar.replicas.statement-timeout", r.statementTimeout());
    }

    private static void validateAlerts(List<String> problems, io.pgsidecar.alerts.AlertsConfig a,
                                       Iterable<io.pgsidecar.alerts.AlertRuleProvider> providers) {
        java.util.Set<String> known = new java.util.TreeSet<>();
        for (io.pgsidecar.alerts.AlertRuleProvider p : providers) {
            p.rules().forEach(r -> known.add(r.name()));
        }
        java.util.Set<String> knownNormalized = new java.util.HashSet<>();
        for (String k : known) {
            knownNormalized.add(io.pgsidecar.alerts.AlertEngine.normalize(k));
        }
        a.rules().forEach((name, rule) -> {
            String key = "pgsidecar.alerts.rules." + name;
            if (!knownNormalized.contains(io.pgsidecar.alerts.AlertEngine.normalize(name))) {
                problems.add(key + ": no such rule; known rules: " + String.join(", ", known));
            }
            rule.forDuration().ifPresent(d -> notNegative(problems, key + ".for", d));
            rule.warning().filter(v -> v.isNaN() || v.isInfinite())
                    .ifPresent(v -> problems.add(key + ".warning='" + v + "': expected a number"));
            rule.critical().filter(v -> v.isNaN() || v.isInfinite())
                    .ifPresent(v -> problems.add(key + ".critical='" + v + "': expected a number"));
        });
        positive(problems, "pgsidecar.alerts.evaluation-interval", a.evaluationInterval());
        positive(problems, "pgsidecar.alerts.history-retention", a.historyRetention());
        atLeast(problems, "pgsidecar.alerts.max-alerts-per-rule", a.maxAlertsPerRule(), 1);
        var n = a.notifications();
        for (String u : n.alertmanagerUrls().orElse(List.of())) {
            httpUrl(problems, "pgsidecar.alerts.notifications.alertmanager-urls", u);
        }
        for (String u : n.webhookUrls().orElse(List.of())) {
            httpUrl(problems, "pgsidecar.alerts.notifications.webhook-urls", u);
        }
        n.webhookSecretFile().ifPresent(f -> {
            if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(f))) {
                problems.add("pgsidecar.alerts.notifications.webhook-secret-file='" + f + "': cannot be read");
            }
        });
        n.generatorUrl().ifPresent(u -> httpUrl(problems, "pgsidecar.alerts.notifications.generator-url", u));
        positive(problems, "pgsidecar.alerts.notifications.resend-interval", n.resendInterval());
        positive(problems, "pgsidecar.alerts.notifications.retry-backoff", n.retryBackoff());
        positive(problems, "pgsidecar.alerts.notifications.timeout", n.timeout());
        atLeast(problems, "pgsidecar.alerts.notifications.queue-size", n.queueSize(), 1);
        atLeast(problems, "pgsidecar.alerts.notifications.max-attempts", n.maxAttempts(), 1);
    }

    private static void httpUrl(List<String> problems, String key, String url) {
        try {
            java.net.URI u = new java.net.URI(url.trim());
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                problems.add(key + "='" + DatabaseUrl.redact(url) + "': expected an http:// or https:// URL with a host");
            }
        } catch (java.net.URISyntaxException e) {
            problems.add(key + "='" + DatabaseUrl.redact(url) + "': not a URL (" + e.getReason() + ")");
        }
    }

    private static void atLeast(List<String> problems, String key, long value, long min) {
        if (value < min) {
            problems.add(key + "='" + value + "': expected at least " + min);
        }
    }

    private static void notNegative(List<String> problems, String key, Duration d) {
        if (d.isNegative()) {
            problems.add(key + "='" + d + "': expected a duration of zero or more");
        }
    }

    private static void ratio(List<String> problems, String key, double v) {
        if (!(v > 0 && v <= 1)) {
            problems.add(key + "='" + v + "': expected a ratio above 0 and at most 1");
        }
    }
}
