package io.pgsidecar.alerts;

import io.pgsidecar.leader.LeaderService;
import io.pgsidecar.connections.ConnectionsPoller;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgTestResource;
import io.pgsidecar.testing.Sample;
import io.pgsidecar.testing.Workload;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Cost of one alert evaluation on the leader with a large snapshot: every statement of a 5,000-
 * statement interval breaches SlowQuery (threshold 1 µs), so the rule grades 5,000 observations and
 * the engine keeps its 20 worst as firing alerts. Prints figures; run it on its own:
 * {@code ./mvnw -B test -Dtest=AlertEvaluationBenchmark} (not part of verify).
 */
@QuarkusTest
@TestProfile(AlertEvaluationBenchmark.Profile.class)
@QuarkusTestResource(value = PgTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "own", value = "true"),
        @ResourceArg(name = "settings", value = "pg_stat_statements.max = 10000;pg_stat_statements.track_utility = off")})
class AlertEvaluationBenchmark {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.alerts.evaluation-interval", "1h",
                    "SLOW_QUERY_THRESHOLD", "0.000001", "quarkus.log.category.\"io.pgsidecar\".level", "WARN");
        }
    }

    static final int ROUNDS = 15;
    static final int STATEMENTS = 5_000;

    @Inject
    AlertEngine engine;
    @Inject
    StatementsPoller statements;
    @Inject
    ConnectionsPoller connections;
    @Inject
    LeaderService leader;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void evaluationCost() throws Exception {
        PgCluster pg = PgTestResource.ownCluster();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!leader.isLeader() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        try (Connection c = pg.connect(database)) {
            Workload.wideTable(c, "wide", 100);
            Workload.distinctStatements(c, "wide", 100, 0, STATEMENTS);
        }
        statements.pollOnce();
        try (Connection c = pg.connect(database)) {
            Workload.distinctStatements(c, "wide", 100, 0, STATEMENTS);
        }
        statements.pollOnce();
        connections.pollOnce();
        int inSnapshot = statements.latest().statements().size();
        Sample first = Sample.measure(engine::evaluate);
        List<Sample> steady = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            steady.add(Sample.measure(engine::evaluate));
        }
        long firing = engine.evaluate().stream().filter(a -> a.state() == AlertState.FIRING).count();
        Sample s = Sample.median(steady);
        System.out.printf("%nPostgreSQL %d, alert evaluation (%d statements in the snapshot, %d alerts firing, %d rules)%n",
                pg.majorVersion(), inSnapshot, firing, engine.rules().size());
        System.out.printf("%-34s %10s %10s %12s%n", "what", "wall ms", "cpu ms", "alloc KiB");
        System.out.printf("%-34s %10.2f %10.2f %12.0f%n", "first (20 alerts fire, stored)", first.wallMs(),
                first.cpuMs(), first.allocKb());
        System.out.printf("%-34s %10.2f %10.2f %12.0f%n", "steady state (median of " + ROUNDS + ")", s.wallMs(),
                s.cpuMs(), s.allocKb());
    }
}
