package io.pgsidecar.indexes;

import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cost of the index analysis on 1,000 tables, 5,000 indexes and 5,000 distinct statements, without
 * and with HypoPG. Prints figures (docs/benchmarks.md): {@code ./mvnw -B test -Dtest=IndexesBenchmark}
 * (not part of verify).
 */
@QuarkusTest
@TestProfile(IndexesBenchmark.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"),
        @ResourceArg(name = "settings", value = "pg_stat_statements.max = 10000;max_locks_per_transaction = 256")})
class IndexesBenchmark {

    static final int TABLES = 1000;
    static final int LARGE = 50;
    static final int ROWS = 20_000;
    static final int RUNS = 5;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h",
                    "pgsidecar.alerts.evaluation-interval", "1h", "pgsidecar.indexes.interval", "24h",
                    "pgsidecar.indexes.refresh-min-interval", "0s", "pgsidecar.statements.stored-top-n", "200",
                    "quarkus.log.category.\"io.pgsidecar\".level", "WARN");
        }
    }

    @Inject
    IndexService service;

    @Inject
    StatementsPoller statements;

    @Test
    void analysisOnAThousandTablesFiveThousandIndexesAndStatements() throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement()) {
            for (int i = 1; i <= TABLES; i++) {
                s.execute("CREATE TABLE b_" + i + " (id bigint PRIMARY KEY, c1 int, c2 int, c3 int, c4 int, c5 text)");
                for (int k = 1; k <= 4; k++) {
                    s.execute("CREATE INDEX ON b_" + i + " (c" + k + (k == 4 ? ", c1" : "") + ")");
                }
                if (i <= LARGE) {
                    s.execute("INSERT INTO b_" + i + " SELECT g, g % 100, g % 1000, g % 7, g, md5(g::text) "
                            + "FROM generate_series(1, " + ROWS + ") g");
                }
            }
            s.execute("ANALYZE");
        }
        System.out.printf("%n%d tables, %d indexes created in %d s%n", TABLES, TABLES * 5,
                (System.nanoTime() - t0) / 1_000_000_000);
        statements.pollOnce();
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement()) {
            // the set-up's statements are not the workload: the history starts after them
            s.execute("TRUNCATE pgsidecar.statement_history, pgsidecar.statement_totals");
        }
        try (Connection c = PgTestResource.ownCluster().connect("app", "bench-app"); Statement s = c.createStatement()) {
            // 5 distinct statements per table; the ones on the large tables filter on an unindexed column
            for (int i = 1; i <= TABLES; i++) {
                for (int k = 1; k <= 5; k++) {
                    String sql = k == 5 ? "SELECT id FROM b_" + i + " WHERE c5 = $1"
                            : "SELECT id FROM b_" + i + " WHERE c" + k + " = $1 AND id > " + k;
                    try (PreparedStatement ps = c.prepareStatement(sql.replace("$1", "?"))) {
                        if (k == 5) {
                            ps.setString(1, "x");
                        } else {
                            ps.setInt(1, 3);
                        }
                        int times = i <= LARGE && k == 5 ? 20 : 1;
                        for (int n = 0; n < times; n++) {
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    rs.getLong(1);
                                }
                            }
                        }
                    }
                }
            }
        }
        Thread.sleep(1100);
        statements.pollOnce();
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_statements")) {
            rs.next();
            System.out.printf("pg_stat_statements entries: %d%n", rs.getLong(1));
        }
        measure("without HypoPG");
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS hypopg");
        }
        measure("with HypoPG");
    }

    private void measure(String label) throws Exception {
        service.analysis(true); // warm-up
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement()) {
            // a reset would also drop the statements' texts the analysis reads: compare two readings instead
            s.execute("CREATE TEMP TABLE before AS SELECT queryid, calls, total_exec_time + total_plan_time AS ms, query "
                    + "FROM pg_stat_statements WHERE query LIKE '/* pgsidecar */%'");
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            IndexAnalysis a = null;
            for (int i = 0; i < RUNS; i++) {
                a = service.analysis(true);
            }
            double wall = (System.nanoTime() - wall0) / 1e6 / RUNS;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / RUNS;
            System.out.printf("analysis %s: wall %.0f ms, agent process CPU %.0f ms per run; %d recommendations "
                            + "(%d validated), %d indexes, %d unused, %d statements skipped%n", label, wall, cpu,
                    a.recommendations().size(), a.recommendations().stream()
                            .filter(IndexAnalysis.Recommendation::validated).count(),
                    a.usageStats().indexes(), a.unusedIndexes().size(), a.skipped().size());
            a.skipped().stream().limit(3).forEach(x -> System.out.println("    skipped: " + x));
            String delta = "SELECT p.calls - coalesce(b.calls, 0) AS calls, "
                    + "p.total_exec_time + p.total_plan_time - coalesce(b.ms, 0) AS ms, p.query FROM pg_stat_statements p "
                    + "LEFT JOIN before b USING (queryid) WHERE p.query LIKE '/* pgsidecar */%' "
                    + "AND p.query NOT LIKE '%pg_stat_statements%before%'";
            try (ResultSet rs = s.executeQuery("SELECT sum(calls), sum(ms) FROM (" + delta + ") d")) {
                rs.next();
                System.out.printf("  agent statements per run: %.0f, DB time %.1f ms%n", rs.getDouble(1) / RUNS,
                        rs.getDouble(2) / RUNS);
            }
            try (ResultSet top = s.executeQuery("SELECT calls, ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) "
                    + "FROM (" + delta + ") d WHERE calls > 0 ORDER BY ms DESC LIMIT 6")) {
                while (top.next()) {
                    System.out.printf("    %6d calls %9.1f ms  %s%n", top.getLong(1), top.getDouble(2), top.getString(3));
                }
            }
            System.out.printf("  (last run %s)%n", Duration.ofMillis(a.durationMs()));
        }
    }
}
