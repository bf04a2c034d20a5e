package io.pgsidecar.partitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.AgentProcess;
import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two packaged agents with one partition set: the leader alone runs the job; after it is killed, the other does. */
class PartitionsPackagedIT {

    static long count(PgCluster pg, String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void oneAgentRunsThePartitionJob() throws Exception {
        PgCluster pg = PgFixture.shared();
        String db = PgFixture.freshDatabase("partition_agents");
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ev (id bigint, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at)");
        }
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", pg.databaseUrl(db));
        env.put("PGSIDECAR_LEADER_LEASE", "6s");
        env.put("PARTITIONING_ENABLED", "true");
        env.put("PARTITION_STRATEGIES", "[{\"table_name\": \"ev\", \"partition_type\": \"range\", \"partition_column\": "
                + "\"created_at\", \"strategy_config\": {\"interval\": \"month\", \"premake\": 3}}]");
        env.put("PGSIDECAR_PARTITIONS_INTERVAL", "2s");
        // looked at every second (10 s by default), so a run is due within a second of its interval
        env.put("PGSIDECAR_PARTITIONS_TICK", "1s");
        List<AgentProcess> agents = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                agents.add(AgentProcess.start("part-" + i, env));
            }
            for (AgentProcess a : agents) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> a.status("/q/health/ready") == 200 || !a.process().isAlive());
                assertThat(a.status("/q/health/ready")).as(a.output()).isEqualTo(200);
            }
            // a few runs (every 2 s, checked on the 1 s tick)
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    count(pg, db, "SELECT count(*) FROM pgsidecar.partition_jobs") >= 2);
            assertThat(count(pg, db, "SELECT count(DISTINCT instance) FROM pgsidecar.partition_jobs"))
                    .as("one agent runs the job").isEqualTo(1);
            assertThat(count(pg, db, "SELECT count(*) FROM pgsidecar.partition_jobs WHERE outcome <> 'ok'")).isZero();
            assertThat(count(pg, db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'ev'::regclass")).isEqualTo(4);
            AgentProcess leader = await().atMost(Duration.ofSeconds(20))
                    .until(() -> agents.stream().filter(AgentProcess::leads).findFirst().orElse(null), a -> a != null);
            String leaderName = "part-" + agents.indexOf(leader);
            assertThat(count(pg, db, "SELECT count(*) FROM pgsidecar.partition_jobs WHERE instance = '" + leaderName + "'"))
                    .isPositive();
            leader.kill();
            String other = leaderName.equals("part-0") ? "part-1" : "part-0";
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    count(pg, db, "SELECT count(*) FROM pgsidecar.partition_jobs WHERE instance = '" + other + "'") > 0);
            assertThat(count(pg, db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'ev'::regclass")).isEqualTo(4);
        } finally {
            agents.forEach(AgentProcess::close);
        }
    }
}
