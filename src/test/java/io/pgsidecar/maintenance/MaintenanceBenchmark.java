package io.pgsidecar.maintenance;

import io.pgsidecar.testing.PgCluster;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Costs of maintenance, printed as figures (docs/benchmarks.md), not asserted:
 * <ol>
 * <li>the status page's candidate query on a database with 10,000 tables: DB time per call (from
 * pg_stat_statements) and the agent's CPU per status call;</li>
 * <li>cleanup_old_data's throughput on 1,000,000 rows (half past the cutoff) and the latency an
 * application (pgbench, 100 transactions/s, a separate process) sees without and during the cleanup;</li>
 * <li>the statistics-based index bloat estimate against the truth (the shrink a REINDEX gives).</li>
 * </ol>
 * Run it on its own: {@code ./mvnw -B test -Dtest=MaintenanceBenchmark} (not part of verify).
 */
@QuarkusTest
@TestProfile(MaintenanceBenchmark.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"),
        // durable commits, as in production (the test fixture turns them off for speed)
        @ResourceArg(name = "settings", value = "max_locks_per_transaction = 256;fsync = on;synchronous_commit = on"),
        // the rule's table exists before the agent starts, as its start-up check wants
        @ResourceArg(name = "sql", value = "CREATE TABLE events (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, "
                + "payload text)")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MaintenanceBenchmark {

    static final int TABLES = 10_000;
    static final int STATUS_CALLS = 20;
    static final int EVENTS = 1_000_000;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new java.util.HashMap<>(Map.of("pgsidecar.statements.interval", "1h",
                    "pgsidecar.connections.interval", "1h", "pgsidecar.alerts.evaluation-interval", "1h",
                    "pgsidecar.maintenance.cleanup.rules",
                    "[{\"table\": \"public.events\", \"column\": \"created_at\", \"older_than\": \"30d\"}]",
                    "pgsidecar.maintenance.cleanup-old-data.time-budget", "30m",
                    "quarkus.log.category.\"io.pgsidecar\".level", "WARN"));
            // -Dbench.batch-size=5000 -Dbench.batch-pause=100ms to compare with other than the defaults
            for (String k : new String[] {"batch-size", "batch-pause"}) {
                String v = System.getProperty("bench." + k);
                if (v != null) {
                    m.put("pgsidecar.maintenance.cleanup-old-data." + k, v);
                }
            }
            return m;
        }
    }

    @Inject
    MaintenanceService maintenance;

    static PgCluster pg() {
        return PgTestResource.ownCluster();
    }

    @Test
    @Order(1)
    void statusCandidatesOnTenThousandTables() throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = pg().connect("app"); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA many");
            for (int from = 1; from <= TABLES; from += 500) {
                s.execute("DO $$ BEGIN FOR i IN " + from + ".." + (from + 499) + " LOOP EXECUTE format('CREATE TABLE "
                        + "many.t%s (id int PRIMARY KEY, v text, at timestamptz); INSERT INTO many.t%s SELECT g, md5(g::text), "
                        + "now() FROM generate_series(1, 20) g', i, i); END LOOP; END $$");
            }
            s.execute("ANALYZE");
            // a tenth of them changed since: candidates for update_statistics and vacuum
            s.execute("DO $$ BEGIN FOR i IN 1.." + TABLES / 10 + " LOOP EXECUTE format('UPDATE many.t%s SET v = v', i * 10);"
                    + " END LOOP; END $$");
            s.execute("SELECT pg_stat_statements_reset()");
        }
        System.out.printf("%n%d tables with a primary key each created and analyzed in %d s%n", TABLES,
                Duration.ofNanos(System.nanoTime() - t0).toSeconds());
        maintenance.status(); // warm-up: JIT, plan cache
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Connection c = pg().connect("app"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_statements_reset()");
        }
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        int candidates = 0;
        for (int i = 0; i < STATUS_CALLS; i++) {
            candidates = maintenance.status().tasks().stream().mapToInt(t -> t.candidates().size()).sum();
        }
        double wallMs = (System.nanoTime() - wall0) / 1e6 / STATUS_CALLS;
        double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / STATUS_CALLS;
        try (Connection c = pg().connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT calls, total_exec_time / calls, max_exec_time, left(query, 60) FROM "
                     + "pg_stat_statements WHERE query LIKE '%AS task, a.schemaname%' ORDER BY calls DESC")) {
            System.out.printf("%nmaintenance/status on %d tables (%d candidates listed), %d calls%n", TABLES, candidates,
                    STATUS_CALLS);
            while (rs.next()) {
                System.out.printf("candidate query: %d calls, DB time mean %.1f ms, max %.1f ms%n", rs.getLong(1),
                        rs.getDouble(2), rs.getDouble(3));
            }
        }
        System.out.printf("status call: wall %.1f ms, agent process CPU %.1f ms per call%n", wallMs, cpuMs);
    }

    @Test
    @Order(2)
    void cleanupThroughputAndTheWorkloadsLatency() throws Exception {
        try (Connection c = pg().connect("app"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO events (created_at, payload) SELECT now() - (g % 60) * interval '1 day' - interval '1 hour',"
                    + " repeat('p', 100) FROM generate_series(1, " + EVENTS + ") g");
            s.execute("CREATE INDEX events_created_at ON events (created_at)");
            s.execute("VACUUM ANALYZE events");
        }
        long old;
        try (Connection c = pg().connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM events WHERE created_at < now() - interval '30 days'")) {
            rs.next();
            old = rs.getLong(1);
        }
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pgbench");
        java.nio.file.Path script = dir.resolve("app.sql");
        java.nio.file.Files.writeString(script, "INSERT INTO events (created_at, payload) VALUES (now(), 'new');\n"
                + "SELECT id, payload FROM events ORDER BY id DESC LIMIT 10;\n");
        long[] without = pgbench(dir, script, "base", 20, () -> { });
        long[] window = new long[2];
        double[] rows = new double[1];
        long[] with = pgbench(dir, script, "during", 150, () -> {
            window[0] = System.currentTimeMillis() * 1000;
            long id = maintenance.run(Task.CLEANUP_OLD_DATA, false, java.util.Optional.empty(), "benchmark", null,
                    "manual").runId();
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            MaintenanceRun.Detail d = maintenance.run(id);
            while ("running".equals(d.run().outcome()) && System.nanoTime() < deadline) {
                sleep(200);
                d = maintenance.run(id);
            }
            window[1] = System.currentTimeMillis() * 1000;
            rows[0] = d.items().get(0).rowsAffected() == null ? 0 : d.items().get(0).rowsAffected();
            System.out.printf("%ncleanup_old_data: %.0f of %d rows past the cutoff deleted in %.1f s (%s): %.0f rows/s "
                            + "(batches of %s, pause %s)%n", rows[0], old, (window[1] - window[0]) / 1e6,
                    d.run().outcome(), rows[0] / ((window[1] - window[0]) / 1e6),
                    System.getProperty("bench.batch-size", "500 (default)"),
                    System.getProperty("bench.batch-pause", "50ms (default)"));
        });
        System.out.printf("%-34s %8s %8s %8s %8s %8s%n", "workload (pgbench) latency, ms", "txns", "p50", "p99", "p99.9",
                "max");
        print("without cleanup (20 s)", without);
        print("during cleanup", during(with, window));
    }

    /** Latencies (µs) of the log lines that started inside the window (epoch µs). */
    private static long[] during(long[] log, long[] window) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i + 1 < log.length; i += 2) {
            if (log[i] >= window[0] && log[i] <= window[1]) {
                out.add(log[i + 1]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Runs pgbench (a separate process, as the application is) at 100 transactions a second on two
     * connections for {@code seconds}, runs {@code meanwhile} on this thread, and returns its log as
     * pairs (start epoch µs, latency µs); for {@code base}, only the latencies.
     */
    private static long[] pgbench(java.nio.file.Path dir, java.nio.file.Path script, String name, int seconds,
                                  Runnable meanwhile) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("pgbench", "-n", "-c", "2", "-R", "100", "-T", Integer.toString(seconds),
                "-l", "--log-prefix=" + dir.resolve(name), "-f", script.toString(), "-h", pg().host(), "-p",
                Integer.toString(pg().port()), "-U", PgCluster.USER, "app").redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile());
        pb.environment().put("PGPASSWORD", PgCluster.PASSWORD);
        pb.environment().put("PGAPPNAME", "bench-app");
        Process p = pb.start();
        meanwhile.run();
        if (!p.waitFor(seconds + 60L, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("pgbench did not end");
        }
        List<Long> out = new ArrayList<>();
        try (java.util.stream.Stream<java.nio.file.Path> logs = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path log : logs.filter(f -> f.getFileName().toString().startsWith(name + ".")
                    && !f.toString().endsWith(".out")).toList()) {
                for (String line : java.nio.file.Files.readAllLines(log)) {
                    // client transaction latency_us script epoch_s epoch_us [lag_us]
                    String[] f = line.trim().split("\\s+");
                    long latency = Long.parseLong(f[2]);
                    long end = Long.parseLong(f[4]) * 1_000_000 + Long.parseLong(f[5]);
                    if (!"base".equals(name)) {
                        out.add(end - latency);
                    }
                    out.add(latency);
                }
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    @Order(3)
    void bloatEstimateAgainstTheShrinkOfAReindex() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("int key, half the rows deleted at random",
                "CREATE TABLE bl_a (id int PRIMARY KEY, v text); INSERT INTO bl_a SELECT g, 'x' FROM generate_series(1, "
                        + "1000000) g; DELETE FROM bl_a WHERE random() < 0.5");
        cases.put("text (md5) inserted in random order",
                "CREATE TABLE bl_b (u text); CREATE INDEX bl_b_u ON bl_b (u); INSERT INTO bl_b SELECT md5(g::text) FROM "
                        + "generate_series(1, 300000) g");
        cases.put("timestamptz, oldest half deleted",
                "CREATE TABLE bl_c (t timestamptz); INSERT INTO bl_c SELECT now() - g * interval '1 second' FROM "
                        + "generate_series(1, 800000) g; CREATE INDEX bl_c_t ON bl_c (t); DELETE FROM bl_c WHERE "
                        + "t < now() - interval '400000 seconds'");
        cases.put("(bigint, int), 30 % updated",
                "CREATE TABLE bl_d (a bigint, b int, pad text); INSERT INTO bl_d SELECT g, g % 1000, 'p' FROM "
                        + "generate_series(1, 500000) g; CREATE INDEX bl_d_ab ON bl_d (a, b); UPDATE bl_d SET b = b + 1 "
                        + "WHERE random() < 0.3");
        cases.put("uuid inserted in random order",
                "CREATE TABLE bl_g (u uuid); CREATE INDEX bl_g_u ON bl_g (u); INSERT INTO bl_g SELECT gen_random_uuid() "
                        + "FROM generate_series(1, 300000) g");
        cases.put("bigint, freshly built",
                "CREATE TABLE bl_f (id bigint); INSERT INTO bl_f SELECT g FROM generate_series(1, 500000) g; "
                        + "CREATE INDEX bl_f_id ON bl_f (id)");
        cases.put("int with 10 distinct values (deduplicated)",
                "CREATE TABLE bl_e (s int); INSERT INTO bl_e SELECT g % 10 FROM generate_series(1, 500000) g; "
                        + "CREATE INDEX bl_e_s ON bl_e (s)");
        String all = MaintenanceQueries.BLOATED_INDEXES.replaceAll("WHERE pages > est_pages AND [^\n]*",
                "WHERE ?::float8 IS NOT NULL");
        if (all.equals(MaintenanceQueries.BLOATED_INDEXES)) {
            throw new IllegalStateException("the bloat query changed; adapt the benchmark's copy");
        }
        System.out.printf("%n%-44s %-10s %10s %10s %12s%n", "index", "", "estimated", "true", "pages");
        try (Connection c = pg().connect("app"); Statement s = c.createStatement()) {
            for (Map.Entry<String, String> e : cases.entrySet()) {
                for (String sql : e.getValue().split("; ")) {
                    s.execute(sql);
                }
            }
            s.execute("VACUUM ANALYZE");
            Map<String, Double> estimate = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(all)) {
                ps.setDouble(1, 0);
                ps.setDouble(2, 0);
                ps.setInt(3, 100_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getString(3).startsWith("bl_")) {
                            estimate.put(rs.getString(2), rs.getDouble(5));
                        }
                    }
                }
            }
            for (Map.Entry<String, Double> e : estimate.entrySet()) {
                long before = size(s, e.getKey());
                s.execute("REINDEX INDEX " + e.getKey());
                long after = size(s, e.getKey());
                System.out.printf("%-44s %-10s %9.0f%% %9.0f%% %6d→%d%n", e.getKey(), "", e.getValue() * 100,
                        (1 - (double) after / before) * 100, before / 8192, after / 8192);
            }
            System.out.println("cases: " + String.join(" | ", cases.keySet()));
        }
    }

    private static long size(Statement s, String index) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT pg_relation_size('" + index + "')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Percentiles of latencies given in µs. */
    private static void print(String label, long[] nanos) {
        if (nanos.length == 0) {
            System.out.printf("%-28s %8d%n", label, 0);
            return;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-34s %8d %8.2f %8.2f %8.2f %8.2f%n", label, sorted.length, pct(sorted, 0.5),
                pct(sorted, 0.99), pct(sorted, 0.999), sorted[sorted.length - 1] / 1e3);
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e3;
    }
}
