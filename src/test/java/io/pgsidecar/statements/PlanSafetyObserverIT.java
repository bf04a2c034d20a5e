package io.pgsidecar.statements;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The attack of issue 21 against an agent with an observing login ({@code pg_monitor}, its schema,
 * and SET ROLE to the roles that run statements through a NOINHERIT role, as {@code pgsidecar grants}
 * prints it): mallory's statement is planned as mallory, so her function runs with her rights and
 * ends nobody; a statement of a role the login may not become is planned as the configured planner
 * role, and without one as the login itself, neither of which can act. Each plan, and the index
 * analysis with and without HypoPG, says as whom (and each plan with which search_path).
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(PlanAttack.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "login", value = "pgs_observer"),
        @ResourceArg(name = "password", value = PlanAttack.PASSWORD),
        @ResourceArg(name = "sql", value = PlanAttack.ROLES + PlanAttack.MALLORY + """
                GRANT pg_monitor TO pgs_observer;
                DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO pgs_observer', current_database()); END $$;
                GRANT pgs_planning TO pgs_observer;
                GRANT pgs_mallory TO pgs_planning;
                GRANT pgs_victim TO pgs_planning;
                GRANT SELECT ON public.loot TO pgs_victim;
                GRANT SELECT ON public.loot TO pgs_reader;
                GRANT SELECT ON public.loot TO pgs_stranger;
                GRANT pgs_reader TO pgs_planning;
                DO $$ BEGIN EXECUTE format('ALTER ROLE pgs_mallory IN DATABASE %I SET search_path = mallory_things, public',
                    current_database()); END $$;
                """)})
class PlanSafetyObserverIT {

    @Inject
    StatementsPoller poller;

    @Inject
    io.pgsidecar.plans.PlanHistory planHistory;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @BeforeEach
    void ready() {
        PlanAttack.awaitMigrated();
    }

    @Test
    void statementsArePlannedAsTheirOwnRoleOrAsALoginThatCannotAct() throws Exception {
        try (Connection victim = PlanAttack.as(database, "pgs_victim", "pgs-victim")) {
            poller.pollOnce();
            PlanAttack.malloryRuns(database);
            try (PreparedStatement ps = victim.prepareStatement("SELECT id FROM public.loot WHERE v = ?")) {
                ps.setInt(1, 7);
                ps.executeQuery().close();
            }
            try (Connection admin = io.pgsidecar.testing.PgFixture.shared().connect(database);
                 PreparedStatement ps = admin.prepareStatement("SELECT v FROM public.loot WHERE id > ?")) {
                ps.setInt(1, 90);
                ps.executeQuery().close();
            }
            // a role the login may not become runs mallory's function (a new login, say)
            try (Connection stranger = PlanAttack.as(database, "pgs_stranger", "stranger");
                 PreparedStatement ps = stranger.prepareStatement("SELECT public.evil() + id FROM public.loot WHERE id = ?")) {
                ps.setInt(1, 3);
                ps.executeQuery().close();
            }
            StatementsSnapshot snap = poller.pollOnce();

            String direct = PlanAttack.idOf(snap, "SELECT public.evil() FROM public.loot");
            PlanAttack.plan(direct).statusCode(200)
                    .body("data.planning.how", equalTo("statement_user"))
                    .body("data.planning.role", equalTo("pgs_mallory"))
                    .body("data.planning.search_path", containsString("mallory_things"));
            PlanAttack.assertAlive(victim);

            // mallory's function switches to the victim's role, which the login may become: refused inside the plan
            String hop = PlanAttack.idOf(snap, "SELECT public.hop() FROM public.loot");
            PlanAttack.plan(hop).statusCode(200)
                    .body("data.planning.role", equalTo("pgs_mallory"));
            PlanAttack.assertAlive(victim);

            String throughView = PlanAttack.idOf(snap, "FROM public.innocent");
            PlanAttack.plan(throughView).statusCode(200)
                    .body("data.planning.role", equalTo("pgs_mallory"));
            PlanAttack.assertAlive(victim);

            String victims = PlanAttack.idOf(snap, "SELECT id FROM public.loot WHERE v =");
            PlanAttack.plan(victims).statusCode(200)
                    .body("data.planning.role", equalTo("pgs_victim"));
            // a superuser's statement: the login may not become it, so it plans as the planner role
            // (pgsidecar.statements.planner-role), which reads and cannot act
            String superusers = PlanAttack.idOf(snap, "SELECT v FROM public.loot WHERE id >");
            PlanAttack.plan(superusers).statusCode(200)
                    .body("data.planning.how", equalTo("planner_role"))
                    .body("data.planning.role", equalTo("pgs_reader"))
                    .body("data.planning.detail", containsString("pgsidecar.statements.planner-role"));

            // the planner may read more than the stranger: a function of an untrusted owner is not run with its rights
            String strangers = PlanAttack.idOf(snap, "SELECT public.evil() + id FROM public.loot");
            PlanAttack.plan(strangers).statusCode(422)
                    .body("error.code", equalTo("not_explainable"))
                    .body("error.message", containsString("evil()"))
                    .body("error.message", containsString("with the rights of pgs_reader, which may read more"));
            PlanAttack.assertAlive(victim);

            // the index analysis plans them the same way, without HypoPG and then with it
            for (var pass : PlanAttack.analyses(database).entrySet()) {
                boolean hypo = pass.getKey();
                JsonPath a = pass.getValue();
                assertThat(a.getList("data.skipped", String.class)).as("hypopg " + hypo)
                        .noneSatisfy(s -> assertThat(s).startsWith(direct + ":"))
                        .anySatisfy(s -> assertThat(s).startsWith(strangers + ":").contains("evil()"));
                assertThat(a.getList("data.planned", String.class)).as("hypopg " + hypo).contains(
                        direct + ": planned as pgs_mallory (statement_user)",
                        victims + ": planned as pgs_victim (statement_user)",
                        superusers + ": planned as pgs_reader (planner_role)");
                PlanAttack.assertAlive(victim);
            }

            // the plan history plans them the same way, with who ran each taken from the snapshot
            io.pgsidecar.plans.PlanHistory.Run run = planHistory.recordTop();
            assertThat(run.skipped()).containsKey(strangers).doesNotContainKeys(direct, victims, superusers);
            assertThat(run.skipped().get(strangers)).contains("evil()");
            assertThat(planHistory.history(Long.parseLong(direct), 5).plans()).isNotEmpty()
                    .allSatisfy(v -> assertThat(v.plannedAs()).isEqualTo("pgs_mallory (statement_user)"));
            assertThat(planHistory.history(Long.parseLong(victims), 5).plans().get(0).plannedAs())
                    .isEqualTo("pgs_victim (statement_user)");
            PlanAttack.assertAlive(victim);

            // without a planner role to switch to, it plans as the login itself, which cannot act (and
            // here may not read the table: PostgreSQL says so after planning)
            try (Connection admin = io.pgsidecar.testing.PgFixture.shared().connect(database);
                 java.sql.Statement st = admin.createStatement()) {
                st.execute("REVOKE pgs_reader FROM pgs_planning");
            }
            PlanAttack.plan(superusers).statusCode(422)
                    .body("error.code", equalTo("not_explainable"))
                    .body("error.message", containsString("as pgs_observer"))
                    .body("error.message", containsString("permission denied"));
            PlanAttack.assertAlive(victim);
        }
    }
}
