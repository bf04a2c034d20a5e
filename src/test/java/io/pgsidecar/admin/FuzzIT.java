package io.pgsidecar.admin;

import org.junit.jupiter.api.Tag;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgsidecar.audit.AuditLog;
import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.testing.AdminRoutes;
import io.pgsidecar.testing.PgFixture;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A fuzz of the admin API that stays in the suite: at least {@value #REQUESTS} generated requests,
 * eight at a time, to the running agent, over every route {@code docs/openapi.json} documents, with
 * random bytes and characters in path segments, query values, headers and JSON bodies (wrong types,
 * huge numbers, deep nesting, unicode, NUL, lone surrogates, malformed JSON, chunked and oversized
 * bodies), over HTTP/1.1, HTTP/2 (h2c) and a raw socket for request lines no HTTP client would send.
 * Every call that could change something is a dry run ({@code dry_run=true} in its query, and
 * {@code "dry_run": true} in every body object); the calls that have no dry run are the live replica
 * check (reads only) and ending a silence (the agent's own table, restorable).
 * <p>
 * What must hold: no answer is a 5xx and none takes longer than {@link #REQUEST_TIMEOUT}; the
 * database's catalog (relations, namespaces, indexes, functions, columns, constraints, triggers,
 * extensions), the application's row counts, pg_stat_statements' reset time and the agent's job
 * tables are as they were; every changing call the agent audits has exactly one row, with the status
 * it was answered, and no call refused before auditing has one; what the agent's process would
 * grow by (live heap after a full GC, plus the JVM's memory outside the heap: metaspace, code cache,
 * direct buffers) stays under {@link #RSS_GROWTH_LIMIT_MIB} MiB. The test JVM's own RSS is printed but
 * not bounded: it holds the test framework and a heap of several GiB that the JVM grows into rather
 * than collect, so its growth says nothing about the agent.
 * <p>
 * The generator is a seeded {@link Random} of our own rather than jqwik: ten thousand HTTP calls do
 * not fit jqwik's shrinking, and a per-request seed ({@code seed ^ n}) makes any request reproducible
 * alone, whatever the threads' order. The seed is printed; {@code -Dfuzz.seed=N} replays a run and
 * {@code -Dfuzz.requests=N} changes its size.
 */
@Tag("alone")
@QuarkusTest
@TestProfile(FuzzIT.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "sql", value = "CREATE TABLE events (id bigint, created_at timestamptz NOT NULL) "
                + "PARTITION BY RANGE (created_at); CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM "
                + "('2025-01-01 00:00+00') TO ('2026-01-01 00:00+00'); INSERT INTO events SELECT g, "
                + "'2025-01-01 00:00+00'::timestamptz + g * interval '1 hour' FROM generate_series(1, 1000) g; "
                + "INSERT INTO orders (customer_id, total) SELECT g % 50, g FROM generate_series(1, 2000) g; "
                + "CREATE INDEX orders_customer_idx ON orders (customer_id); ANALYZE")})
class FuzzIT {

    static final String BASE = AdminRoutes.BASE;
    static final int REQUESTS = 10_000;
    static final int THREADS = 8;
    /** The profile's pool acquisition timeout, statement timeout and audit intent bound. */
    static final Duration ACQUISITION = Duration.ofSeconds(3);
    static final Duration STATEMENT = Duration.ofSeconds(3);
    static final Duration INTENT = Duration.ofSeconds(2);
    /**
     * The longest a call may take: its audit intent, then a wait for a connection and a statement, each
     * within its bound, plus a margin for scheduling on a busy 2-core machine.
     */
    static final Duration REQUEST_TIMEOUT = INTENT.plus(ACQUISITION).plus(STATEMENT).plus(Duration.ofMillis(1500));
    /** The whole run (the issue asks for under a minute in CI, start included). */
    static final Duration RUN_BUDGET = Duration.ofSeconds(50);
    /**
     * The JVM image's memory limit (helm/pgsidecar/values.yaml: limits.memory=192Mi for the -jvm image):
     * the bound on what the fuzz may add to the agent's memory (live heap and memory outside the heap).
     */
    static final long RSS_GROWTH_LIMIT_MIB = 192;
    /**
     * What the fuzz may leave behind on the heap (live after a full GC): half the JVM image's heap
     * ({@code -Xmx48m} in Dockerfile.jvm), where the agent's own state must fit beside it.
     */
    static final long HEAP_GROWTH_LIMIT_MIB = 24;
    static final String TOKEN = "test-token";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    static final Pattern MARKER = Pattern.compile("\\(fuzz-(\\d+)\\)");
    static final Pattern PARAMETER = Pattern.compile("\\{([a-z_]+)}");
    static final char[] HEX = "0123456789ABCDEF".toCharArray();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("DB_POOL_TIMEOUT", "3", "pgsidecar.db.statement-timeout", "3s",
                    "pgsidecar.audit.intent-timeout", "2s", "pgsidecar.statements.interval", "1h",
                    "pgsidecar.connections.interval", "1h", "pgsidecar.alerts.evaluation-interval", "1h",
                    "pgsidecar.replicas.interval", "1h", "quarkus.log.category.\"io.pgsidecar.audit\".level", "WARN");
        }
    }

    @Inject
    AuditLog audit;

    @Inject
    LeaderService leader;

    @Inject
    StatementsPoller statements;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    /** One operation of the document: method, path template, its parameters and its body's properties. */
    record Operation(String method, String template, Map<String, String> pathParams, Map<String, String> queryParams,
                     Map<String, JsonNode> bodyProperties, boolean body) {
    }

    enum Transport { HTTP1, HTTP2, RAW }

    /** One generated request. */
    record Req(int n, String method, String route, byte[] target, List<String[]> headers, byte[] body,
               boolean chunked, boolean authenticated, Transport transport) {

        String describe() {
            String b = body == null ? "(no body)" : new String(body, 0, Math.min(body.length, 300),
                    StandardCharsets.UTF_8) + (body.length > 300 ? "... (" + body.length + " bytes)" : "");
            StringBuilder h = new StringBuilder();
            headers.forEach(x -> h.append(x[0]).append(": ").append(abbreviate(x[1], 60)).append("; "));
            return "#" + n + " " + transport + " " + method + " " + abbreviate(
                    new String(target, StandardCharsets.ISO_8859_1), 300) + (chunked ? " chunked" : "")
                    + " [" + h + "] " + b.replace("\n", "\\n");
        }
    }

    /** What came back: the status (0 for a connection closed without an answer) and the error code. */
    /** What the checks after the run need of a request (the requests themselves are not kept: their bodies would weigh on the heap measured). */
    record Sent(String method, boolean authenticated, boolean chunked, String description) {
    }

    record Answer(int status, String code, String message, long millis, String body) {
    }

    /** Values that fit: the test database's real names, so generated calls also get past validation. */
    Map<String, List<String>> known = new HashMap<>();

    @Test
    void hostileInputIsNeverA5xxAndChangesNothing() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int total = Integer.getInteger("fuzz.requests", REQUESTS);
        System.out.println("FuzzIT: seed " + seed + " (replay with -Dfuzz.seed=" + seed + "), " + total + " requests");
        List<Operation> operations = operations();
        assertThat(operations.stream().map(o -> o.method() + " " + o.template().substring(BASE.length())).toList())
                .as("the document's routes are the resources' routes").containsExactlyInAnyOrderElementsOf(
                        AdminRoutes.declared());
        prepare();
        Map<String, String> catalogBefore = catalog();
        long rssBefore = rssKib();
        long heapBefore = heapAfterGc();
        long outsideBefore = outsideHeap();

        HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(2)).build();
        Map<Integer, Sent> sent = new ConcurrentHashMap<>();
        Map<Integer, Answer> answers = new ConcurrentHashMap<>();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + RUN_BUDGET.toNanos();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    for (int n = next.getAndIncrement(); n < total && System.nanoTime() < deadline;
                         n = next.getAndIncrement()) {
                        Req q = generate(n, seed, operations);
                        sent.put(n, new Sent(q.method(), q.authenticated(), q.chunked(), q.describe()));
                        Answer a = send(q, http1, http2, versions);
                        answers.put(n, a);
                        if (a.status() >= 500) {
                            violations.add(a.status() + " " + a.body() + " <- " + q.describe());
                        } else if (a.status() < 0) {
                            violations.add("no answer within " + REQUEST_TIMEOUT.toMillis() + " ms <- " + q.describe());
                        } else if (a.millis() > REQUEST_TIMEOUT.toMillis()) {
                            violations.add("answered in " + a.millis() + " ms <- " + q.describe());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get(RUN_BUDGET.toSeconds() + REQUEST_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        Map<String, Integer> histogram = new TreeMap<>();
        answers.values().forEach(a -> histogram.merge(a.status() + (a.code() == null ? "" : " " + a.code()), 1,
                Integer::sum));
        long[] latencies = answers.values().stream().mapToLong(Answer::millis).sorted().toArray();
        long rssAfter = rssKib();
        long heapAfter = heapAfterGc();
        long outsideAfter = outsideHeap();
        System.out.printf(Locale.ROOT, "FuzzIT: %d requests in %d ms (%.0f/s), latency p50 %d ms, p99 %d ms, max %d ms%n",
                answers.size(), elapsed, answers.size() * 1000.0 / Math.max(1, elapsed),
                latencies[latencies.length / 2], latencies[latencies.length * 99 / 100], latencies[latencies.length - 1]);
        System.out.println("FuzzIT: transports " + versions);
        System.out.println("FuzzIT: statuses " + histogram);
        answers.entrySet().stream().filter(e -> e.getValue().status() == 0).limit(5).forEach(e -> System.out.println(
                "FuzzIT: closed without an answer: " + e.getValue().body() + " <- " + sent.get(e.getKey()).description()));
        System.out.printf(Locale.ROOT, "FuzzIT: test JVM RSS %d MiB before, %d MiB after (+%d MiB, not bounded); "
                        + "heap after GC %d MiB before, %d MiB after (bound +%d MiB); outside the heap %d MiB before, "
                        + "%d MiB after; agent growth bound +%d MiB%n", rssBefore / 1024, rssAfter / 1024,
                (rssAfter - rssBefore) / 1024, heapBefore >> 20, heapAfter >> 20, HEAP_GROWTH_LIMIT_MIB,
                outsideBefore >> 20, outsideAfter >> 20, RSS_GROWTH_LIMIT_MIB);

        assertThat(violations).as("5xx answers, hangs and slow answers (seed " + seed + ")").isEmpty();
        assertThat(answers.size()).as("requests answered within the run's budget").isEqualTo(total);
        assertThat(Duration.ofMillis(elapsed)).as("the fuzz's run time").isLessThan(RUN_BUDGET);

        Map<String, String> catalogAfter = catalog();
        List<String> changed = new ArrayList<>();
        Set<String> keys = new java.util.TreeSet<>(catalogBefore.keySet());
        keys.addAll(catalogAfter.keySet());
        keys.stream().filter(k -> !java.util.Objects.equals(catalogBefore.get(k), catalogAfter.get(k)))
                .forEach(k -> changed.add(k + ": " + catalogBefore.get(k) + " -> " + catalogAfter.get(k)));
        assertThat(changed).as("the database's catalog and the application's rows after the fuzz").isEmpty();
        assertThat(leader.isLeader()).as("no step-down ran").isTrue();

        await().atMost(Duration.ofSeconds(20)).until(() -> audit.pending() == 0);
        assertThat(auditProblems(sent, answers)).as("audit rows against the answers (seed " + seed + ")").isEmpty();

        assertThat((heapAfter - heapBefore) + (outsideAfter - outsideBefore)).as("the agent's memory growth in bytes")
                .isLessThan(RSS_GROWTH_LIMIT_MIB << 20);
        assertThat(heapAfter - heapBefore).as("live heap growth in bytes").isLessThan(HEAP_GROWTH_LIMIT_MIB << 20);
    }

    // ---- the document ----

    static List<Operation> operations() throws IOException {
        JsonNode doc = JSON.readTree(Files.readString(Path.of("docs/openapi.json")));
        List<Operation> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!Set.of("get", "post", "delete", "put", "patch").contains(op.getKey())) {
                    continue;
                }
                Map<String, String> pathParams = new LinkedHashMap<>();
                Map<String, String> queryParams = new LinkedHashMap<>();
                op.getValue().path("parameters").forEach(x -> (x.path("in").asText().equals("path") ? pathParams
                        : queryParams).put(x.path("name").asText(), x.at("/schema/type").asText("string")));
                Map<String, JsonNode> props = new LinkedHashMap<>();
                JsonNode body = op.getValue().get("requestBody");
                if (body != null) {
                    String ref = body.at("/content/application~1json/schema/$ref").asText();
                    JsonNode schema = doc.at("/components/schemas/" + ref.substring(ref.lastIndexOf('/') + 1));
                    schema.path("properties").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue()));
                }
                out.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), p.getKey(), pathParams, queryParams,
                        props, body != null));
            }
        }
        return out;
    }

    // ---- setting up and the checks ----

    /** Waits for the agent, and collects real names for the generator. */
    void prepare() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var health = given().auth().oauth2(TOKEN).get(BASE + "/health").jsonPath();
            return health.getBoolean("data.leader.leader") && health.getBoolean("data.migrations.done");
        });
        // a real silence the fuzz may end (its only change with no dry run, in the agent's own table)
        long silence = given().auth().oauth2(TOKEN).contentType(ContentType.JSON)
                .body("{\"matchers\":[{\"name\":\"alertname\",\"value\":\"Nothing\"}],\"duration\":\"1h\","
                        + "\"comment\":\"fuzz\"}")
                .post(BASE + "/alerts/silences").then().statusCode(200).extract().jsonPath().getLong("data.silence.id");
        List<String> queryids = new ArrayList<>();
        try (Connection c = PgFixture.shared().connect(database); Statement s = c.createStatement()) {
            for (int i = 0; i < 5; i++) {
                s.executeQuery("SELECT sum(total) FROM orders WHERE customer_id = " + i).close();
            }
            statements.pollOnce();
            try (ResultSet r = s.executeQuery("SELECT queryid FROM pg_stat_statements WHERE queryid IS NOT NULL "
                    + "ORDER BY calls DESC LIMIT 5")) {
                while (r.next()) {
                    queryids.add(Long.toString(r.getLong(1)));
                }
            }
        }
        known.put("queryid", queryids);
        known.put("id", List.of(Long.toString(silence), "1", "2", "0", "-1", "9223372036854775807"));
        known.put("replica_name", List.of("r1", "primary", "none"));
        known.put("task_name", List.of("update_statistics", "vacuum", "maintain_indexes", "housekeeping", "reindex"));
        known.put("table_name", List.of("public.events", "events", "public.orders", "orders", "events_2025",
                "pgsidecar.audit_log", "pg_catalog.pg_class", "public.flyway_schema_history"));
        known.put("column_name", List.of("created_at", "id", "customer_id", "total"));
        known.put("columns", List.of("created_at", "id", "customer_id", "total", "v"));
        known.put("start_date", List.of("2026-01-01", "2025-12-01", "2026-02-30", "0001-01-01", "9999-12-31",
                "2026-01-01T00:00:00Z", "yesterday"));
        known.put("end_date", List.of("2026-03-01", "2027-01-01", "2026-01-01", "10000-01-01", "2025-01-01"));
        known.put("interval", List.of("month", "week", "day", "quarter", "year", "hour", "fortnight"));
        known.put("time_zone", List.of("UTC", "Europe/Berlin", "America/St_Johns", "Mars/Olympus", "+05:30"));
        known.put("mode", List.of("detach", "drop", "truncate"));
        known.put("retention_months", List.of("12", "0", "-1", "1200"));
        known.put("priority", List.of("high", "medium", "low", "all", "critical"));
        known.put("method", List.of("btree", "hash", "gin", "brin", "gist", "spgist", "heap"));
        known.put("where", List.of("total > 0", "customer_id IS NOT NULL", "1=1); DROP TABLE orders; --",
                "pg_sleep(10) IS NOT NULL"));
        known.put("sql_statement", List.of("CREATE INDEX ON public.orders (total)",
                "CREATE INDEX CONCURRENTLY fuzz_idx ON orders (customer_id, total)", "DROP TABLE orders",
                "CREATE INDEX ON orders ((pg_sleep(10)::text))"));
        known.put("name", List.of("fuzz_idx", "orders_pkey", "a\"b", ""));
        known.put("duration", List.of("1h", "2h", "0s", "-1h", "99999h", "1y", "5m"));
        known.put("comment", List.of("fuzz", " ", "why not"));
        known.put("reason", List.of("fuzz", "nightly", ""));
        known.put("recommendation_id", List.of("1", "abc", "orders:customer_id"));
        known.put("limit", List.of("1", "10", "50", "500", "501", "0", "-5"));
        known.put("slow_query_limit", List.of("1", "10", "100"));
        known.put("hours", List.of("1", "24", "168", "100000"));
        known.put("strategy", List.of("round_robin", "least_lag", "random", "primary"));
        known.put("state", List.of("firing", "resolved", "pending", "open"));
        known.put("outcome", List.of("success", "failed", "missed", "interrupted"));
        known.put("task", List.of("vacuum", "update_statistics", "nothing"));
        known.put("action", List.of("alerts.silence", "indexes.create", "x"));
        known.put("refresh", List.of("true", "false"));
        known.put("dry_run", List.of("true"));
    }

    /**
     * The database as the application sees it: every relation, namespace, index, function, column,
     * constraint, trigger and extension by name and oid (temporary schemas aside), the rows of the application's tables,
     * pg_stat_statements' last reset, and the agent's job tables (a build or run queued by a call that
     * should have been a dry run).
     */
    Map<String, String> catalog() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = PgFixture.shared().connect(database); Statement s = c.createStatement()) {
            String[] queries = {
                "SELECT 'class ' || c.oid, n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || c.relfilenode "
                        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE n.nspname !~ '^pg_(toast_)?temp_'",
                // a session's temporary schema stays in the catalog once made, empty after the session
                "SELECT 'namespace ' || oid, nspname FROM pg_namespace WHERE nspname !~ '^pg_(toast_)?temp_'",
                "SELECT 'index ' || indexrelid, indrelid::regclass::text || ' ' || indisvalid || indisready FROM pg_index",
                "SELECT 'proc ' || oid, pronamespace::regnamespace::text || '.' || proname FROM pg_proc",
                "SELECT 'attribute ' || attrelid || '.' || attnum, attname || ' ' || atttypid || ' ' || attisdropped "
                        + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n "
                        + "ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                        + "AND n.nspname !~ '^pg_(toast_)?temp_'",
                "SELECT 'constraint ' || oid, conname || ' ' || contype::text FROM pg_constraint",
                "SELECT 'trigger ' || oid, tgname FROM pg_trigger",
                "SELECT 'extension ' || oid, extname || ' ' || extversion FROM pg_extension",
                "SELECT 'stats_reset', coalesce(stats_reset::text, '') FROM pg_stat_statements_info",
            };
            for (String q : queries) {
                try (ResultSet r = s.executeQuery(q)) {
                    while (r.next()) {
                        out.put(r.getString(1), r.getString(2));
                    }
                }
            }
            List<String> counted = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname "
                    + "NOT IN ('pg_catalog', 'information_schema', 'pgsidecar') AND n.nspname !~ '^pg_'")) {
                while (r.next()) {
                    counted.add(r.getString(1));
                }
            }
            counted.addAll(List.of("pgsidecar.index_builds", "pgsidecar.partition_jobs", "pgsidecar.maintenance_runs",
                    "pgsidecar.maintenance_items", "pgsidecar.alert_silences"));
            for (String t : counted) {
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + t)) {
                    r.next();
                    out.put("rows " + t, r.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * Every changing call the agent audited has exactly one row, by its marker, with the status it
     * was answered and an outcome (none left pending); no GET and no call refused before auditing
     * has one.
     */
    List<String> auditProblems(Map<Integer, Sent> sent, Map<Integer, Answer> answers) throws Exception {
        Map<Integer, List<String>> rows = new HashMap<>();
        try (Connection c = PgFixture.shared().connect(database); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT caller, http_status, outcome, action FROM pgsidecar.audit_log "
                     + "WHERE caller LIKE '%(fuzz-%'")) {
            while (r.next()) {
                Matcher m = MARKER.matcher(r.getString(1));
                if (!m.find()) {
                    continue;
                }
                rows.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>())
                        .add(r.getInt(2) + " " + r.getString(3) + " " + r.getString(4));
            }
        }
        List<String> problems = new ArrayList<>();
        int audited = 0;
        for (Map.Entry<Integer, Answer> e : answers.entrySet()) {
            Sent q = sent.get(e.getKey());
            Answer a = e.getValue();
            List<String> found = rows.getOrDefault(e.getKey(), List.of());
            Boolean expected = audited(q, a);
            if (expected == null) {
                continue;
            }
            if (expected) {
                audited++;
                if (found.size() != 1 || !found.get(0).startsWith(a.status() + " ") || found.get(0).contains("pending")) {
                    problems.add("answered " + a.status() + " " + a.code() + ", rows " + found + " <- " + q.description());
                }
            } else if (!found.isEmpty()) {
                problems.add("refused before auditing (" + a.status() + " " + a.code() + ") but has rows " + found
                        + " <- " + q.description());
            }
        }
        System.out.println("FuzzIT: " + audited + " audited calls, " + rows.size() + " calls with rows");
        return problems.size() > 30 ? problems.subList(0, 30) : problems;
    }

    /**
     * Whether a call is audited, as {@link AdminFilters} and {@link AdminHttpLimits} decide: a call
     * with the token, by a method that may change something, that got past the HTTP-level checks
     * (414, 400 {@code invalid_path}, a {@code Content-Length} over the limit, and what the HTTP server
     * refuses itself: 400 and 431 outside the envelope). A path that matches no resource is recorded too.
     */
    static Boolean audited(Sent q, Answer a) {
        if (!q.authenticated() || SAFE.contains(q.method()) || a.status() == 0 || a.status() == 401
                || a.status() == 414 || "invalid_path".equals(a.code())
                || (a.status() == 400 || a.status() == 431) && a.code() == null
                || a.status() == 413 && !q.chunked()) {
            return false;
        }
        return true;
    }

    static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** Committed memory outside the heap: metaspace, code cache and the other non-heap pools, and direct buffers. */
    static long outsideHeap() {
        long nonHeap = java.lang.management.ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getCommitted();
        long buffers = java.lang.management.ManagementFactory.getPlatformMXBeans(
                java.lang.management.BufferPoolMXBean.class).stream()
                .mapToLong(java.lang.management.BufferPoolMXBean::getMemoryUsed).sum();
        return nonHeap + buffers;
    }

    static long heapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    // ---- sending ----

    static Answer send(Req q, HttpClient http1, HttpClient http2, Map<String, AtomicInteger> versions) {
        long start = System.nanoTime();
        try {
            if (q.transport() == Transport.RAW) {
                String response = sendRaw(q);
                versions.computeIfAbsent("raw", k -> new AtomicInteger()).incrementAndGet();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                Matcher status = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(response);
                Matcher code = Pattern.compile("\"code\":\"([^\"]*)\"").matcher(response);
                Matcher message = Pattern.compile("\"message\":\"([^\"]*)\"").matcher(response);
                return new Answer(status.find() ? Integer.parseInt(status.group(1)) : 0, code.find() ? code.group(1)
                        : null, message.find() ? message.group(1) : null, ms, abbreviate(response, 300));
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port
                    + new String(q.target(), StandardCharsets.US_ASCII))).timeout(REQUEST_TIMEOUT);
            for (String[] h : q.headers()) {
                try {
                    b.header(h[0], h[1]);
                } catch (IllegalArgumentException refusedByTheClient) {
                    b.header(h[0], h[1].replaceAll("[^\\x20-\\x7e]", "?"));
                }
            }
            HttpRequest.BodyPublisher body = q.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : q.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(q.body()))
                    : HttpRequest.BodyPublishers.ofByteArray(q.body());
            b.method(q.method(), body);
            HttpResponse<String> r = (q.transport() == Transport.HTTP2 ? http2 : http1)
                    .send(b.build(), HttpResponse.BodyHandlers.ofString());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            versions.computeIfAbsent(r.version().name(), k -> new AtomicInteger()).incrementAndGet();
            String code = null;
            String message = null;
            try {
                JsonNode env = JSON.readTree(r.body());
                if (env != null && env.has("error")) {
                    code = env.at("/error/code").asText(null);
                    message = env.at("/error/message").asText(null);
                }
            } catch (IOException notJson) {
                // an answer outside the envelope: its status is what is checked
            }
            return new Answer(r.statusCode(), code, message, ms, abbreviate(r.body(), 300));
        } catch (HttpTimeoutException e) {
            return new Answer(-1, null, null, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), e.toString());
        } catch (IOException e) {
            // the server closed the connection without an answer (e.g. on an oversized body it refused)
            return new Answer(0, null, null, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request written byte by byte: what an HTTP client would refuse to send. The answer, empty if none. */
    static String sendRaw(Req q) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 2000);
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.writeBytes((q.method() + " ").getBytes(StandardCharsets.US_ASCII));
            req.writeBytes(q.target());
            req.writeBytes(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".getBytes(StandardCharsets.US_ASCII));
            for (String[] h : q.headers()) {
                req.writeBytes((h[0] + ": " + h[1] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            if (q.body() != null) {
                req.writeBytes(("Content-Length: " + q.body().length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            req.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            if (q.body() != null) {
                req.writeBytes(q.body());
            }
            OutputStream out = socket.getOutputStream();
            try {
                out.write(req.toByteArray());
                out.flush();
            } catch (IOException closedEarly) {
                // the server may answer and close before it has read everything; read what it said
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int k; answer.size() < 1 << 20 && !complete(answer) && (k = in.read(buf)) >= 0; ) {
                    answer.write(buf, 0, k);
                }
            } catch (SocketTimeoutException e) {
                if (answer.size() == 0) {
                    throw new HttpTimeoutException("no answer");
                }
            } catch (IOException reset) {
                // closed after (or instead of) an answer
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Whether an HTTP/1.1 answer is all there: its headers and the body they announce. */
    static boolean complete(ByteArrayOutputStream answer) {
        String text = answer.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text.substring(0, end));
        if (length.find()) {
            return text.length() - end - 4 >= Long.parseLong(length.group(1));
        }
        // chunked ends with its last chunk; anything else ends when the server closes
        return text.substring(0, end).toLowerCase(Locale.ROOT).contains("chunked") && text.endsWith("0\r\n\r\n");
    }

    static String abbreviate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
    }

    // ---- generating ----

    Req generate(int n, long seed, List<Operation> operations) {
        Random r = new Random(seed ^ (n * 0x9E3779B97F4A7C15L));
        Operation op = operations.get(r.nextInt(operations.size()));
        Transport transport = r.nextInt(100) < 6 ? Transport.RAW : r.nextInt(100) < 25 ? Transport.HTTP2
                : Transport.HTTP1;
        boolean raw = transport == Transport.RAW;
        String method = op.method();
        if (r.nextInt(100) < 3) {
            method = pick(r, List.of("PUT", "PATCH", "HEAD", "OPTIONS", "POST", "DELETE", "GET"));
        }
        boolean changing = !SAFE.contains(method);

        StringBuilder target = new StringBuilder();
        ByteArrayOutputStream rawTarget = new ByteArrayOutputStream();
        String template = op.template();
        if (r.nextInt(100) < 2) {
            template = BASE + "/" + pick(r, List.of("nothing", "health/", "performance", "alerts/silences/1/2",
                    "../health", "replicas//health", "indexes/jobs/", "audit/x"));
        }
        Matcher m = PARAMETER.matcher(template);
        int last = 0;
        while (m.find()) {
            appendAscii(rawTarget, target, template.substring(last, m.start()));
            String value = r.nextInt(100) < 45 ? pick(r, known.getOrDefault(m.group(1), List.of("x"))) : fuzzText(r);
            if (raw && r.nextInt(100) < 60) {
                rawSegment(r, rawTarget, target, value);
            } else {
                appendAscii(rawTarget, target, encode(r, value, true));
            }
            last = m.end();
        }
        appendAscii(rawTarget, target, template.substring(last));

        List<String> query = new ArrayList<>();
        for (Map.Entry<String, String> p : op.queryParams().entrySet()) {
            if (p.getKey().equals("dry_run") || r.nextInt(100) < 45) {
                continue;
            }
            String v = r.nextInt(100) < 50 ? pick(r, known.getOrDefault(p.getKey(), List.of("1"))) : fuzzText(r);
            query.add(p.getKey() + "=" + encode(r, v, false));
        }
        if (r.nextInt(100) < 10) {
            query.add(encode(r, fuzzText(r), false) + "=" + encode(r, fuzzText(r), false));
        }
        if (changing) {
            query.add(r.nextInt(query.size() + 1), "dry_run=true");
        }
        if (!query.isEmpty()) {
            appendAscii(rawTarget, target, "?" + String.join("&", query));
        }

        List<String[]> headers = new ArrayList<>();
        boolean authenticated = true;
        int auth = r.nextInt(100);
        if (auth < 2) {
            authenticated = false;
        } else if (auth < 4) {
            authenticated = false;
            headers.add(new String[] {"Authorization", "Bearer " + latin1(r, 1 + r.nextInt(40))});
        } else if (auth < 5) {
            authenticated = false;
            headers.add(new String[] {"Authorization", pick(r, List.of("Basic dGVzdDp0ZXN0", "Bearer", "bearer  ",
                    TOKEN, "Bearer " + TOKEN + "x"))});
        } else {
            headers.add(new String[] {"Authorization", (r.nextBoolean() ? "Bearer " : "bearer ") + TOKEN
                    + (r.nextInt(10) == 0 ? "  " : "")});
        }
        headers.add(new String[] {"X-Pgsidecar-Caller", "fuzz-" + n});
        int ct = r.nextInt(100);
        if (ct < 75) {
            headers.add(new String[] {"Content-Type", "application/json"});
        } else if (ct < 90) {
            headers.add(new String[] {"Content-Type", pick(r, List.of("text/plain", "application/xml",
                    "application/json; charset=utf-16", "application/x-www-form-urlencoded", "multipart/form-data",
                    "*/*", ";;;", "application/json; charset=nonsense"))});
        }
        if (r.nextInt(100) < 20) {
            headers.add(new String[] {"Accept", pick(r, List.of("text/html", "application/xml", "*/*",
                    "application/json;q=0", "text/event-stream", latin1(r, 10)))});
        }
        for (int i = r.nextInt(100) < 30 ? 1 + r.nextInt(3) : 0; i > 0; i--) {
            String name = pick(r, List.of("X-Forwarded-For", "X-Request-Id", "Cookie", "Origin", "Accept-Language",
                    "Accept-Encoding", "If-None-Match", "X-Fuzz-" + r.nextInt(1000)));
            headers.add(new String[] {name, latin1(r, r.nextInt(100) < 5 ? 6000 : 1 + r.nextInt(80))});
        }

        byte[] body = null;
        boolean chunked = false;
        if (changing && (op.body() || r.nextInt(100) < 30) && r.nextInt(100) < 90 || !changing && r.nextInt(100) < 5) {
            body = body(r, op);
            chunked = !raw && r.nextInt(100) < 20;
        }
        if (transport == Transport.HTTP2 && target.length() > AdminConfig.HTTP_LINE_LIMIT - 4096) {
            // over HTTP/2 a request line past the server's limit is a header block past its limit: a
            // connection error (GOAWAY, RFC 9113), after which the JDK 17 client leaves the connection's
            // other streams waiting until their timeout. Over HTTP/1.1 it is a 414 and a closed connection.
            transport = Transport.HTTP1;
        }
        return new Req(n, method, op.template(), raw ? rawTarget.toByteArray()
                : target.toString().getBytes(StandardCharsets.US_ASCII), headers, body, chunked, authenticated, transport);
    }

    static void appendAscii(ByteArrayOutputStream raw, StringBuilder target, String s) {
        raw.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        target.append(s);
    }

    /** A path segment as raw bytes: control characters, broken escapes, bytes that are not UTF-8. */
    static void rawSegment(Random r, ByteArrayOutputStream raw, StringBuilder target, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if ((b == ' ' || b == '\r' || b == '\n') && r.nextInt(4) > 0) {
                raw.writeBytes(String.format("%%%02X", b & 0xFF).getBytes(StandardCharsets.US_ASCII));
            } else {
                raw.write(b);
            }
        }
        switch (r.nextInt(6)) {
            case 0 -> raw.writeBytes("%".getBytes(StandardCharsets.US_ASCII));
            case 1 -> raw.writeBytes("%G1".getBytes(StandardCharsets.US_ASCII));
            case 2 -> raw.write(0);
            case 3 -> raw.write(0xC3);
            case 4 -> raw.writeBytes("%C3%28".getBytes(StandardCharsets.US_ASCII));
            default -> raw.write(0x7F);
        }
        target.append("(raw)");
    }

    static String fuzzText(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> ascii(r, r.nextInt(20));
            case 1 -> unicode(r, 1 + r.nextInt(12));
            case 2 -> ascii(r, 2) + (char) r.nextInt(0x20) + "\u0000" + ascii(r, 2) + "\u007f\u0085\u009f";
            case 3 -> pick(r, List.of("99999999999999999999999999", "-1", "0", "1e400", "NaN", "0x10", "-0",
                    "9223372036854775808", "-9223372036854775809", "1.5", "+7", " 12 ", "Infinity", "٣"));
            case 4 -> pick(r, List.of("'; DROP TABLE public.orders; --", "orders\" CASCADE; --", "pg_catalog.pg_class",
                    "public.orders'", "$1", "%s%s%n", "${jndi:ldap://x}", "<script>", "\\", "\"", "null", "true"));
            case 5 -> String.valueOf(pick(r, List.of('a', '\u00e9', '\u4e2d', '%', '/'))).repeat(100 + r.nextInt(6000));
            case 6 -> pick(r, List.of("..", ".", "%2e%2e", "a/b", "", " ", "%", "%00", "a%2Fb", "~", ";", "#", "?"));
            case 7 -> bytesAsLatin1(r, 1 + r.nextInt(16));
            case 8 -> "\ud800" + ascii(r, 3) + "\udfff";
            default -> ascii(r, 1 + r.nextInt(8)) + unicode(r, 2);
        };
    }

    static String ascii(Random r, int len) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; i++) {
            b.append((char) (0x20 + r.nextInt(0x5F)));
        }
        return b.toString();
    }

    static String unicode(Random r, int len) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int cp = switch (r.nextInt(6)) {
                case 0 -> 0x80 + r.nextInt(0x780);
                case 1 -> 0x4E00 + r.nextInt(0x5000);
                case 2 -> 0x1F600 + r.nextInt(0x50);
                case 3 -> pick(r, List.of(0x202E, 0x200B, 0xFEFF, 0xFFFD, 0xFFFF, 0x0301, 0x2028, 0x10FFFF));
                case 4 -> r.nextInt(0x20);
                default -> 0x20 + r.nextInt(0x5F);
            };
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    /** Random bytes carried as the characters U+0000 to U+00FF: encoded one byte each, so not UTF-8. */
    static String bytesAsLatin1(Random r, int len) {
        StringBuilder b = new StringBuilder("\u0001bytes:");
        for (int i = 0; i < len; i++) {
            b.append((char) r.nextInt(256));
        }
        return b.toString();
    }

    static String latin1(Random r, int len) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int c = 0x20 + r.nextInt(0xE0);
            b.append(c == 0x7F ? 'x' : (char) c);
        }
        return b.toString().strip().isEmpty() ? "x" : b.toString().strip();
    }

    /**
     * Percent-encodes a value for a path segment or query: its UTF-8 bytes (or, for a value made by
     * {@link #bytesAsLatin1}, its raw bytes), leaving the unreserved characters and, now and then, a
     * slash or a dot as they are.
     */
    static String encode(Random r, String value, boolean segment) {
        byte[] bytes = value.startsWith("\u0001bytes:") ? value.substring(7).getBytes(StandardCharsets.ISO_8859_1)
                : value.getBytes(StandardCharsets.UTF_8);
        boolean keepSlash = segment && r.nextInt(10) == 0;
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            int c = x & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~' || keepSlash && c == '/' || !segment && (c == ',' || c == ':')) {
                b.append((char) c);
            } else {
                b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return b.toString();
    }

    // ---- bodies ----

    byte[] body(Random r, Operation op) {
        int kind = r.nextInt(100);
        String text;
        if (kind < 62) {
            text = object(r, op.bodyProperties());
        } else if (kind < 70) {
            text = pick(r, List.of("[]", "[{\"dry_run\": true}]", "42", "\"dry_run\"", "null", "true", "{}",
                    "1e999999", "-0", "\"\\u0000\"", "[" + "1,".repeat(5000) + "1]"));
        } else if (kind < 78) {
            String good = object(r, op.bodyProperties());
            text = switch (r.nextInt(5)) {
                case 0 -> good.substring(0, r.nextInt(good.length()));
                case 1 -> good.replace(":", "=");
                case 2 -> good + "}}";
                case 3 -> "{\"dry_run\": true,}";
                default -> "{'dry_run': True}";
            };
        } else if (kind < 84) {
            int depth = pick(r, List.of(100, 999, 1001, 5000, 20000));
            boolean arrays = r.nextBoolean();
            text = "{\"dry_run\": true, \"reason\": " + (arrays ? "[".repeat(depth) + "]".repeat(depth)
                    : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)) + "}";
        } else if (kind < 88) {
            byte[] b = new byte[1 + r.nextInt(200)];
            r.nextBytes(b);
            return b;
        } else if (kind < 93) {
            int size = r.nextInt(10) == 0 ? 1_200_000 : 65_537 + r.nextInt(100_000);
            text = "{\"dry_run\": true, \"reason\": \"" + "x".repeat(size) + "\"}";
        } else if (kind < 96) {
            text = "";
        } else {
            text = "{\"dry_run\": true, \"reason\": \"" + "\u00e9\ud83d\ude00".repeat(2000 + r.nextInt(20000)) + "\"}";
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A body object shaped by the document's schema, each property fitting, fuzzed, or left out; always a dry run. */
    String object(Random r, Map<String, JsonNode> properties) {
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : properties.entrySet()) {
            if (p.getKey().equals("dry_run") || r.nextInt(100) < 15) {
                continue;
            }
            fields.add(quote(p.getKey()) + ": " + (r.nextInt(100) < 65 ? fitting(r, p.getKey(), p.getValue())
                    : wrong(r)));
        }
        if (r.nextInt(100) < 10) {
            fields.add(quote(fuzzText(r)) + ": " + wrong(r));
        }
        fields.add(r.nextInt(fields.size() + 1), "\"dry_run\": true");
        return "{" + String.join(", ", fields) + "}";
    }

    String fitting(Random r, String name, JsonNode schema) {
        String type = schema.path("type").asText();
        List<String> values = known.get(name);
        return switch (type) {
            case "boolean" -> Boolean.toString(r.nextBoolean());
            case "integer" -> values != null ? pick(r, values) : Integer.toString(r.nextInt(100));
            case "array" -> {
                if (schema.at("/items/$ref").asText().endsWith("Matcher")) {
                    List<String> matchers = new ArrayList<>();
                    for (int i = r.nextInt(4); i > 0; i--) {
                        boolean regex = r.nextInt(4) == 0;
                        matchers.add("{\"name\": " + quote(pick(r, List.of("alertname", "severity", "database", "",
                                fuzzText(r)))) + ", \"value\": " + quote(regex ? pick(r, List.of("(a+)+$", ".*",
                                "[", "(?<x>", "Slow.*", "(.*a){25}")) : pick(r, List.of("SlowQuery", "", fuzzText(r))))
                                + (regex ? ", \"is_regex\": true" : "") + (r.nextInt(5) == 0 ? ", \"is_equal\": false" : "")
                                + "}");
                    }
                    yield "[" + String.join(", ", matchers) + "]";
                }
                List<String> items = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    items.add(quote(values != null && r.nextBoolean() ? pick(r, values) : fuzzText(r)));
                }
                yield "[" + String.join(", ", items) + "]";
            }
            default -> quote(values != null && r.nextInt(100) < 80 ? pick(r, values) : fuzzText(r));
        };
    }

    static String wrong(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> pick(r, List.of("12345678901234567890123456789012345678901234567890", "1e999999", "-1e-999999",
                    "9223372036854775808", "1.0000000000000000000000001", "-0", "2147483648", "0.5"));
            case 1 -> pick(r, List.of("null", "true", "false", "{}", "[]", "[null]", "{\"a\": 1}"));
            case 2 -> quote(fuzzText(r));
            case 3 -> "\"\\u0000" + ascii(r, 3) + "\\ud800\\udc00\\udfff\"";
            case 4 -> "[" + quote(fuzzText(r)) + ", 1, null, {}]";
            case 5 -> "[".repeat(200) + "]".repeat(200);
            case 6 -> quote("x".repeat(600 + r.nextInt(20000)));
            case 7 -> Long.toString(r.nextLong());
            default -> quote(unicode(r, 1 + r.nextInt(30)));
        };
    }

    /** A JSON string: quotes, backslashes and control characters escaped; lone surrogates kept as escapes. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) && !(Character.isLowSurrogate(c) && i > 0
                    && Character.isHighSurrogate(s.charAt(i - 1)))) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static <T> T pick(Random r, List<T> from) {
        return from.get(r.nextInt(from.size()));
    }
}
