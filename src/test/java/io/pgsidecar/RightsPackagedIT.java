package io.pgsidecar;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.AgentProcess;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import io.restassured.path.json.JsonPath;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The two kinds of rights of issue 21, with the packaged agent and exactly the SQL {@code pgsidecar
 * grants} prints (PostgreSQL 15, and 17 in CI's second phase, where MAINTAIN replaces ownership):
 *
 * <ol>
 *   <li>an agent run as a superuser prints the script; it is applied as printed;</li>
 *   <li>with the observing login and the acting login, every feature's action works (VACUUM and
 *       ANALYZE that really ran, an invalid index dropped, old rows deleted, a session ended,
 *       partitions made and dropped, an index built, the statistics reset), and the server says that
 *       the pool's, the leader's and the planner's sessions log in as a role that is no member of the
 *       acting role nor of the role owning the tables; the owner's statements are planned as the
 *       read-only planner role (a write of its is refused with the reason), and an observer that
 *       could become the owner counts as one that acts;</li>
 *   <li>with the observing login alone, every read works and every action, dry run or not, is a 403
 *       {@code no_permission} naming its GRANT, and nothing changed.</li>
 * </ol>
 */
@Tag("by-version")
class RightsPackagedIT {

    static final String BASE = "/api/v1/admin/database";
    static final String PASSWORD = "pgs-secret";

    static final String SETUP = """
            DO $$ BEGIN CREATE ROLE app_owner LOGIN PASSWORD 'pgs-secret'; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            DO $$ BEGIN CREATE ROLE app_user LOGIN PASSWORD 'pgs-secret'; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            GRANT CREATE ON SCHEMA public TO app_owner;
            SET ROLE app_owner;
            CREATE TABLE churn (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
            INSERT INTO churn SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g;
            DELETE FROM churn WHERE id % 10 <> 0;
            CREATE TABLE events (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, payload text);
            INSERT INTO events (created_at, payload) SELECT now() - g * interval '1 day', 'p' FROM generate_series(1, 90) g;
            CREATE TABLE ev (id bigint, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);
            CREATE TABLE big (id int, k int);
            INSERT INTO big SELECT g, g % 500 FROM generate_series(1, 20000) g;
            CREATE TABLE dups (k int);
            INSERT INTO dups VALUES (1), (1);
            CREATE FUNCTION slow_plan() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$
              BEGIN PERFORM pg_catalog.pg_sleep(1.5); RETURN 1; END $f$;
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_user;
            RESET ROLE;
            ANALYZE;
            """;

