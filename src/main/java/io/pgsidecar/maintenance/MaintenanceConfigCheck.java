package io.pgsidecar.maintenance;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import io.pgsidecar.db.DirectConnections;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Maintenance's settings: schedules, the window, the limits, and the retention rules, whose tables
 * and columns are checked against the catalog when the database answers at start-up (a rule for a
 * table that does not exist, or a column that is not a date or timestamp, stops start-up).
 */
@Singleton
public class MaintenanceConfigCheck implements ConfigCheck {

    private static final Logger LOG = Logger.getLogger(MaintenanceConfigCheck.class);
    private static final Set<String> INVALID_ACTIONS = Set.of("rebuild", "drop", "report");

    private final MaintenanceConfig config;
    private final DirectConnections connections;

    public MaintenanceConfigCheck(MaintenanceConfig config, DirectConnections connections) {
        this.config = config;
        this.connections = connections;
    }

    @Override
    public void check(ConfigProblems problems) {
        check(config, problems);
        List<CleanupRules.Rule> rules;
        try {
            rules = CleanupRules.parse(config);
        } catch (IllegalArgumentException e) {
            return; // reported by the static check
        }
        if (!rules.isEmpty()) {
            checkCatalog(rules, problems);
        }
    }

    /** Everything that can be checked without the database, from now on. */
    static void check(MaintenanceConfig c, ConfigProblems problems) {
        check(c, problems, Instant.now());
    }

