package io.pgsidecar.statements;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The attack of issue 21, as an ordinary user of the database makes it: {@code pgs_mallory} writes an
 * {@code IMMUTABLE} function that ends every session named {@code pgs-victim} (which she cannot do
 * herself: her own call fails and is swallowed), a view that calls it, one that first switches to
 * the victim's role (which a planning login that may become it would allow, and a role may end its
 * own sessions), and runs statements that reach them. Planning folds an immutable call without arguments, so whoever plans those texts runs the
 * function with their own rights. The victim is a session of another role that must survive.
 */
final class PlanAttack {

    static final String PASSWORD = "pgs-secret";
    /** Roles are cluster-wide: made once, whichever test class comes first. */
    static final String ROLES = """
            DO $$ BEGIN CREATE ROLE pgs_mallory LOGIN PASSWORD 'pgs-secret';
                  EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            DO $$ BEGIN CREATE ROLE pgs_victim LOGIN PASSWORD 'pgs-secret';
                  EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            DO $$ BEGIN CREATE ROLE pgs_observer LOGIN PASSWORD 'pgs-secret';
                  EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            DO $$ BEGIN CREATE ROLE pgs_planning NOLOGIN NOINHERIT;
                  EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            DO $$ BEGIN CREATE ROLE pgs_stranger LOGIN PASSWORD 'pgs-secret';
                  EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            DO $$ BEGIN CREATE ROLE pgs_reader NOLOGIN;
                  EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            DO $$ BEGIN CREATE ROLE pgs_trusted NOLOGIN;
                  EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            """;
    /** What mallory builds in the application's database. */
    static final String MALLORY = """
            GRANT CREATE ON SCHEMA public TO pgs_mallory;
            CREATE TABLE public.loot (id int PRIMARY KEY, v int);
            INSERT INTO public.loot SELECT g, g FROM generate_series(1, 100) g;
            GRANT SELECT ON public.loot TO pgs_mallory;
            SET ROLE pgs_mallory;
            CREATE FUNCTION public.evil() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$
            BEGIN
              PERFORM pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity
               WHERE application_name = 'pgs-victim';
              RETURN 1;
            EXCEPTION WHEN OTHERS THEN RETURN 0;
            END $f$;
            CREATE FUNCTION public.hop() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$
            BEGIN
              PERFORM pg_catalog.set_config('role', 'pgs_victim', true);
              PERFORM pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity
               WHERE application_name = 'pgs-victim';
              RETURN 1;
            EXCEPTION WHEN OTHERS THEN RETURN 0;
            END $f$;
            CREATE VIEW public.innocent AS SELECT id, public.evil() AS e FROM public.loot;
            RESET ROLE;
            -- a function of a role the agent is told to trust (pgsidecar.statements.plan-trusted-roles)
            CREATE FUNCTION public.vetted() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 3';
            ALTER FUNCTION public.vetted() OWNER TO pgs_trusted;
            """;

    private PlanAttack() {
    }

    /** Polls and analyses only when the test asks, and reads every statement of the test as a top one. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.indexes.interval", "1h",
                    "pgsidecar.indexes.refresh-min-interval", "0s",
                    // whatever the agent itself ran meanwhile
                    "pgsidecar.indexes.top-statements", "500",
                    // used only by a login that cannot act, and the screen only by one that can
                    "pgsidecar.statements.planner-role", "pgs_reader",
                    "pgsidecar.statements.plan-trusted-roles", "pgs_trusted");
        }
    }

    /** Until the agent under test has migrated its schema. */
    static void awaitMigrated() {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> {
            var r = given().auth().oauth2("test-token").get("/api/v1/admin/database/health");
            return r.statusCode() == 200 && Boolean.TRUE.equals(r.jsonPath().getBoolean("data.migrations.done"));
        });
    }

    static Connection as(String database, String role, String applicationName) throws SQLException {
        PgCluster pg = PgFixture.shared();
        Properties p = new Properties();
        p.setProperty("user", role);
        p.setProperty("password", PASSWORD);
        p.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(pg.jdbcUrl(database), p);
    }

    /** Mallory runs her statements a few times (her own calls end nobody). */
    static void malloryRuns(String database) throws SQLException {
        try (Connection c = as(database, "pgs_mallory", "mallory")) {
            for (String sql : new String[] {"SELECT public.evil() FROM public.loot WHERE id = ?",
                "SELECT public.hop() FROM public.loot WHERE id = ?",
                "SELECT * FROM public.innocent WHERE id = ?", "SELECT v FROM public.loot WHERE id = ?",
                "SELECT public.vetted() + v FROM public.loot WHERE id = ?"}) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 1; i <= 3; i++) {
                        ps.setInt(1, i);
                        ps.executeQuery().close();
                    }
                }
            }
        }
    }

    /** A statement's plan as the API answers it, ready for its checks. */
    static io.restassured.response.ValidatableResponse plan(String queryid) {
        return given().auth().oauth2("test-token").get("/api/v1/admin/database/performance/queries/" + queryid + "/plan")
                .then().log().ifValidationFails();
    }

    /**
     * The index analysis recomputed without HypoPG, then with it where the server has it ({@link
     * #hypopg}), by whether HypoPG was there; each says so.
     */
    static Map<Boolean, io.restassured.path.json.JsonPath> analyses(String database) throws SQLException {
        Map<Boolean, io.restassured.path.json.JsonPath> out = new java.util.LinkedHashMap<>();
        for (boolean hypo : new boolean[] {false, true}) {
            if (hypo && !hypopg(database)) {
                continue;
            }
            io.restassured.path.json.JsonPath a = given().auth().oauth2("test-token")
                    .get("/api/v1/admin/database/indexes/analysis?refresh=true").then().statusCode(200).extract().jsonPath();
            assertThat(a.getString("data.hypopg")).isIn(hypo ? java.util.List.of("installed")
                    : java.util.List.of("not_installed", "not_available"));
            out.put(hypo, a);
        }
        return out;
    }

    /**
     * The index analysis with HypoPG where the server has it: Debian's PostgreSQL 15, for which
     * {@code .ci/run} installs it, must; the zonky binaries of other majors have none, and say so.
     */
    static boolean hypopg(String database) throws SQLException {
        PgCluster pg = PgFixture.shared();
        try (Connection c = pg.connect(database)) {
            if (io.pgsidecar.testing.HypoPg.install(c)) {
                return true;
            }
        }
        assertThat(pg.majorVersion()).as("HypoPG for PostgreSQL 15 (postgresql-15-hypopg) is installed").isNotEqualTo(15);
        System.out.println("no HypoPG on PostgreSQL " + pg.majorVersion() + ": the analysis with hypothetical indexes is not run");
        return false;
    }

    /** The victim's session answers and is still listed by the server. */
    static void assertAlive(Connection victim) throws SQLException {
        try (Statement s = victim.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgs-victim'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the victim's session is still there").isEqualTo(1);
        }
    }

    static String idOf(StatementsSnapshot snap, String fragment) {
        return snap.statements().stream().filter(s -> s.query() != null && s.query().contains(fragment))
                .map(StatementsSnapshot.StatementStat::queryid).findFirst()
                .orElseThrow(() -> new AssertionError("no statement with " + fragment + " in " + snap.statements()));
    }
}
