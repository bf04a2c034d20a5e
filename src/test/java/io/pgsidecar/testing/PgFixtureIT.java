package io.pgsidecar.testing;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The fixture gives what tests rely on: a primary with pg_stat_statements, and a streaming replica. */
@Tag("by-version")
class PgFixtureIT {

    @Test
    void primaryHasPgStatStatementsPreloaded() throws Exception {
        try (Connection c = PgFixture.shared().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW shared_preload_libraries")) {
            rs.next();
            assertThat(rs.getString(1)).contains("pg_stat_statements");
        }
        String expected = System.getProperty("pg.major", "");
        if (!expected.isBlank()) {
            assertThat(PgFixture.shared().majorVersion()).isEqualTo(Integer.parseInt(expected));
        }
    }

    @Test
    void replicaStreamsFromItsPrimaryAndSurvivesARestart() throws Exception {
        try (PgCluster primary = PgFixture.newPrimary(); PgCluster replica = primary.newReplica()) {
            try (Connection c = primary.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int)");
                s.execute("INSERT INTO t SELECT generate_series(1, 100)");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> count(replica) == 100);
            try (Connection c = replica.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), status FROM pg_stat_wal_receiver")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
                assertThat(rs.getString(2)).isEqualTo("streaming");
            }
            int port = replica.port();
            replica.stop();
            replica.start();
            assertThat(replica.port()).isEqualTo(port);
            try (Connection c = primary.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO t SELECT generate_series(101, 150)");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> count(replica) == 150);
        }
    }

    private static long count(PgCluster pg) {
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }
}