    /** Everything that can be checked without the database; schedules are checked over the year after {@code now}. */
    static void check(MaintenanceConfig c, ConfigProblems problems, Instant now) {
        String key = "pgsidecar.maintenance";
        Optional<Window> window = Optional.empty();
        if (c.window().filter(w -> !w.isBlank()).isPresent()) {
            String w = c.window().get();
            try {
                window = Optional.of(Window.parse(w, c.windowTimeZone()));
            } catch (IllegalArgumentException e) {
                problems.add(key + ".window='" + w + "' (time zone " + c.windowTimeZone() + "): " + e.getMessage());
            }
        }
        problems.notNegative(key + ".window-grace", c.windowGrace());
        problems.positive(key + ".lock-timeout", c.lockTimeout());
        problems.atLeast(key + ".lock-attempts", c.lockAttempts(), 1);
        problems.notNegative(key + ".lock-backoff", c.lockBackoff());
        problems.atLeast(key + ".max-concurrent-runs", c.maxConcurrentRuns(), 1);
        problems.positive(key + ".history-retention", c.historyRetention());
        if (c.tick().compareTo(ConfigProblems.SCHEDULER_RESOLUTION) < 0
                || c.tick().compareTo(MaintenanceScheduler.MAX_TICK) > 0) {
            problems.add(key + ".tick='" + c.tick() + "': expected from 1s (the scheduler's resolution) to 15s (a due "
                    + "task starts, and a heavy run past the window is cancelled, at most one tick late)");
        }
        if (c.orphanedAfter().compareTo(c.tick().multipliedBy(3)) < 0) {
            problems.add(key + ".orphaned-after='" + c.orphanedAfter() + "': expected at least three ticks ("
                    + c.tick().multipliedBy(3) + "), so a live run beats at least three times before it counts as orphaned");
        }
        for (Task t : Task.values()) {
            MaintenanceConfig.TaskSettings s = t.settings(c);
            try {
                Schedule schedule = Schedule.of(t, c);
                if (t.heavy() && t.scheduled(c) && window.isPresent()
                        && window.get().firstFireInside(schedule, now, now.plus(Duration.ofDays(366))).isEmpty()) {
                    problems.add(t.key() + ".cron='" + s.cron() + "': never fires inside " + key + ".window='"
                            + c.window().get().trim() + "' over the next year (both read in " + key
                            + ".window-time-zone=" + c.windowTimeZone() + "), so every scheduled run would be skipped; "
                            + "give it a time inside the window, or disable it with " + t.key() + ".enabled=false");
                }
            } catch (IllegalArgumentException e) {
                problems.add(t.key() + ".cron='" + s.cron() + "': " + e.getMessage());
            }
            problems.positive(t.key() + ".statement-timeout", s.statementTimeout());
            problems.positive(t.key() + ".time-budget", s.timeBudget());
        }
        MaintenanceConfig.UpdateStatistics u = c.updateStatistics();
        between(problems, Task.UPDATE_STATISTICS.key() + ".threshold-factor", u.thresholdFactor(), 0.0001, 10);
        problems.atLeast(Task.UPDATE_STATISTICS.key() + ".max-tables", u.maxTables(), 1);
        MaintenanceConfig.Vacuum v = c.vacuum();
        problems.atLeast(Task.VACUUM.key() + ".min-dead-tuples", v.minDeadTuples(), 0);
        between(problems, Task.VACUUM.key() + ".min-dead-ratio", v.minDeadRatio(), 0, 1);
        problems.ratio(Task.VACUUM.key() + ".freeze-age-share", v.freezeAgeShare());
        problems.notNegative(Task.VACUUM.key() + ".cost-delay", v.costDelay());
        if (v.costDelay().compareTo(Duration.ofMillis(100)) > 0) {
            problems.add(Task.VACUUM.key() + ".cost-delay='" + v.costDelay() + "': expected at most 100ms");
        }
        between(problems, Task.VACUUM.key() + ".cost-limit", v.costLimit(), 1, 10000);
        problems.atLeast(Task.VACUUM.key() + ".max-tables", v.maxTables(), 1);
        MaintenanceConfig.MaintainIndexes m = c.maintainIndexes();
        if (!INVALID_ACTIONS.contains(m.invalidAction().toLowerCase(Locale.ROOT))) {
            problems.add(Task.MAINTAIN_INDEXES.key() + ".invalid-action='" + m.invalidAction()
                    + "': expected rebuild, drop or report");
        }
        between(problems, Task.MAINTAIN_INDEXES.key() + ".min-bloat-ratio", m.minBloatRatio(), 0.01, 0.99);
        problems.atLeast(Task.MAINTAIN_INDEXES.key() + ".max-indexes", m.maxIndexes(), 1);
        MaintenanceConfig.CleanupOldData d = c.cleanupOldData();
        between(problems, Task.CLEANUP_OLD_DATA.key() + ".batch-size", d.batchSize(), 1, 100_000);
        problems.notNegative(Task.CLEANUP_OLD_DATA.key() + ".batch-pause", d.batchPause());
        try {
            CleanupRules.parse(c);
        } catch (IllegalArgumentException e) {
            problems.add("pgsidecar.maintenance.cleanup.rules: " + e.getMessage());
        }
        MaintenanceConfig.ConnectionHealth h = c.connectionHealth();
        problems.positive(Task.CONNECTION_HEALTH.key() + ".idle-in-transaction-threshold", h.idleInTransactionThreshold());
        problems.positive(Task.CONNECTION_HEALTH.key() + ".long-transaction-threshold", h.longTransactionThreshold());
        h.terminateApplications().orElse(List.of()).stream().filter(a -> a.startsWith("pgsidecar"))
                .forEach(a -> problems.add(Task.CONNECTION_HEALTH.key() + ".terminate-applications='" + a
                        + "': the agent never ends its own sessions"));
    }

    private static void between(ConfigProblems problems, String key, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            problems.add(key + "='" + v + "': expected " + min + " to " + max);
        }
    }

    /** The rules' tables and columns, when the database answers now; otherwise they are checked at each run. */
    private void checkCatalog(List<CleanupRules.Rule> rules, ConfigProblems problems) {
        try (Connection c = connections.open("pgsidecar-config-check", Duration.ofSeconds(5));
             PreparedStatement ps = c.prepareStatement(MaintenanceQueries.RULE_TARGET)) {
            for (CleanupRules.Rule r : rules) {
                ps.setString(1, r.column());
                ps.setString(2, r.schema());
                ps.setString(3, r.table());
                String where = Task.CLEANUP_OLD_DATA.key() + " rule for " + r.qualified();
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        problems.add(where + ": the table does not exist");
                    } else if (rs.getString(2) == null) {
                        problems.add(where + ": column '" + r.column() + "' does not exist");
                    } else if (!CleanupChecks.isDateType(rs.getString(2))) {
                        problems.add(where + ": column '" + r.column() + "' is " + rs.getString(2)
                                + ", not a date or timestamp");
                    }
                }
            }
        } catch (SQLException e) {
            LOG.infof("retention rules not checked against the catalog now (%s); each run checks them", e.getMessage());
        }
    }
}
