package io.pgsidecar.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two candidates, one database: exactly one leads, and the other takes over when it dies. */
class LeaderElectorIT {

    static final Duration LEASE = Duration.ofSeconds(15);
    static final long KEY = LeaderService.defaultKey("pgsidecar_leader_test");

    @Test
    void exactlyOneLeaderAndTakeoverWithinOneLeaseAfterTheLeaderSessionIsKilled() throws Exception {
        PgCluster pg = PgFixture.shared();
        String db = PgFixture.freshDatabase("leader");
        LeaderElector a = elector(pg, db, "cand-a");
        LeaderElector b = elector(pg, db, "cand-b");
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
        try {
            long period = LEASE.toMillis() / 3;
            ticks.scheduleWithFixedDelay(a::tick, 0, period, TimeUnit.MILLISECONDS);
            ticks.scheduleWithFixedDelay(b::tick, 0, period, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> a.state().leader() || b.state().leader());
            // several ticks later there is still exactly one
            for (int i = 0; i < 3; i++) {
                a.tick();
                b.tick();
                assertThat(a.state().leader() ^ b.state().leader()).as("exactly one leader").isTrue();
            }
            LeaderElector leader = a.state().leader() ? a : b;
            LeaderElector follower = leader == a ? b : a;
            String leaderApp = leader == a ? "cand-a" : "cand-b";

            long killedAt = System.nanoTime();
            try (Connection admin = pg.connect(db); Statement s = admin.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         + "WHERE application_name = '" + leaderApp + "'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            await().atMost(LEASE).pollInterval(Duration.ofMillis(100)).until(() -> follower.state().leader());
            Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
            System.out.printf("leader takeover %d ms after the leader session was terminated%n", takeover.toMillis());
            assertThat(takeover).isLessThanOrEqualTo(LEASE);
            // the old leader notices it lost its session, steps down and stays a follower
            await().atMost(LEASE).until(() -> !leader.state().leader());
            leader.tick();
            assertThat(leader.state().leader()).isFalse();
            assertThat(follower.state().leader()).isTrue();
        } finally {
            ticks.shutdownNow();
            ticks.awaitTermination(5, TimeUnit.SECONDS);
            a.resign(Duration.ZERO);
            b.resign(Duration.ZERO);
        }
    }

    @Test
    void resignHandsOverAndHoldsOff() {
        PgCluster pg = PgFixture.shared();
        String db = PgFixture.freshDatabase("leader_resign");
        LeaderElector a = elector(pg, db, "res-a");
        LeaderElector b = elector(pg, db, "res-b");
        try {
            assertThat(a.tick().leader()).isTrue();
            assertThat(b.tick().leader()).isFalse();
            a.resign(Duration.ofMinutes(1));
            assertThat(a.tick().leader()).as("held off").isFalse();
            assertThat(b.tick().leader()).isTrue();
        } finally {
            a.resign(Duration.ZERO);
            b.resign(Duration.ZERO);
        }
    }

    @Test
    void unreachableDatabaseMeansFollowerWithTheReason() {
        LeaderElector e = new LeaderElector(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/x",
                "postgres", "postgres"), KEY, Clock.systemUTC(), Duration.ofSeconds(10), x -> { });
        LeaderElector.State s = e.tick();
        assertThat(s.leader()).isFalse();
        assertThat(s.lastError()).get().asString().containsIgnoringCase("connection");
    }

    private static LeaderElector elector(PgCluster pg, String db, String appName) {
        return new LeaderElector(() -> pg.connect(db, appName), KEY, Clock.systemUTC(), Duration.ofSeconds(10), x -> { });
    }
}
