package io.pgsidecar.partitions;

import io.pgsidecar.config.ConfigCheck;
import io.pgsidecar.config.ConfigProblems;
import io.pgsidecar.db.DirectConnections;
import io.pgsidecar.db.Identifiers;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The partition settings: the strategies' shape, the limits, and (when the database answers at
 * start-up) each set's table: range-partitioned on that date or timestamp column, not pg_partman's,
 * its archive schema there. A table that does not exist yet is not fatal: the status reports it.
 */
@Singleton
public class PartitionsConfigCheck implements ConfigCheck {

    private static final Logger LOG = Logger.getLogger(PartitionsConfigCheck.class);
    static final String KEY = "pgsidecar.partitions";

    private final PartitionsConfig config;
    private final DirectConnections connections;

    public PartitionsConfigCheck(PartitionsConfig config, DirectConnections connections) {
        this.config = config;
        this.connections = connections;
    }

    @Override
    public void check(ConfigProblems problems) {
        List<PartitionSet> sets = check(config, problems);
        if (!sets.isEmpty()) {
            checkCatalog(sets, problems);
        }
    }

    /** Everything that can be checked without the database; returns the sets when they parse. */
    static List<PartitionSet> check(PartitionsConfig c, ConfigProblems problems) {
        problems.atLeast(KEY + ".retention-months", c.retentionMonths(), 1);
        problems.positive(KEY + ".interval", c.interval());
        problems.tick(KEY + ".tick", c.tick());
        problems.positive(KEY + ".lock-timeout", c.lockTimeout());
        problems.atLeast(KEY + ".lock-attempts", c.lockAttempts(), 1);
        problems.notNegative(KEY + ".lock-backoff", c.lockBackoff());
        problems.positive(KEY + ".statement-timeout", c.statementTimeout());
        problems.atLeast(KEY + ".max-create", c.maxCreate(), 1);
        problems.positive(KEY + ".history-retention", c.historyRetention());
        problems.atLeast(KEY + ".metrics-top-tables", c.metricsTopTables(), 0);
        problems.ratio(KEY + ".analysis.min-correlation", c.analysis().minCorrelation());
        problems.ratio(KEY + ".analysis.max-change-share", c.analysis().maxChangeShare());
        try {
            return Strategies.parse(c.strategies(), Math.max(1, c.retentionMonths()));
        } catch (IllegalArgumentException e) {
            problems.add(KEY + ".strategies (PARTITION_STRATEGIES): " + e.getMessage());
            return List.of();
        }
    }

    private void checkCatalog(List<PartitionSet> sets, ConfigProblems problems) {
        try (Connection c = connections.open("pgsidecar-config-check", Duration.ofSeconds(5))) {
            Set<String> partman = partmanParents(c);
            for (PartitionSet s : sets) {
                String where = KEY + ".strategies set " + s.qualified();
                if (partman.contains(s.qualified())) {
                    problems.add(where + ": pg_partman manages this table (its part_config); configure it in one of "
                            + "the two, not both");
                    continue;
                }
                try (PreparedStatement ps = c.prepareStatement(PartitionsQueries.SET_TABLE)) {
                    ps.setString(1, s.schema());
                    ps.setString(2, s.table());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            LOG.infof("partition set %s: the table does not exist yet; nothing is made until it does",
                                    s.qualified());
                        } else if (!"p".equals(rs.getString(1))) {
                            problems.add(where + ": the table is not partitioned (GET /api/v1/admin/database/partitions/"
                                    + "analyze gives a plan to convert it)");
                        } else if (!"r".equals(rs.getString(2))) {
                            problems.add(where + ": the table is not range-partitioned");
                        } else if (rs.getString(3) == null || !rs.getString(3).equals(s.column())) {
                            problems.add(where + ": the table is range-partitioned by " + (rs.getString(3) == null
                                    ? "an expression or several columns" : rs.getString(3)) + ", not by " + s.column());
                        } else if (ColumnType.of(rs.getString(4)).isEmpty()) {
                            problems.add(where + ": " + s.column() + " is " + rs.getString(4)
                                    + ", not a date or timestamp");
                        }
                    }
                }
                if (s.archiveSchema().isPresent()) {
                    try (PreparedStatement ps = c.prepareStatement(PartitionsQueries.SCHEMA_EXISTS)) {
                        ps.setString(1, s.archiveSchema().get());
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next() && !rs.getBoolean(1)) {
                                problems.add(where + ": archive_schema '" + s.archiveSchema().get() + "' does not exist");
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            LOG.infof("partition sets not checked against the catalog now (%s); the job checks them each run",
                    e.getMessage());
        }
    }

    private static Set<String> partmanParents(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        String schema = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(PartitionsQueries.PARTMAN_SCHEMA)) {
            if (rs.next()) {
                schema = rs.getString(1);
            }
        }
        if (schema != null) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("/* pgsidecar */ SELECT parent_table "
                    + "FROM " + Identifiers.quote(schema) + ".part_config")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
