package io.pgsidecar.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.pgsidecar.testing.PgFixture;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The attack of issue 21 against an agent whose login can act (the fixture's superuser, as many
 * first installs run it): neither the plan endpoint nor the index analysis, with or without HypoPG,
 * runs mallory's function; each says which function it would have run and why it did not plan. A
 * statement whose reach holds only trusted functions is still planned, and says it was screened.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(StatementsSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class,
        initArgs = @ResourceArg(name = "sql", value = StatementsSuiteIT.SQL))
class PlanSafetyIT {

    @Inject
    StatementsPoller poller;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @BeforeEach
    void ready() {
        PlanAttack.awaitMigrated();
    }

    @Test
    void aLoginThatCanActNeverPlansAStrangersFunction() throws Exception {
        try (Connection victim = PlanAttack.as(database, "pgs_victim", "pgs-victim")) {
            poller.pollOnce();
            PlanAttack.malloryRuns(database);
            StatementsSnapshot snap = poller.pollOnce();
            PlanAttack.assertAlive(victim);

            String direct = PlanAttack.idOf(snap, "SELECT public.evil() FROM public.loot");
            PlanAttack.plan(direct).statusCode(422)
                    .body("error.code", equalTo("not_explainable"))
                    .body("error.message", allOf(containsString("evil()"), containsString("pgs_mallory"),
                            containsString("called by name"), containsString("can act")));
            PlanAttack.assertAlive(victim);

            String throughView = PlanAttack.idOf(snap, "FROM public.innocent");
            PlanAttack.plan(throughView).statusCode(422)
                    .body("error.message", allOf(containsString("evil()"), containsString("used by a relation")));
            PlanAttack.assertAlive(victim);

            String benign = PlanAttack.idOf(snap, "SELECT v FROM public.loot");
            PlanAttack.plan(benign).statusCode(200)
                    .body("data.planning.how", equalTo("screened"))
                    .body("data.planning.role", equalTo("postgres"))
                    .body("data.planning.detail", containsString("can act"));

            // a function whose owner the agent is told to trust (plan-trusted-roles) is planned, screened
            String vetted = PlanAttack.idOf(snap, "SELECT public.vetted() + v FROM public.loot");
            PlanAttack.plan(vetted).statusCode(200)
                    .body("data.planning.how", equalTo("screened"));

            // the index analysis plans the top statements by itself: without HypoPG, then with it
            for (var pass : PlanAttack.analyses(database).entrySet()) {
                boolean hypo = pass.getKey();
                JsonPath a = pass.getValue();
                List<String> skipped = a.getList("data.skipped", String.class);
                assertThat(skipped).as("hypopg " + hypo).anySatisfy(s -> assertThat(s).startsWith(direct + ":")
                        .contains("evil()"));
                assertThat(skipped).anySatisfy(s -> assertThat(s).startsWith(throughView + ":").contains("evil()"));
                assertThat(a.getList("data.planned", String.class)).as("how the others were planned")
                        .contains(benign + ": planned as postgres (screened)", vetted + ": planned as postgres (screened)");
                PlanAttack.assertAlive(victim);
            }
        }
        try (Connection c = PgFixture.shared().connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                     + "'pgsidecar-planner'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("planning sessions are closed after use").isZero();
        }
    }
}
