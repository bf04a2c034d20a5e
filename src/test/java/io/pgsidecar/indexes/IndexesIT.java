package io.pgsidecar.indexes;

import org.junit.jupiter.api.Tag;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.testing.HistoryPrune;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Index advice and builds on a real PostgreSQL: a foreign key without an index found and (with
 * HypoPG) proved, a composite descending index from a statement's plan, nothing left in the agent's
 * sessions, safe concurrent builds while the application writes, and hostile input refused.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(IndexesIT.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"),
        @ResourceArg(name = "sql", value = "CREATE TABLE customers (id bigint PRIMARY KEY, name text); "
                + "INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 6000) g; "
                + "CREATE TABLE purchases (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers (id), "
                + "total numeric, created_at timestamptz NOT NULL DEFAULT now()); "
                + "INSERT INTO purchases (customer_id, total) SELECT 1 + g % 5000, g FROM generate_series(1, 50000) g; "
                + "CREATE TABLE feed (id bigserial PRIMARY KEY, a int, b int, c timestamptz, note text); "
                + "INSERT INTO feed (a, b, c, note) SELECT g % 50, g % 1000, now() - g * interval '1 s', 'n' "
                + "FROM generate_series(1, 60000) g; CREATE INDEX feed_a_b ON feed (a, b); "
                + "CREATE TABLE big (id bigserial PRIMARY KEY, k int, v text); "
                + "INSERT INTO big (k, v) SELECT g % 997, md5(g::text) FROM generate_series(1, 300000) g; "
                + "CREATE TABLE dup (id bigint, k int); INSERT INTO dup SELECT g, g % 10 FROM generate_series(1, 1000) g; "
                + "CREATE TABLE parted (id bigint, at date NOT NULL, k int) PARTITION BY RANGE (at); "
                + "CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM ('2026-01-01') TO ('2026-02-01'); "
                + "CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM ('2026-02-01') TO ('2026-03-01'); "
                + "INSERT INTO parted SELECT g, date '2026-01-01' + (g % 50), g % 7 FROM generate_series(1, 5000) g; "
                + "CREATE TABLE twins (id bigint PRIMARY KEY, k int, j int); CREATE INDEX twins_k ON twins (k); "
                + "CREATE INDEX twins_k_again ON twins (k); CREATE INDEX twins_k_j ON twins (k, j); "
                + "CREATE UNIQUE INDEX twins_j_unique ON twins (j); ANALYZE")})
class IndexesIT {

