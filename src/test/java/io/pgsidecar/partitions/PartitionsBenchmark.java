package io.pgsidecar.partitions;

import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cost of the partition status and of the partition job when nothing is due, on 50 partitioned
 * tables of 120 monthly partitions each (all 50 configured as sets). Prints figures
 * (docs/benchmarks.md): {@code ./mvnw -B test -Dtest=PartitionsBenchmark} (not part of verify).
 */
@QuarkusTest
@TestProfile(PartitionsBenchmark.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"),
        @ResourceArg(name = "settings", value = "max_locks_per_transaction = 256")})
class PartitionsBenchmark {

    static final int TABLES = 50;
    static final int PARTITIONS = 120;
    static final int CALLS = 20;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            StringBuilder sets = new StringBuilder("[");
            for (int i = 1; i <= TABLES; i++) {
                sets.append(i == 1 ? "" : ",").append("{\"table_name\": \"bench_").append(i)
                        .append("\", \"partition_column\": \"created_at\", \"strategy_config\": {\"interval\": \"month\", "
                                + "\"retention\": \"drop\", \"retention_months\": 120}}");
            }
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h",
                    "pgsidecar.alerts.evaluation-interval", "1h", "PARTITIONING_ENABLED", "true",
                    "PARTITION_STRATEGIES", sets.append("]").toString(),
                    "quarkus.log.category.\"io.pgsidecar\".level", "WARN");
        }
    }

    @Inject
    PartitionService service;

    @Inject
    PartitionJob job;

    @Test
    void statusAndAnIdleJobOnFiftyTablesOfOneHundredTwentyPartitions() throws Exception {
        // the leader's first run at start-up must be over, else it runs inside a measured window
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(200)).until(() -> job.state().at() != null);
        LocalDate first = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).minusMonths(PARTITIONS - 5);
        long t0 = System.nanoTime();
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement()) {
            for (int i = 1; i <= TABLES; i++) {
                s.execute("CREATE TABLE bench_" + i + " (id bigint, created_at timestamptz NOT NULL, payload text) "
                        + "PARTITION BY RANGE (created_at)");
                s.execute("CREATE INDEX ON bench_" + i + " (created_at)");
                s.execute("DO $$ DECLARE d date := date '" + first + "'; BEGIN FOR k IN 0.." + (PARTITIONS - 1)
                        + " LOOP EXECUTE format('CREATE TABLE %I PARTITION OF bench_" + i + " FOR VALUES FROM (%L) TO (%L)', "
                        + "'bench_" + i + "_p' || to_char(d + make_interval(months => k), 'YYYY_MM'), "
                        + "(d + make_interval(months => k))::timestamptz, (d + make_interval(months => k + 1))::timestamptz); "
                        + "END LOOP; END $$");
            }
            s.execute("ANALYZE");
        }
        System.out.printf("%n%d tables x %d partitions created in %d s%n", TABLES, PARTITIONS,
                (System.nanoTime() - t0) / 1_000_000_000);
        service.status();
        job.runOnce(); // warm-up, and anything due is done now
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        reset();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        int tables = 0;
        for (int i = 0; i < CALLS; i++) {
            tables = service.status().tables().size();
        }
        double wall = (System.nanoTime() - wall0) / 1e6 / CALLS;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / CALLS;
        System.out.printf("partitions/status on %d tables: wall %.1f ms, agent process CPU %.1f ms per call%n", tables,
                wall, cpu);
        print("status statements per call", CALLS);

        reset();
        cpu0 = os.getProcessCpuTime();
        wall0 = System.nanoTime();
        job.runOnce();
        System.out.printf("partition job, nothing due, %d sets: wall %.0f ms, agent process CPU %.0f ms%n", TABLES,
                (System.nanoTime() - wall0) / 1e6, (os.getProcessCpuTime() - cpu0) / 1e6);
        print("job statements (one run)", 1);
    }

    private static void reset() throws Exception {
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_statements_reset()");
        }
    }

    /** The agent's statements (they start with its comment) since the reset: DB time per unit. */
    private static void print(String what, int per) throws Exception {
        try (Connection c = PgTestResource.ownCluster().connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(calls), sum(total_exec_time), max(max_exec_time) FROM "
                     + "pg_stat_statements WHERE query LIKE '/* pgsidecar */%' AND query NOT LIKE '%pg_stat_statements%'");
             Statement s2 = c.createStatement();
             ResultSet top = s2.executeQuery("SELECT calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), "
                     + "70) FROM pg_stat_statements WHERE query LIKE '/* pgsidecar */%' ORDER BY total_exec_time DESC "
                     + "LIMIT 6")) {
            rs.next();
            System.out.printf("%s: %.0f statements, DB time %.1f ms (slowest %.1f ms)%n", what, rs.getDouble(1) / per,
                    rs.getDouble(2) / per, rs.getDouble(3));
            while (top.next()) {
                System.out.printf("    %6d calls %9.1f ms  %s%n", top.getLong(1), top.getDouble(2), top.getString(3));
            }
        }
    }
}