    @Test
    void theAgentActsOnlyWithThePrintedRightsAndObservesWithoutThem() throws Exception {
        PgCluster pg = PgFixture.shared();
        String db = PgFixture.freshDatabase("rights");
        sql(pg, db, SETUP);
        // an invalid index (a failed concurrent build) for maintain_indexes to drop
        try (Connection c = as(pg, db, "app_owner"); Statement s = c.createStatement()) {
            s.execute("CREATE UNIQUE INDEX CONCURRENTLY dups_k ON dups (k)");
        } catch (java.sql.SQLException expected) {
            // duplicate key: the index is left behind invalid
        }
        try (Connection c = as(pg, db, "app_user"); Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM big WHERE k = 7").close();
            s.executeQuery("SELECT * FROM big WHERE k = slow_plan() LIMIT 1").close();
        }
        // the owner's own statements: the observer may not become a role that owns tables, even to plan
        try (Connection c = as(pg, db, "app_owner"); Statement s = c.createStatement()) {
            s.executeQuery("SELECT max(id) FROM big WHERE k = 11").close();
            s.executeUpdate("UPDATE big SET id = id WHERE k = 12");
        }
        Map<String, String> env = new HashMap<>();
        env.put("DB_MAINTENANCE_ENABLED", "true");
        for (String task : List.of("UPDATE_STATISTICS", "VACUUM", "MAINTAIN_INDEXES", "CLEANUP_OLD_DATA",
                "CONNECTION_HEALTH")) {
            env.put("PGSIDECAR_MAINTENANCE_" + task + "_CRON", "0 0 3 1 1 ? 2099"); // only the manual runs here
        }
        env.put("PGSIDECAR_MAINTENANCE_VACUUM_MIN_DEAD_TUPLES", "1000");
        env.put("PGSIDECAR_MAINTENANCE_MAINTAIN_INDEXES_INVALID_ACTION", "drop");
        env.put("PGSIDECAR_MAINTENANCE_CLEANUP_RULES",
                "[{\"table\": \"public.events\", \"column\": \"created_at\", \"older_than\": \"30d\"}]");
        env.put("PGSIDECAR_MAINTENANCE_CONNECTION_HEALTH_IDLE_IN_TRANSACTION_THRESHOLD", "1s");
        env.put("PGSIDECAR_MAINTENANCE_CONNECTION_HEALTH_TERMINATE_APPLICATIONS", "leaky-worker");
        env.put("PARTITIONING_ENABLED", "true");
        env.put("PGSIDECAR_PARTITIONS_AUTO_CREATE", "false");
        env.put("PARTITION_STRATEGIES", "[{\"table_name\": \"ev\", \"partition_type\": \"range\", \"partition_column\": "
                + "\"created_at\", \"strategy_config\": {\"interval\": \"month\", \"premake\": 1}}]");
        env.put("PGSIDECAR_INDEXES_INTERVAL", "1h");
        env.put("PGSIDECAR_STATEMENTS_PLAN_TIMEOUT", "10s");

        // 1. the script, as a first install run as a superuser prints it
        String script;
        Map<String, String> superuser = new HashMap<>(env);
        superuser.put("DATABASE_URL", pg.databaseUrl(db));
        try (AgentProcess a = start("rights-su", superuser)) {
            JsonPath r = get(a, "/rights", 200);
            assertThat(r.getList("data.observing_login_acts", String.class)).isNotEmpty();
            assertThat(r.getString("data.plans")).startsWith("screened");
            script = r.getString("data.grants");
        }
        System.out.println(script);
        assertThat(script).contains("GRANT pg_monitor TO pgsidecar_observer", "GRANT app_user TO pgsidecar_planning",
                "GRANT pg_signal_backend, pg_read_all_stats TO pgsidecar_actor", "GRANT SELECT, DELETE ON TABLE public.events TO pgsidecar_actor",
                "GRANT CREATE ON SCHEMA public TO pgsidecar_actor", "GRANT app_owner TO pgsidecar_actor",
                "GRANT EXECUTE ON FUNCTION");
        if (pg.majorVersion() >= 17) {
            assertThat(script).contains("GRANT pg_maintain TO pgsidecar_actor");
        }
        assertThat(script).contains("GRANT pgsidecar_planner TO pgsidecar_planning",
                "REVOKE app_owner FROM pgsidecar_planning;  -- it can act (owns the database, a schema or tables");
        assertThat(script).contains(pg.majorVersion() >= 14 ? "GRANT pg_read_all_data TO pgsidecar_planner"
                : "GRANT SELECT ON ALL TABLES IN SCHEMA public TO pgsidecar_planner");
        assertThat(script).doesNotContain("GRANT pgsidecar_actor", "TO pgsidecar_observer WITH",
                "GRANT app_owner TO pgsidecar_planning");
        if (pg.majorVersion() == 17) {
            assertReadmeShowsTheScript(script.replace(db, "app"));
        }
        sql(pg, db, script);
        // as an earlier script did: running the script again takes the owner back from the planning role
        sql(pg, db, "GRANT app_owner TO pgsidecar_planning");
        sql(pg, db, script);
        sql(pg, db, "ALTER ROLE pgsidecar_observer PASSWORD '" + PASSWORD + "'; ALTER ROLE pgsidecar_actor PASSWORD '"
                + PASSWORD + "'");

        // 2. observing and acting logins: every action works
        Map<String, String> both = new HashMap<>(env);
        both.put("DATABASE_URL", url(pg, db, "pgsidecar_observer"));
        both.put("PGSIDECAR_ACTING_DATABASE_URL", url(pg, db, "pgsidecar_actor"));
        try (AgentProcess a = start("rights-both", both)) {
            JsonPath r = get(a, "/rights", 200);
            assertThat(r.getList("data.observing_login_acts", String.class)).isEmpty();
            assertThat(r.getString("data.acting_role")).isEqualTo("pgsidecar_actor");
            assertThat(r.getString("data.form")).isEqualTo("second_login");
            assertThat(r.getList("data.features.actions.possible.flatten()", Boolean.class)).isNotEmpty()
                    .containsOnly(true);
            assertThat(get(a, "/maintenance/status", 200).getList("data.rights.actions.possible", Boolean.class))
                    .containsOnly(true);

            long userStatement = queryid(pg, db, "count(*) FROM big WHERE k = $1");
            JsonPath plan = get(a, "/performance/queries/" + userStatement + "/plan", 200);
            assertThat(plan.getString("data.planning.how")).isEqualTo("statement_user");
            assertThat(plan.getString("data.planning.role")).isEqualTo("app_user");
            // the planner's session as the server sees it, while it plans (planning folds the function, which sleeps)
            long slow = queryid(pg, db, "slow_plan()");
            CompletableFuture<HttpResponse<String>> planning = CompletableFuture.supplyAsync(() ->
                    a.get(BASE + "/performance/queries/" + slow + "/plan", true));
            String plannerLogin = null;
            for (long end = System.nanoTime() + 10_000_000_000L; plannerLogin == null && System.nanoTime() < end
                    && !planning.isDone(); Thread.sleep(50)) {
                plannerLogin = text(pg, db, "SELECT usename FROM pg_stat_activity WHERE application_name = "
                        + "'pgsidecar-planner'");
            }
            HttpResponse<String> planned = planning.get(20, TimeUnit.SECONDS);
            assertThat(planned.statusCode()).as(planned.body()).isEqualTo(200);
            assertThat(plannerLogin).as("a planning session seen while it planned: " + planned.body()).isNotNull();
            for (String app : List.of("pgsidecar", "pgsidecar-leader")) {
                assertThat(text(pg, db, "SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = '" + app + "'"))
                        .as(app).isEqualTo("pgsidecar_observer");
            }
            assertThat(plannerLogin).isEqualTo("pgsidecar_observer");
            assertThat(text(pg, db, "SELECT pg_has_role('pgsidecar_observer', 'pgsidecar_actor', 'MEMBER')::text"))
                    .as("the observing login is no member of the acting role").isEqualTo("false");
            assertThat(text(pg, db, "SELECT pg_has_role('pgsidecar_observer', 'app_owner', 'MEMBER')::text"))
                    .as("nor of the role that owns the tables, through which the acting role alters them").isEqualTo("false");
            try (Connection c = as(pg, db, "pgsidecar_observer"); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute("SET ROLE app_owner")).as("the observing login becomes the owner")
                        .hasMessageContaining("permission denied");
            }
            // the owner's statements are planned as the planner role, which reads and never writes
            JsonPath owners = get(a, "/performance/queries/" + queryid(pg, db, "max(id) FROM big WHERE k = $1")
                    + "/plan", 200);
            assertThat(owners.getString("data.planning.how")).isEqualTo("planner_role");
            assertThat(owners.getString("data.planning.role")).isEqualTo("pgsidecar_planner");
            long ownersUpdate = Long.parseLong(text(pg, db, "SELECT queryid::text FROM pg_stat_statements "
                    + "WHERE query LIKE 'UPDATE big SET id = id WHERE k = %' LIMIT 1"));
            HttpResponse<String> update = a.get(BASE + "/performance/queries/" + ownersUpdate + "/plan", true);
            assertThat(update.statusCode()).as(update.body()).isEqualTo(422);
            assertThat(JsonPath.from(update.body()).getString("error.message"))
                    .contains("pgsidecar_planner", "permission denied", "app_owner");
            // an observer that may become an owner (as the script granted before) can act: its plans are screened
            sql(pg, db, "GRANT app_owner TO pgsidecar_planning");
            JsonPath wide = get(a, "/rights", 200);
            assertThat(wide.getList("data.observing_login_acts", String.class)).contains("app_owner (owns tables)");
            assertThat(wide.getString("data.plans")).startsWith("screened");
            HttpResponse<String> screened = a.get(BASE + "/performance/queries/" + queryid(pg, db,
                    "max(id) FROM big WHERE k = $1") + "/plan", true);
            assertThat(screened.body()).as("planned only after the screen, as the login itself").contains("(screened)");
            sql(pg, db, "REVOKE app_owner FROM pgsidecar_planning");
            assertThat(get(a, "/rights", 200).getList("data.observing_login_acts", String.class)).isEmpty();

            // maintenance: each task, with what it did checked in the catalog
            runTask(a, "vacuum", "{\"tables\": [\"public.churn\"]}");
            assertThat(text(pg, db, "SELECT (last_vacuum IS NOT NULL)::text FROM pg_stat_user_tables WHERE relname = 'churn'"))
                    .as("VACUUM really ran (a role without the right is skipped with a warning)").isEqualTo("true");
            runTask(a, "update_statistics", "{\"tables\": [\"public.big\"]}");
            assertThat(text(pg, db, "SELECT (last_analyze IS NOT NULL)::text FROM pg_stat_user_tables WHERE relname = 'big'"))
                    .isEqualTo("true");
            runTask(a, "maintain_indexes", "{}");
            assertThat(text(pg, db, "SELECT count(*)::text FROM pg_class WHERE relname = 'dups_k'")).isEqualTo("0");
            runTask(a, "cleanup_old_data", "{}");
            assertThat(text(pg, db, "SELECT count(*)::text FROM events WHERE created_at < now() - interval '30 days'"))
                    .isEqualTo("0");
            try (Connection leaky = as(pg, db, "app_user", "leaky-worker")) {
                leaky.setAutoCommit(false);
                leaky.createStatement().executeQuery("SELECT 1").close();
                Thread.sleep(1500); // idle in transaction past the 1 s threshold
                runTask(a, "connection_health", "{}");
                assertThat(text(pg, db, "SELECT count(*)::text FROM pg_stat_activity WHERE application_name = 'leaky-worker'"))
                        .isEqualTo("0");
            }

            // partitions: made (given to the table's owner), then dropped by retention
            LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
            post(a, "/partitions/create", "{\"table_name\": \"ev\", \"column_name\": \"created_at\", \"start_date\": \""
                    + month.minusMonths(3) + "\", \"end_date\": \"" + month.plusMonths(1) + "\", \"interval\": \"month\"}",
                    200);
            assertThat(text(pg, db, "SELECT count(*)::text FROM pg_inherits WHERE inhparent = 'ev'::regclass")).isEqualTo("4");
            assertThat(text(pg, db, "SELECT string_agg(DISTINCT pg_get_userbyid(c.relowner), ',') FROM pg_inherits i "
                    + "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'ev'::regclass")).isEqualTo("app_owner");
            JsonPath cleanup = post(a, "/partitions/ev/cleanup", "{\"retention_months\": 1, \"mode\": \"drop\"}", 200);
            assertThat(cleanup.getList("data.steps.outcome", String.class)).isNotEmpty().containsOnly("ok");

            // an index, built concurrently by the acting login, owned by the table's owner
            HttpResponse<String> built = a.post(BASE + "/indexes/create", "{\"table_name\": \"big\", \"columns\": [\"k\"]}");
            assertThat(built.statusCode()).as(built.body()).isIn(200, 202);
            await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(text(pg, db,
                    "SELECT count(*)::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                            + "WHERE i.indrelid = 'big'::regclass AND i.indisvalid")));

            post(a, "/performance/reset", "{}", 200);
        }

        // 3. the observing login alone: reads work, every action is a 403 naming its GRANT, nothing changes
        sql(pg, db, "INSERT INTO events (created_at, payload) SELECT now() - g * interval '1 day', 'p' "
                + "FROM generate_series(40, 50) g");
        try (Connection c = as(pg, db, "app_user"); Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM big WHERE k = 7").close(); // the reset above cleared it
        }
        try (Connection c = as(pg, db, "app_owner"); Statement s = c.createStatement()) {
            s.execute("CREATE UNIQUE INDEX CONCURRENTLY dups_k2 ON dups (k)"); // left invalid for maintain_indexes
        } catch (java.sql.SQLException expected) {
            // duplicate key
        }
        Map<String, String> observing = new HashMap<>(env);
        observing.put("DATABASE_URL", url(pg, db, "pgsidecar_observer"));
        observing.put("PGSIDECAR_STATEMENTS_INTERVAL", "1s");
        observing.put("PGSIDECAR_INDEXES_REFRESH_MIN_INTERVAL", "0s");
        try (AgentProcess a = start("rights-observer", observing)) {
            for (String read : List.of("/health", "/performance/stats", "/maintenance/status", "/partitions/status",
                    "/indexes/status", "/indexes/analysis", "/alerts", "/rights")) {
                get(a, read, 200);
            }
            assertThat(a.status("/q/metrics")).isEqualTo(200);
            assertStatusPageRenders(a);
            // the CLI's reads, as an operator runs them through a port-forward
            for (String[] read : List.of(new String[] {"health"}, new String[] {"rights"}, new String[] {"grants"},
                    new String[] {"performance-stats"}, new String[] {"maintenance-status"},
                    new String[] {"maintenance-history"}, new String[] {"analyze-indexes"},
                    new String[] {"replica-status"}, new String[] {"alerts"}, new String[] {"silence", "list"},
                    new String[] {"partitions-status"})) {
                java.io.StringWriter out = new java.io.StringWriter();
                java.io.StringWriter err = new java.io.StringWriter();
                List<String> args = new ArrayList<>(List.of("--url", "http://127.0.0.1:" + a.port()));
                args.addAll(List.of(read));
                int exit = io.pgsidecar.cli.Cli.execute(args.toArray(String[]::new), new java.io.PrintWriter(out),
                        new java.io.PrintWriter(err), Map.of("PGSIDECAR_ADMIN_TOKEN", AgentProcess.TOKEN));
                assertThat(exit).as(String.join(" ", read) + ": " + out + err).isZero();
            }
            long userStatement = queryid(pg, db, "count(*) FROM big WHERE k = $1");
            get(a, "/performance/queries/" + userStatement + "/plan", 200);
            assertThat(get(a, "/maintenance/status", 200).getList("data.rights.actions.possible", Boolean.class))
                    .contains(false);
            for (String status : List.of("/partitions/status", "/indexes/status")) {
                JsonPath r = get(a, status, 200);
                assertThat(r.getList("data.rights.actions.possible", Boolean.class)).as(status).isNotEmpty()
                        .containsOnly(false);
                assertThat(r.getString("data.rights.actions[0].lacking")).as(status).contains("GRANT app_owner");
            }
            // a statement an index on big (id) would serve, polled into the history: a recommendation to refuse
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                try (Connection c = as(pg, db, "app_user"); Statement s = c.createStatement()) {
                    for (int i = 0; i < 20; i++) {
                        s.executeQuery("SELECT k FROM big WHERE id = " + (i * 37)).close();
                    }
                }
                return get(a, "/indexes/analysis?refresh=true", 200).getList("data.recommendations.table", String.class)
                        .contains("public.big");
            });

            String observer = "TO pgsidecar_observer";
            for (String dry : List.of("true", "false")) {
                refused(a, "/maintenance/tasks/vacuum/run", "{\"tables\": [\"public.churn\"], \"dry_run\": " + dry + "}",
                        "GRANT ", observer);
                refused(a, "/maintenance/tasks/cleanup_old_data/run", "{\"dry_run\": " + dry + "}",
                        "GRANT SELECT, DELETE ON TABLE public.events " + observer);
                refused(a, "/maintenance/tasks/connection_health/run", "{\"dry_run\": " + dry + "}",
                        "GRANT pg_signal_backend, pg_read_all_stats " + observer);
                refused(a, "/partitions/create", "{\"table_name\": \"ev\", \"column_name\": \"created_at\", "
                        + "\"start_date\": \"2020-01-01\", \"end_date\": \"2020-03-01\", \"interval\": \"month\", "
                        + "\"dry_run\": " + dry + "}", "GRANT app_owner " + observer);
                refused(a, "/partitions/ev/cleanup", "{\"retention_months\": 1, \"dry_run\": " + dry + "}",
                        "GRANT app_owner " + observer);
                refused(a, "/indexes/create", "{\"table_name\": \"churn\", \"columns\": [\"v\"], \"dry_run\": " + dry + "}",
                        "GRANT app_owner " + observer);
                refused(a, "/maintenance/tasks/update_statistics/run", "{\"tables\": [\"public.big\"], \"dry_run\": "
                        + dry + "}", "GRANT ", observer);
                refused(a, "/maintenance/tasks/maintain_indexes/run", "{\"dry_run\": " + dry + "}", "GRANT ", observer);
                refused(a, "/indexes/create-recommended?priority=low&dry_run=" + dry, "{}", "GRANT app_owner " + observer);
            }
            // the status page's form is the same call: refused, naming the GRANT, on the page
            HttpResponse<String> page = uiRunTask(a, "vacuum");
            assertThat(page.statusCode()).as(page.body()).isEqualTo(403);
            assertThat(page.body()).contains("GRANT ", observer);
            assertThat(text(pg, db, "SELECT count(*)::text FROM pg_class WHERE relname = 'dups_k2'"))
                    .as("the invalid index was not dropped").isEqualTo("1");
            assertThat(text(pg, db, "SELECT count(*)::text FROM pg_indexes WHERE tablename = 'big'"))
                    .as("no index was built").isEqualTo("1");
            refused(a, "/performance/reset", "{}", "GRANT EXECUTE ON FUNCTION", observer);
            refused(a, "/performance/reset", "{\"dry_run\": true}", "GRANT EXECUTE ON FUNCTION", observer);
            assertThat(text(pg, db, "SELECT count(*)::text FROM events WHERE created_at < now() - interval '30 days'"))
                    .as("nothing was deleted").isEqualTo("11");
            assertThat(text(pg, db, "SELECT count(*)::text FROM pg_inherits WHERE inhparent = 'ev'::regclass"))
                    .as("no partition made").isEqualTo("2");
        }
    }

    /** The status page, logged in as a browser does: every section answers 200. */
    static void assertStatusPageRenders(AgentProcess a) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + a.port();
        String cookie = pageLogin(http, base);
        for (String page : List.of("/", "/ui/statements", "/ui/connections", "/ui/alerts", "/ui/operations")) {
            HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + page))
                    .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(page + ": " + r.body()).isEqualTo(200);
        }
    }

    /**
     * The README's "Roles and rights" shows what this test printed on PostgreSQL 17: each statement of
     * its block (comments aside, which it shortens) is one the script holds.
     */
    static void assertReadmeShowsTheScript(String script) throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        int at = readme.indexOf("What it printed in `RightsPackagedIT` on PostgreSQL 17");
        assertThat(at).as("the README's sample of the script").isPositive();
        int from = readme.indexOf("```sql\n", at) + "```sql\n".length();
        String block = readme.substring(from, readme.indexOf("```", from));
        List<String> lines = List.of(script.split("\n"));
        for (String line : block.split("\n")) {
            String statement = line.replaceAll("\\s+--.*$", "").strip();
            if (statement.isEmpty() || statement.startsWith("--")) {
                continue;
            }
            assertThat(lines).as("README line: " + line).anySatisfy(l -> assertThat(l.replaceAll("\\s+--.*$", "")
                    .strip()).isEqualTo(statement));
        }
    }

    /** Logs in to the status page as a browser does; the session cookie. */
    static String pageLogin(java.net.http.HttpClient http, String base) throws Exception {
        HttpResponse<String> login = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/ui/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + AgentProcess.TOKEN)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        return login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    /** A maintenance task run from the status page's form, as a browser sends it (a dry run). */
    static HttpResponse<String> uiRunTask(AgentProcess a, String task) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + a.port();
        String cookie = pageLogin(http, base);
        HttpResponse<String> ops = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
                + "/ui/operations")).header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
                .matcher(ops.body());
        assertThat(csrf.find()).as(ops.body()).isTrue();
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/ui/maintenance/run"))
                .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("csrf=" + java.net.URLEncoder.encode(csrf.group(1),
                        java.nio.charset.StandardCharsets.UTF_8) + "&task=" + task + "&dry_run=on")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void refused(AgentProcess a, String path, String body, String... inMessage) {
        HttpResponse<String> r = a.post(BASE + path, body);
        assertThat(r).as(path).isNotNull();
        assertThat(r.statusCode()).as(path + " " + body + ": " + r.body()).isEqualTo(403);
        JsonPath j = JsonPath.from(r.body());
        assertThat(j.getString("error.code")).isEqualTo("no_permission");
        assertThat(j.getString("error.message")).as(path).contains(inMessage);
        assertThat(j.getList("error.details.lacking")).as(path).isNotEmpty();
    }

    static void runTask(AgentProcess a, String task, String body) {
        JsonPath started = post(a, "/maintenance/tasks/" + task + "/run", body, 202);
        long id = started.getLong("data.run_id");
        JsonPath run = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(
                () -> get(a, "/maintenance/runs/" + id, 200), j -> !"running".equals(j.getString("data.run.outcome")));
        assertThat(run.getString("data.run.outcome")).as(task + ": " + run.prettify()).isEqualTo("ok");
    }

    static AgentProcess start(String name, Map<String, String> env) {
        AgentProcess a = AgentProcess.start(name, env);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> a.status("/q/health/ready") == 200 || !a.process().isAlive());
        assertThat(a.status("/q/health/ready")).as(a.output()).isEqualTo(200);
        return a;
    }

    static JsonPath get(AgentProcess a, String path, int status) {
        HttpResponse<String> r = a.get(BASE + path, true);
        assertThat(r).as(path).isNotNull();
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
        return JsonPath.from(r.body());
    }

    static JsonPath post(AgentProcess a, String path, String body, int status) {
        HttpResponse<String> r = a.post(BASE + path, body);
        assertThat(r).as(path).isNotNull();
        assertThat(r.statusCode()).as(path + " " + body + ": " + r.body()).isEqualTo(status);
        return JsonPath.from(r.body());
    }

    static String url(PgCluster pg, String db, String role) {
        return "postgresql://" + role + ":" + PASSWORD + "@" + pg.host() + ":" + pg.port() + "/" + db;
    }

    static Connection as(PgCluster pg, String db, String role) throws Exception {
        return as(pg, db, role, "rights-test");
    }

    static Connection as(PgCluster pg, String db, String role, String app) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", role);
        p.setProperty("password", PASSWORD);
        p.setProperty("ApplicationName", app);
        return DriverManager.getConnection(pg.jdbcUrl(db), p);
    }

    static void sql(PgCluster pg, String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String text(PgCluster pg, String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * The statement of this database whose text holds {@code fragment}: make it name one statement
     * ("FROM big WHERE k = $1" is both the user's count and the owner's max, in either order).
     */
    static long queryid(PgCluster pg, String db, String fragment) throws Exception {
        try (Connection c = pg.connect(db); PreparedStatement ps = c.prepareStatement(
                "SELECT queryid FROM pg_stat_statements WHERE query LIKE ? AND query ILIKE 'select%' "
                        + "AND query NOT LIKE '%pgsidecar%' "
                        + "AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                        + "ORDER BY calls DESC LIMIT 1")) {
            ps.setString(1, "%" + fragment + "%");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a statement with " + fragment).isTrue();
                return rs.getLong(1);
            }
        }
    }
}