    static final String BASE = "/api/v1/admin/database/indexes";
    static final ObjectMapper JSON = new ObjectMapper();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h",
                    "pgsidecar.alerts.evaluation-interval", "1h", "pgsidecar.indexes.interval", "1h",
                    "pgsidecar.indexes.refresh-min-interval", "0s", "pgsidecar.indexes.lock-timeout", "1s",
                    "pgsidecar.indexes.unused-min-size", "0", "pgsidecar.indexes.unused-min-statistics-age", "0s");
        }
    }

    @Inject
    StatementsPoller statements;

    @Inject
    AgroalDataSource pool;

    @Inject
    BuildStore buildStore;

    static PgCluster pg() {
        return PgTestResource.ownCluster();
    }

    @BeforeEach
    void ready() {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> {
            var r = given().auth().oauth2("test-token").get("/api/v1/admin/database/health");
            return r.statusCode() == 200 && Boolean.TRUE.equals(r.jsonPath().getBoolean("data.migrations.done"));
        });
    }

    static boolean hypopg() throws Exception {
        try (Connection c = pg().connect("app")) {
            return io.pgsidecar.testing.HypoPg.install(c);
        }
    }

    static JsonPath analysis() {
        return given().auth().oauth2("test-token").get(BASE + "/analysis?refresh=true").then().statusCode(200)
                .extract().jsonPath();
    }

    static Response create(Map<String, Object> body) throws Exception {
        return given().auth().oauth2("test-token").contentType(ContentType.JSON).body(JSON.writeValueAsString(body))
                .post(BASE + "/create");
    }

    /** Runs {@code sql} {@code times} times as the application would, then lets the agent poll it into its history. */
    void workload(String sql, int times, Object... params) throws Exception {
        statements.pollOnce();
        try (Connection c = pg().connect("app", "orders-app"); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < times; i++) {
                for (int p = 0; p < params.length; p++) {
                    ps.setObject(p + 1, params[p]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getObject(1);
                    }
                }
            }
        }
        Thread.sleep(1100); // PG 15 publishes its cumulative statistics about a second late
        statements.pollOnce();
    }

    static List<Map<String, Object>> recommendations(JsonPath a, String table) {
        List<Map<String, Object>> all = a.getList("data.recommendations");
        return all.stream().filter(r -> table.equals(r.get("table"))).toList();
    }

    @Test
    void anUnindexedForeignKeyWithDeletesOnTheParentIsRecommendedHighAndProvedWithHypoPg() throws Exception {
        boolean hypo = hypopg();
        try (Connection c = pg().connect("app", "orders-app"); Statement s = c.createStatement()) {
            // deletes on the parent: each checks the child for referencing rows, a sequential scan without an index
            s.execute("DELETE FROM customers WHERE id > 5000 AND id <= 5300");
        }
        workload("SELECT id, total FROM purchases WHERE customer_id = ?", 300, 42L);
        JsonPath a = analysis();
        List<Map<String, Object>> recs = recommendations(a, "public.purchases");
        assertThat(recs).as(a.prettify()).anySatisfy(r -> {
            assertThat(r.get("columns")).isEqualTo(List.of("customer_id"));
            assertThat((String) r.get("source")).contains("foreign_key").contains("plan");
            assertThat(r.get("foreign_key")).isEqualTo("purchases_customer_id_fkey");
            assertThat(r.get("priority")).isEqualTo("high");
            assertThat((String) r.get("sql")).startsWith("CREATE INDEX CONCURRENTLY \"purchases_customer_id_idx\" ON "
                    + "\"public\".\"purchases\" USING btree (\"customer_id\")");
            assertThat((List<?>) r.get("statements")).isNotEmpty();
            assertThat(((Number) r.get("writes_per_second")).doubleValue()).isGreaterThanOrEqualTo(0);
            assertThat(r.get("estimated_size_bytes")).isNotNull();
            if (hypo) {
                assertThat(r.get("validated")).isEqualTo(true);
                assertThat(((Number) r.get("cost_cut")).doubleValue()).isGreaterThanOrEqualTo(0.5);
            } else {
                assertThat(r.get("validated")).isEqualTo(false);
            }
        });
        assertThat(a.getString("data.hypopg")).isEqualTo(hypo ? "installed" : "not_available");
        nothingLeftInTheAgentsSessions(hypo);
    }

    @Test
    void aFilterWithASortAndLimitGetsACompositeDescendingIndexAndNeverAPrefixOfAnExistingOne() throws Exception {
        boolean hypo = hypopg();
        workload("SELECT id, c FROM feed WHERE a = ? AND b > ? ORDER BY c DESC LIMIT 10", 200, 7, 10);
        JsonPath a = analysis();
        List<Map<String, Object>> recs = recommendations(a, "public.feed");
        assertThat(recs).as(a.prettify()).anySatisfy(r -> {
            assertThat(r.get("columns")).isEqualTo(List.of("a", "c"));
            assertThat(r.get("order")).isEqualTo(List.of("asc", "desc"));
            assertThat(r.get("kind")).isEqualTo("descending");
            assertThat((String) r.get("sql")).contains("(\"a\", \"c\" DESC)");
        });
        assertThat(recs).noneSatisfy(r -> assertThat(r.get("columns")).isEqualTo(List.of("a")));
        nothingLeftInTheAgentsSessions(hypo);
    }

    @Test
    void duplicatesPrefixesAndUnusedAreFoundButKeysAndUniqueIndexesAreNeverUnused() {
        JsonPath a = analysis();
        List<Map<String, Object>> dups = a.getList("data.duplicate_indexes");
        assertThat(dups).anySatisfy(d -> {
            assertThat(d.get("index")).isEqualTo("public.twins_k_again");
            assertThat(d.get("duplicate_of")).isEqualTo("public.twins_k");
            assertThat(d.get("kind")).isEqualTo("identical");
        });
        assertThat(dups).anySatisfy(d -> {
            assertThat(d.get("index")).isEqualTo("public.twins_k");
            assertThat(d.get("duplicate_of")).isEqualTo("public.twins_k_j");
            assertThat(d.get("kind")).isEqualTo("redundant_prefix");
        });
        List<String> unused = a.getList("data.unused_indexes.index");
        assertThat(unused).contains("public.twins_k_j").doesNotContain("public.twins_pkey", "public.twins_j_unique",
                "public.customers_pkey");
        List<Map<String, Object>> plan = a.getList("data.maintenance_plan");
        assertThat(plan).anySatisfy(p -> {
            assertThat(p.get("action")).isEqualTo("drop");
            assertThat(p.get("sql")).isEqualTo("DROP INDEX CONCURRENTLY \"public\".\"twins_k_again\"");
        });
        assertThat(a.getInt("data.usage_stats.indexes")).isGreaterThan(5);
    }

    @Test
    void aBuildIsConcurrentValidAndTheApplicationNeverWaitsLongerThanTheLockTimeout() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong worstMs = new AtomicLong();
        AtomicLong inserts = new AtomicLong();
        CompletableFuture<Void> app = CompletableFuture.runAsync(() -> {
            try (Connection c = pg().connect("app", "orders-app");
                 PreparedStatement ps = c.prepareStatement("INSERT INTO big (k, v) VALUES (?, 'x')")) {
                long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!stop.get() && System.nanoTime() < until) {
                    long t = System.nanoTime();
                    ps.setInt(1, (int) (inserts.get() % 997));
                    ps.executeUpdate();
                    worstMs.accumulateAndGet((System.nanoTime() - t) / 1_000_000, Math::max);
                    inserts.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> inserts.get() > 50);
        Response r = create(Map.of("sql_statement", "CREATE INDEX big_k_idx ON big (k);", "table_name", "big",
                "columns", List.of("k")));
        long id = r.jsonPath().getLong("data.build.id");
        assertThat(r.statusCode()).as(r.asString()).isIn(200, 202);
        assertThat(r.jsonPath().getList("data.statements", String.class))
                .containsExactly("CREATE INDEX CONCURRENTLY \"big_k_idx\" ON \"public\".\"big\" USING btree (\"k\")");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                !List.of("queued", "running").contains(job(id).getString("data.state")));
        stop.set(true);
        app.get();
        assertThat(job(id).getString("data.state")).isEqualTo("valid");
        assertThat(valid("big_k_idx")).isTrue();
        assertThat(worstMs.get()).as("worst insert latency during the build").isLessThan(1000 + 1000);
        // asked again: an equal index is there, nothing is built
        Response again = create(Map.of("table_name", "public.big", "columns", List.of("k")));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.jsonPath().getString("data.state")).isEqualTo("exists");
        assertThat(again.jsonPath().getString("data.index")).isEqualTo("public.big_k_idx");
    }

    @Test
    void aFailedUniqueBuildLeavesNoInvalidIndexAndTwoConcurrentCallsBuildOnce() throws Exception {
        Response failed = create(Map.of("table_name", "dup", "columns", List.of("k"), "unique", true));
        assertThat(failed.statusCode()).as(failed.asString()).isEqualTo(422);
        assertThat(failed.jsonPath().getString("error.code")).isEqualTo("build_failed");
        assertThat(failed.jsonPath().getString("error.message")).contains("no invalid index left");
        try (Connection c = pg().connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_index WHERE indrelid = 'dup'::regclass")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return create(Map.of("table_name", "big", "columns", List.of("v")));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<Integer> codes = new ArrayList<>();
        for (CompletableFuture<Response> f : calls) {
            Response r = f.get();
            codes.add(r.statusCode());
            if (r.statusCode() == 409) {
                assertThat(r.jsonPath().getString("error.code")).isEqualTo("already_running");
            }
        }
        assertThat(codes).as("one builds; the other is refused while it runs or finds it built").containsAnyOf(200, 202);
        await().atMost(Duration.ofSeconds(60)).until(() -> valid("big_v_idx"));
        try (Connection c = pg().connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                     + "AND a.attnum = i.indkey[0] WHERE i.indrelid = 'big'::regclass AND a.attname = 'v'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("indexes on big(v)").isEqualTo(1);
        }
    }

    @Test
    void aPartitionedTableGetsItsIndexOnOnlyTheParentOnePerPartitionAttached() throws Exception {
        Response r = create(Map.of("table_name", "parted", "columns", List.of("k"), "dry_run", true));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getList("data.statements", String.class)).containsExactly(
                "CREATE INDEX \"parted_k_idx\" ON ONLY \"public\".\"parted\" USING btree (\"k\")",
                "CREATE INDEX CONCURRENTLY \"parted_1_k_idx\" ON \"public\".\"parted_1\" USING btree (\"k\")",
                "ALTER INDEX \"public\".\"parted_k_idx\" ATTACH PARTITION \"public\".\"parted_1_k_idx\"",
                "CREATE INDEX CONCURRENTLY \"parted_2_k_idx\" ON \"public\".\"parted_2\" USING btree (\"k\")",
                "ALTER INDEX \"public\".\"parted_k_idx\" ATTACH PARTITION \"public\".\"parted_2_k_idx\"");
        assertThat(valid("parted_k_idx")).as("a dry run builds nothing").isFalse();
        Response real = create(Map.of("table_name", "parted", "columns", List.of("k")));
        assertThat(real.statusCode()).as(real.asString()).isIn(200, 202);
        await().atMost(Duration.ofSeconds(30)).until(() -> valid("parted_k_idx"));
        assertThat(valid("parted_1_k_idx")).isTrue();
        assertThat(valid("parted_2_k_idx")).isTrue();
    }

    @Test
    void hostileInputIsRefusedInTheEnvelopeAndChangesNothing() throws Exception {
        long before = relations();
        List<Map<String, Object>> bodies = List.of(
                Map.of("sql_statement", "CREATE INDEX a ON dup (k); DROP TABLE dup"),
                Map.of("sql_statement", "DROP TABLE dup"),
                Map.of("sql_statement", "CREATE INDEX ON dup ((pg_terminate_backend(1)))"),
                Map.of("sql_statement", "CREATE INDEX ON dup (nextval('x'))"),
                Map.of("sql_statement", "CREATE INDEX ON no_such_table (k)"),
                Map.of("sql_statement", "CREATE INDEX ON dup (no_such_column)"),
                Map.of("sql_statement", "CREATE INDEX ON dup (k) " + "-- x\n".repeat(2_000)),
                Map.of("table_name", "dup; DROP TABLE dup", "columns", List.of("k")),
                Map.of("table_name", "dup", "columns", List.of("k); DROP TABLE dup; --")),
                Map.of("table_name", "dup", "columns", List.of("k"), "where", "k = 1; DROP TABLE dup"),
                Map.of("table_name", "dup", "columns", List.of("k"), "method", "btree; DROP TABLE dup"),
                Map.of("sql_statement", "CREATE INDEX ON dup (k)", "table_name", "customers"));
        for (Map<String, Object> body : bodies) {
            Response r = create(body);
            assertThat(r.statusCode()).as(body + " -> " + r.asString()).isEqualTo(400);
            assertThat(r.jsonPath().getString("status")).isEqualTo("error");
            assertThat(r.jsonPath().getString("error.code")).isEqualTo("invalid_parameter");
            assertThat(r.jsonPath().getString("error.message")).isNotBlank();
        }
        // a 100 KiB statement is over the admin API's body limit: refused before any parsing, in the envelope
        Response huge = create(Map.of("sql_statement", "CREATE INDEX ON dup (k) " + "-- x\n".repeat(25_600)));
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.jsonPath().getString("error.code")).isEqualTo("payload_too_large");
        assertThat(relations()).as("pg_class unchanged").isEqualTo(before);
        Response malformed = given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{\"sql_statement\": ")
                .post(BASE + "/create");
        assertThat(malformed.statusCode()).isEqualTo(400);
        Response job = given().auth().oauth2("test-token").get(BASE + "/jobs/abc");
        assertThat(job.statusCode()).isEqualTo(400);
        assertThat(given().auth().oauth2("test-token").get(BASE + "/jobs/999999").statusCode()).isEqualTo(404);
        Response priority = given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{}")
                .post(BASE + "/create-recommended?priority=urgent");
        assertThat(priority.statusCode()).isEqualTo(400);
        assertThat(relations()).isEqualTo(before);
    }

    @Test
    void theRecommendedIndexesAreBuiltOneAtATimeAndTheAnalysisFollowsTheirEffect() throws Exception {
        hypopg();
        try (Connection c = pg().connect("app", "orders-app"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS notes (id bigserial PRIMARY KEY, author int, body text)");
            s.execute("INSERT INTO notes (author, body) SELECT g % 900, 'b' FROM generate_series(1, 40000) g");
            s.execute("ANALYZE notes");
        }
        workload("SELECT id FROM notes WHERE author = ?", 300, 5);
        JsonPath a = analysis();
        assertThat(recommendations(a, "public.notes")).as(a.prettify()).isNotEmpty();
        Response dry = given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{}")
                .post(BASE + "/create-recommended?priority=high&dry_run=true");
        assertThat(dry.statusCode()).isEqualTo(200);
        List<String> planned = dry.jsonPath().getList("data.sql", String.class);
        assertThat(planned).anySatisfy(s -> assertThat(s).contains("\"notes\" USING btree (\"author\")"));
        assertThat(valid("notes_author_idx")).isFalse();
        Response real = given().auth().oauth2("test-token").contentType(ContentType.JSON).body("{}")
                .post(BASE + "/create-recommended?priority=high");
        assertThat(real.statusCode()).as(real.asString()).isEqualTo(202);
        List<Map<String, Object>> queued = real.jsonPath().getList("data");
        for (Map<String, Object> q : queued) {
            long id = ((Number) q.get("build_id")).longValue();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                    List.of("valid", "exists", "failed").contains(job(id).getString("data.state")));
        }
        assertThat(valid("notes_author_idx")).isTrue();
        workload("SELECT id FROM notes WHERE author = ?", 50, 5);
        JsonPath after = analysis();
        assertThat(recommendations(after, "public.notes")).as("built: no longer recommended").isEmpty();
        List<Map<String, Object>> builds = after.getList("data.recent_builds");
        assertThat(builds).anySatisfy(b -> {
            assertThat(b.get("index")).isEqualTo("public.notes_author_idx");
            assertThat(b.get("state")).isEqualTo("valid");
            @SuppressWarnings("unchecked")
            Map<String, Object> effect = (Map<String, Object>) b.get("effect");
            assertThat(((Number) effect.get("index_scans")).longValue()).isPositive();
        });
    }

    static JsonPath job(long id) {
        return given().auth().oauth2("test-token").get(BASE + "/jobs/" + id).then().statusCode(200).extract().jsonPath();
    }

    static boolean valid(String index) throws Exception {
        try (Connection c = pg().connect("app"); PreparedStatement ps = c.prepareStatement(
                "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass(?)")) {
            ps.setString(1, "public." + index);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    static long relations() throws Exception {
        try (Connection c = pg().connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every session of the agent's pool, held at once: no prepared statement of the agent's, no hypothetical index. */
    void nothingLeftInTheAgentsSessions(boolean hypo) throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < pool.getConfiguration().connectionPoolConfiguration().maxSize(); i++) {
                held.add(pool.getConnection());
            }
            for (Connection c : held) {
                try (Statement s = c.createStatement()) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_prepared_statements WHERE from_sql")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("prepared statements left").isZero();
                    }
                    if (hypo) {
                        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM hypopg()")) {
                            rs.next();
                            assertThat(rs.getInt(1)).as("hypothetical indexes left").isZero();
                        }
                    }
                }
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    /** Build history past its retention goes (through the shared batched pruning); younger builds stay. */
    @Test
    void pruneDeletesOnlyBuildsPastTheRetention() throws Exception {
        try (Connection c = pg().connect("app")) {
            HistoryPrune.check(c, "pgsidecar.index_builds", "INSERT INTO pgsidecar.index_builds (requested_at, instance, "
                    + "table_name, index_name, statement, state) SELECT now() - d * interval '1 day', '"
                    + HistoryPrune.INSTANCE + "', 'public.prune_test', 'prune_test_idx', 'CREATE INDEX', 'done' "
                    + "FROM " + HistoryPrune.AGES,
                    () -> buildStore.prune(Duration.ofDays(10)));
        }
    }
}
