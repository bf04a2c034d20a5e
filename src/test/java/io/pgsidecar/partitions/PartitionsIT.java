package io.pgsidecar.partitions;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.pgsidecar.PartitionsSuiteIT;
import io.pgsidecar.alerts.Alert;
import io.pgsidecar.alerts.AlertEngine;
import io.pgsidecar.alerts.AlertState;
import io.pgsidecar.testing.HistoryPrune;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Partition sets on a real PostgreSQL: premake with contiguous bounds whatever the time zones,
 * day partitions across daylight saving, rows in the default partition, retention whose dry run is
 * the real run, an interrupted concurrent detach finalized, lock safety, hostile input.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(PartitionsSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class, initArgs = {
        @ResourceArg(name = "own", value = "true"), @ResourceArg(name = "sql", value = PartitionsSuiteIT.SQL)})
class PartitionsIT {

    static final String BASE = "/api/v1/admin/database/partitions";

    @Inject
    PartitionJob job;

    @Inject
    AlertEngine engine;

    @Inject
    JobStore jobStore;

    static PgCluster pg() {
        return PgTestResource.ownCluster();
    }

    @BeforeEach
    void ready() {
        // the leader's first job run at start-up, so it does not run alongside a test's own
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> job.state().at() != null);
    }

    static JsonPath status() {
        return given().auth().oauth2("test-token").get(BASE + "/status").then().statusCode(200).extract().jsonPath();
    }

    static List<String> bounds(String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = pg().connect("app"); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery("SELECT c.relname || ' ' || pg_get_expr(c.relpartbound, c.oid) FROM pg_class c "
                    + "JOIN pg_inherits i ON i.inhrelid = c.oid WHERE i.inhparent = '" + table + "'::regclass ORDER BY 1")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static long count(String sql) throws Exception {
        try (Connection c = pg().connect("app"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void sql(String... statements) throws Exception {
        try (Connection c = pg().connect("app"); Statement s = c.createStatement()) {
            for (String x : statements) {
                s.execute(x);
            }
        }
    }

    static JsonPath post(String path, String body, int status) {
        return given().auth().oauth2("test-token").contentType(ContentType.JSON).body(body).post(BASE + path).then()
                .statusCode(status).extract().jsonPath();
    }

    @Test
    void aMonthlySetGetsItsFutureWithContiguousBoundsWhateverTheTimeZones() throws Exception {
        job.runOnce();
        JsonPath s = status();
        String metrics = "data.tables.find { it.table == 'public.metrics' }";
        assertThat(s.getString(metrics + ".managed_by")).isEqualTo("pgsidecar");
        assertThat(s.getInt(metrics + ".runway_intervals")).isEqualTo(4);
        assertThat(s.getList(metrics + ".gaps")).isEmpty();
        LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
        List<String> names = s.getList(metrics + ".partitions.name", String.class);
        for (int k = 0; k <= 4; k++) {
            LocalDate d = month.plusMonths(k);
            assertThat(names).contains(String.format("public.metrics_p%04d_%02d", d.getYear(), d.getMonthValue()));
        }
        List<String> reference = bounds("metrics");
        assertThat(reference).first().asString().contains("FOR VALUES FROM ('" + month + " 00:00:00+00')");

        TimeZone jvm = TimeZone.getDefault();
        try {
            String[][] zones = {{"America/Los_Angeles", "Asia/Tokyo"}, {"Europe/Berlin", "America/New_York"},
                    {"UTC", "Pacific/Auckland"}};
            for (String[] z : zones) {
                sql("ALTER DATABASE app SET TimeZone = '" + z[0] + "'");
                TimeZone.setDefault(TimeZone.getTimeZone(z[1]));
                for (String p : bounds("metrics")) {
                    sql("DROP TABLE " + p.split(" ")[0]);
                }
                job.runOnce();
                assertThat(bounds("metrics")).as("session time zone " + z[0] + ", JVM " + z[1]).isEqualTo(reference);
            }
        } finally {
            TimeZone.setDefault(jvm);
            sql("ALTER DATABASE app RESET TimeZone");
        }
        // made once: a second run and a second create of the same range change nothing
        job.runOnce();
        assertThat(bounds("metrics")).isEqualTo(reference);
        JsonPath again = post("/create", "{\"table_name\": \"metrics\", \"column_name\": \"created_at\", \"start_date\": \""
                + month + "\", \"end_date\": \"" + month.plusMonths(2) + "\", \"interval\": \"month\"}", 200);
        assertThat(again.getList("data.steps")).isEmpty();
        assertThat(again.getList("data.notes", String.class)).allMatch(n -> n.contains("exists already: skipped"));
    }

    @Test
    void dayPartitionsAcrossDaylightSavingChangesAreContiguousLocalDays() throws Exception {
        post("/create", "{\"table_name\": \"daily\", \"column_name\": \"at\", \"start_date\": \"2026-10-23\", "
                + "\"end_date\": \"2026-10-28\", \"interval\": \"day\"}", 200);
        post("/create", "{\"table_name\": \"public.daily\", \"column_name\": \"at\", \"start_date\": \"2027-03-26\", "
                + "\"end_date\": \"2027-03-30\", \"interval\": \"day\"}", 200);
        List<String> b = bounds("daily");
        // Berlin's midnights: the day the clocks go back is 25 hours, the day they go forward 23
        assertThat(b).contains("daily_p2026_10_25 FOR VALUES FROM ('2026-10-24 22:00:00+00') TO ('2026-10-25 23:00:00+00')",
                "daily_p2027_03_28 FOR VALUES FROM ('2027-03-27 23:00:00+00') TO ('2027-03-28 22:00:00+00')");
        // each requested day ends where the next begins
        List<String> october = b.stream().filter(x -> x.startsWith("daily_p2026_10_2")).sorted().toList();
        assertThat(october).hasSize(5);
        for (int i = 1; i < october.size(); i++) {
            String upper = october.get(i - 1).replaceAll(".* TO \\('(.*)'\\)$", "$1");
            assertThat(october.get(i)).contains("FROM ('" + upper + "')");
        }
    }

    @Test
    void rowsInTheDefaultPartitionStopThatRangeRaiseTheAlertAndOtherSetsGoOn() throws Exception {
        job.runOnce();
        JsonPath s = status();
        String blocked = "data.tables.find { it.table == 'public.blocked' }";
        assertThat(s.getString(blocked + ".last_job.outcome")).isEqualTo("blocked");
        assertThat(s.getString(blocked + ".last_job.message")).contains("holds 1 row(s)").contains("not made");
        assertThat(s.getLong(blocked + ".default_rows")).isEqualTo(1);
        assertThat(s.getString("data.tables.find { it.table == 'public.metrics' }.last_job.outcome")).isEqualTo("ok");
        // the month holding the row was not made; the current one was
        assertThat(count("SELECT count(*) FROM blocked_default")).isEqualTo(1);
        List<Alert> alerts = engine.evaluate();
        assertThat(alerts).anySatisfy(a -> {
            assertThat(a.alertname()).isEqualTo("DefaultPartitionHasRows");
            assertThat(a.labels()).containsEntry("table", "public.blocked");
            assertThat(a.state()).isEqualTo(AlertState.FIRING);
        });
        assertThat(alerts).anySatisfy(a -> {
            assertThat(a.alertname()).isEqualTo("PartitionMaintenanceFailed");
            assertThat(a.labels()).containsEntry("table", "public.blocked");
        });
        assertThat(alerts).noneMatch(a -> a.alertname().equals("PartitionMaintenanceFailed")
                && "public.metrics".equals(a.labels().get("table")));
        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).contains("pgsidecar_partition_default_rows{database=\"app\",table=\"public.blocked\",} 1.0")
                .contains("pgsidecar_partition_runway_intervals{database=\"app\",table=\"public.metrics\",} 4.0")
                .contains("pgsidecar_partition_premake_intervals{database=\"app\",table=\"public.metrics\",} 4.0");
    }

    @Test
    void retentionDropsWhatEndedBeforeTheCutoffAndTheDryRunIsTheRealRun() throws Exception {
        LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
        post("/create", "{\"table_name\": \"logs\", \"column_name\": \"day\", \"start_date\": \"" + month.minusMonths(7)
                + "\", \"end_date\": \"" + month.plusMonths(1) + "\", \"interval\": \"month\"}", 200);
        sql("INSERT INTO logs SELECT g, current_date - g FROM generate_series(0, 200) g");
        String cutoffMonth = month.minusMonths(2).toString();
        JsonPath dry = post("/logs/cleanup", "{\"dry_run\": true}", 200);
        assertThat(dry.getBoolean("data.dry_run")).isTrue();
        List<String> dryTargets = dry.getList("data.steps.target", String.class);
        assertThat(dryTargets).isNotEmpty().allMatch(t -> t.startsWith("public.logs_p"));
        assertThat(dry.getList("data.steps.outcome", String.class)).containsOnly("planned");
        long rowsBefore = count("SELECT count(*) FROM logs");
        // seven made by the request, the current month and two ahead by the job
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname LIKE 'logs_p%'")).isEqualTo(10);

        JsonPath real = post("/logs/cleanup", "{}", 200);
        assertThat(real.getList("data.steps.target", String.class)).isEqualTo(dryTargets);
        assertThat(real.getList("data.steps.sql", List.class)).isEqualTo(dry.getList("data.steps.sql", List.class));
        assertThat(real.getList("data.steps.action", String.class)).containsOnly("drop");
        assertThat(real.getList("data.steps.outcome", String.class)).containsOnly("ok");
        // the partition holding the cutoff (two months ago) and everything after it stay
        List<String> left = bounds("logs");
        String cut = month.minusMonths(2).toString().substring(0, 7).replace("-", "_");
        assertThat(left).anyMatch(b -> b.startsWith("logs_p" + cut));
        assertThat(left).noneMatch(b -> b.startsWith("logs_p" + month.minusMonths(3).toString().substring(0, 7)
                .replace("-", "_")));
        assertThat(count("SELECT count(*) FROM logs")).isLessThan(rowsBefore);
        assertThat(count("SELECT count(*) FROM logs WHERE day >= date '" + cutoffMonth + "'"))
                .isEqualTo(count("SELECT count(*) FROM generate_series(0, 200) g WHERE current_date - g >= date '"
                        + cutoffMonth + "'"));
        // nothing more is due: a second dry run plans nothing
        assertThat(post("/logs/cleanup", "{\"dry_run\": true}", 200).getList("data.steps")).isEmpty();
    }

    @Test
    void anInterruptedConcurrentDetachIsFinalized() throws Exception {
        Assumptions.assumeTrue(pg().majorVersion() >= 14, "DETACH ... CONCURRENTLY needs PostgreSQL 14");
        sql("CREATE TABLE pending_old PARTITION OF pending_t FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')");
        try (Connection holder = pg().connect("app", "old-reader"); Connection detacher = pg().connect("app")) {
            holder.setAutoCommit(false);
            try (Statement h = holder.createStatement()) {
                h.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                h.executeQuery("SELECT count(*) FROM pending_t").close();
            }
            int pid;
            try (Statement d = detacher.createStatement(); ResultSet rs = d.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            Thread t = new Thread(() -> {
                try (Statement d = detacher.createStatement()) {
                    d.execute("ALTER TABLE pending_t DETACH PARTITION pending_old CONCURRENTLY");
                } catch (Exception expected) {
                    // cancelled while it waits for the old reader
                }
            });
            t.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT count(*) FROM pg_inherits WHERE inhrelid = "
                    + "'pending_old'::regclass AND inhdetachpending") == 1);
            sql("SELECT pg_cancel_backend(" + pid + ")");
            t.join(10_000);
            holder.rollback();
        }
        assertThat(status().getBoolean("data.tables.find { it.table == 'public.pending_t' }.partitions.find { "
                + "it.name == 'public.pending_old' }.detach_pending")).isTrue();
        job.runOnce();
        assertThat(count("SELECT count(*) FROM pg_inherits WHERE inhrelid = 'pending_old'::regclass")).isZero();
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname = 'pending_old'")).as("kept: no retention")
                .isEqualTo(1);
        assertThat(status().getString("data.tables.find { it.table == 'public.pending_t' }.last_job.outcome"))
                .isEqualTo("ok");
    }

    @Test
    void busyLocksAreRetriedThenTheHolderIsNamedAndTheApplicationWaitsNoLongerThanTheLockTimeout() throws Exception {
        // an old partition retention will try to detach; blocked has a default partition, so the detach is a plain one
        sql("CREATE TABLE blocked_2020 PARTITION OF blocked FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')");
        AtomicLong worst = new AtomicLong();
        try (Connection holder = pg().connect("app", "long-report")) {
            holder.setAutoCommit(false);
            int holderPid;
            try (Statement h = holder.createStatement(); ResultSet rs = h.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                holderPid = rs.getInt(1);
                h.executeQuery("SELECT count(*) FROM blocked").close();
            }
            Thread app = workload("SELECT count(*) FROM blocked WHERE created_at > now() - interval '1 day'", worst);
            JsonPath r = post("/blocked/cleanup", "{\"retention_months\": 1, \"mode\": \"detach\"}", 200);
            stop(app);
            assertThat(r.getString("data.steps.find { it.target == 'public.blocked_2020' }.outcome")).isEqualTo("blocked");
            assertThat(r.getString("data.steps.find { it.target == 'public.blocked_2020' }.reason"))
                    .contains("after 3 attempts").contains("pid " + holderPid).contains("long-report");
            holder.rollback();
        }
        System.out.printf("application SELECT, worst latency while the detach waited: %d ms%n", worst.get() / 1_000_000);
        assertThat(Duration.ofNanos(worst.get())).isLessThan(Duration.ofMillis(1000 + 700));

        // premake under an open transaction on the parent: ATTACH does not conflict with readers
        List<String> months = bounds("metrics");
        String newest = months.get(months.size() - 1).split(" ")[0];
        sql("DROP TABLE " + newest);
        worst.set(0);
        try (Connection reader = pg().connect("app", "reader")) {
            reader.setAutoCommit(false);
            try (Statement h = reader.createStatement()) {
                h.executeQuery("SELECT count(*) FROM metrics").close();
            }
            Thread app = workload("SELECT count(*) FROM metrics WHERE created_at > now() - interval '1 day'", worst);
            job.runOnce();
            stop(app);
            reader.rollback();
        }
        assertThat(bounds("metrics")).anyMatch(b -> b.startsWith(newest + " "));
        assertThat(Duration.ofNanos(worst.get())).isLessThan(Duration.ofMillis(1000 + 700));

        // ACCESS EXCLUSIVE held by someone else: the job retries, then names the holder; other sets go on
        sql("DROP TABLE " + newest);
        try (Connection locker = pg().connect("app", "migration-tool")) {
            locker.setAutoCommit(false);
            int lockerPid;
            try (Statement h = locker.createStatement(); ResultSet rs = h.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                lockerPid = rs.getInt(1);
                h.execute("LOCK TABLE metrics IN ACCESS EXCLUSIVE MODE");
            }
            job.runOnce();
            JsonPath s = status();
            locker.rollback();
            String metrics = "data.tables.find { it.table == 'public.metrics' }";
            assertThat(s.getString(metrics + ".last_job.outcome")).isEqualTo("blocked");
            assertThat(s.getString(metrics + ".last_job.message")).contains("lock not available")
                    .contains("pid " + lockerPid).contains("migration-tool");
            assertThat(s.getString("data.tables.find { it.table == 'public.daily' }.last_job.outcome")).isEqualTo("ok");
        }
        // no half-made partition is left behind
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname = '" + newest + "'")).isZero();
    }

    @Test
    void hostileInputIsRefusedInTheEnvelopeAndChangesNothing() throws Exception {
        job.runOnce();
        long relations = count("SELECT count(*) FROM pg_class");
        String good = "\"column_name\": \"created_at\", \"start_date\": \"2026-01-01\", \"end_date\": \"2026-03-01\", "
                + "\"interval\": \"month\"";
        assertThat(post("/create", "{\"table_name\": \"no_such_table\", " + good + "}", 400).getString("error.message"))
                .contains("no_such_table");
        post("/create", "{\"table_name\": \"metrics; DROP TABLE metrics\", " + good + "}", 400);
        post("/create", "{\"table_name\": \"metrics\", \"column_name\": \"created_at\", \"start_date\": \"2026-01-01\", "
                + "\"end_date\": \"2026-03-01\", \"interval\": \"fortnight\"}", 400);
        post("/create", "{\"table_name\": \"metrics\", \"column_name\": \"created_at\", \"start_date\": \"yesterday\", "
                + "\"end_date\": \"2026-03-01\", \"interval\": \"month\"}", 400);
        post("/create", "{\"table_name\": \"metrics\", \"column_name\": \"created_at\", \"start_date\": \"2026-03-01\", "
                + "\"end_date\": \"2026-01-01\", \"interval\": \"month\"}", 400);
        given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{\"table_name\": \"metrics\", "
                        + "\"column_name\": \"created_at\", \"start_date\": \"2000-01-01\", \"end_date\": \"2030-01-01\", "
                        + "\"interval\": \"day\"}").post(BASE + "/create").then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter")).body("error.message", containsString("at most 1000"));
        post("/create", "{\"table_name\": 5, \"start_date\": [1]}", 400);
        assertThat(post("/create", "{\"table_name\": \"plain_t\", " + good + "}", 422).getString("error.message"))
                .contains("partitions/analyze");
        post("/create", "{\"table_name\": \"metrics\", \"column_name\": \"v\", \"start_date\": \"2026-01-01\", "
                + "\"end_date\": \"2026-03-01\", \"interval\": \"month\"}", 422);
        // a quarter over existing months overlaps them
        LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
        given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{\"table_name\": \"metrics\", "
                        + "\"column_name\": \"created_at\", \"start_date\": \"" + month + "\", \"end_date\": \""
                        + month.plusMonths(6) + "\", \"interval\": \"quarter\"}").post(BASE + "/create").then()
                .statusCode(409).body("error.code", equalTo("partition_overlap"));
        given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{\"dry_run\": true}")
                .post(BASE + "/metrics%3BDROP%20TABLE%20metrics/cleanup").then().statusCode(400);
        post("/metrics/cleanup", "{\"retention_months\": \"six\"}", 400);
        post("/metrics/cleanup", "{\"mode\": \"shred\", \"retention_months\": 1}", 400);
        assertThat(post("/metrics/cleanup", "{}", 400).getString("error.message")).contains("give retention_months");
        assertThat(count("SELECT count(*) FROM pg_class")).isEqualTo(relations);
    }

    /** A session reading the table in a loop, recording its slowest statement. Bounded by 60 s. */
    static Thread workload(String select, AtomicLong worst) {
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            try (Connection c = pg().connect("app", "app-workload"); Statement s = c.createStatement()) {
                while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    s.executeQuery(select).close();
                    worst.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                worst.set(Long.MAX_VALUE);
            }
        }, "app-workload");
        t.start();
        return t;
    }

    static void stop(Thread t) throws InterruptedException {
        t.interrupt();
        t.join(10_000);
    }

    /** Job history before the cut-off goes (through the shared batched pruning); younger jobs stay. */
    @Test
    void pruneDeletesOnlyJobsBeforeTheCutOff() throws Exception {
        try (Connection c = pg().connect("app")) {
            HistoryPrune.check(c, "pgsidecar.partition_jobs", "INSERT INTO pgsidecar.partition_jobs (parent, trigger, "
                    + "instance, started_at, finished_at, outcome) SELECT 'public.prune_test', 'manual', '"
                    + HistoryPrune.INSTANCE + "', now() - d * interval '1 day', now() - d * interval '1 day', 'ok' "
                    + "FROM " + HistoryPrune.AGES,
                    () -> jobStore.prune(java.time.Instant.now().minus(Duration.ofDays(10))));
        }
    }
}
