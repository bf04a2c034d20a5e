package io.pgsidecar.health;

import io.pgsidecar.db.Database;
import io.pgsidecar.db.PoolMetrics;
import io.pgsidecar.db.PoolStats;
import io.pgsidecar.db.Rows;
import io.pgsidecar.db.SchemaMigrator;
import io.pgsidecar.leader.LeaderElector;
import io.pgsidecar.leader.LeaderService;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds the composite health report: a live check, run when asked. */
@ApplicationScoped
public class HealthReportService {

    static final double XID_LIMIT = 2147483648.0;

    private final Database database;
    private final PoolMetrics pool;
    private final LeaderService leader;
    private final SchemaMigrator migrator;
    private final HealthConfig config;

    public HealthReportService(Database database, PoolMetrics pool, LeaderService leader, SchemaMigrator migrator,
                               HealthConfig config) {
        this.database = database;
        this.pool = pool;
        this.leader = leader;
        this.migrator = migrator;
        this.config = config;
    }

    public HealthReport report() {
        return database.withConnection(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(HealthQueries.REPORT)) {
                rs.next();
                int max = rs.getInt("max_connections");
                int reserved = rs.getInt("reserved_connections");
                int usable = Math.max(1, max - reserved);
                long current = rs.getLong("connections");
                Double cacheHit = Rows.doubleOrNull(rs, "cache_hit_ratio");
                Double oldestXact = Rows.doubleOrNull(rs, "oldest_xact_seconds");
                long xidAge = rs.getLong("max_xid_age");
                String pgssVersion = rs.getString("pgss_version");
                HealthReport.Server server = new HealthReport.Server(rs.getString("version"),
                        rs.getInt("version_num"), rs.getBoolean("in_recovery"), rs.getDouble("uptime_seconds"));
                HealthReport.Connections conns = new HealthReport.Connections(current, max, reserved, usable,
                        current / (double) usable);
                HealthReport.TransactionIds xids = new HealthReport.TransactionIds(xidAge,
                        rs.getString("oldest_xid_database"), xidAge / XID_LIMIT);
                HealthReport.PgStatStatements pgss = new HealthReport.PgStatStatements(rs.getBoolean("pgss_loaded"),
                        pgssVersion != null, pgssVersion);
                return assemble(server, conns, cacheHit, oldestXact, xids, pgss);
            }
        });
    }

    private HealthReport assemble(HealthReport.Server server, HealthReport.Connections conns, Double cacheHit,
                                  Double oldestXact, HealthReport.TransactionIds xids,
                                  HealthReport.PgStatStatements pgss) {
        PoolStats poolStats = pool.stats();
        LeaderElector.State ls = leader.state();
        SchemaMigrator.Status ms = migrator.status();
        List<String> unhealthy = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        if (xids.ageRatio() >= config.xidAgeUnhealthy()) {
            unhealthy.add(String.format("transaction ID age %d in database %s is %.0f%% of the wraparound limit",
                    xids.maxAge(), xids.oldestDatabase(), xids.ageRatio() * 100));
        } else if (xids.ageRatio() >= config.xidAgeDegraded()) {
            degraded.add(String.format("transaction ID age %d in database %s is %.0f%% of the wraparound limit",
                    xids.maxAge(), xids.oldestDatabase(), xids.ageRatio() * 100));
        }
        if (conns.usageRatio() >= config.connectionUsageDegraded()) {
            degraded.add(String.format("%d of %d usable connections in use (%.0f%%)", conns.current(),
                    conns.usable(), conns.usageRatio() * 100));
        }
        if (oldestXact != null && oldestXact >= config.longTransactionDegraded().toSeconds()) {
            degraded.add(String.format("a transaction has been open for %.0f s", oldestXact));
        }
        if (!pgss.loaded()) {
            degraded.add("pg_stat_statements is not in shared_preload_libraries: query statistics are unavailable");
        } else if (!pgss.installed()) {
            degraded.add("pg_stat_statements is loaded but not installed in this database (CREATE EXTENSION)");
        }
        if (!ms.done()) {
            degraded.add("the agent's schema is not migrated yet: " + ms.lastError().orElse("pending"));
        }
        if (poolStats.awaiting() > 0 && poolStats.active() >= poolStats.max()) {
            degraded.add("the agent's pool is saturated (" + poolStats.awaiting() + " waiting)");
        }
        String overall = !unhealthy.isEmpty() ? "unhealthy" : !degraded.isEmpty() ? "degraded" : "healthy";
        List<String> reasons = new ArrayList<>(unhealthy);
        reasons.addAll(degraded);
        return new HealthReport(overall, reasons, Instant.now(), server, conns, cacheHit, oldestXact, xids, pgss,
                poolStats, new HealthReport.Leader(ls.leader(), leader.config().enabled(), ls.since().orElse(null),
                ls.lastError().orElse(null)),
                new HealthReport.Migrations(ms.done(), ms.lastError().orElse(null)));
    }
}
