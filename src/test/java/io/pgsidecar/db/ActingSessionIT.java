package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import io.pgsidecar.testing.TestConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The acting session every acting feature works on, seen from the server: its name, limits and
 * keepalives, the acting role, the advisory locks under the keys earlier releases took (a rolling
 * upgrade relies on them), and a busy lock retried and given up naming its holder.
 */
class ActingSessionIT {

    private static PgCluster pg;
    private static String db;

    @BeforeAll
    static void database() throws SQLException {
        pg = PgFixture.shared();
        db = PgFixture.freshDatabase("acting_session");
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE acting_session_role NOLOGIN");
            s.execute("CREATE TABLE busy (id int)");
        }
    }

    private static ActingSessions acting(Map<String, String> actingConfig) {
        DirectConnections direct = new DirectConnections(Optional.of(pg.jdbcUrl(db)), Optional.of(PgCluster.USER),
                Optional.of(PgCluster.PASSWORD), TestConfig.mapping(DbConfig.class, Map.of()));
        return new ActingSessions(TestConfig.mapping(ActingConfig.class, actingConfig), direct);
    }

    @Test
    void aSessionCarriesItsNameLimitsAndKeepalivesAndKnowsItself() throws Exception {
        try (ActingSession s = acting(Map.of()).session("pgsidecar-test-acting", Duration.ofSeconds(7),
                Duration.ofMillis(1500));
             Statement st = s.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('application_name'), "
                     + "current_setting('statement_timeout'), current_setting('lock_timeout'), "
                     + "current_setting('tcp_keepalives_idle'), pg_backend_pid(), "
                     + "current_setting('server_version_num')::int, pg_is_in_recovery()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("pgsidecar-test-acting");
            assertThat(rs.getString(2)).isEqualTo("7s");
            assertThat(rs.getString(3)).isEqualTo("1500ms");
            assertThat(rs.getString(4)).isEqualTo("5");
            assertThat(s.pid()).isEqualTo(rs.getInt(5));
            assertThat(s.version()).isEqualTo(rs.getInt(6));
            assertThat(s.standby()).isEqualTo(rs.getBoolean(7)).isFalse();
            assertThat(s.aliveAt()).isNotNull();
            assertThat(s.connection().getAutoCommit()).as("autocommit: a concurrent detach needs it").isTrue();
            s.statementTimeout(Duration.ofMinutes(2));
            s.set("vacuum_cost_limit", "300");
            assertThat(s.text("SELECT current_setting('statement_timeout')")).isEqualTo("2min");
            assertThat(s.count("SELECT current_setting('vacuum_cost_limit')::int")).isEqualTo(300);
            assertThat(s.valid()).isTrue();
        }
    }

    @Test
    void withAnActingRoleTheSessionActsAsIt() throws Exception {
        try (ActingSession s = acting(Map.of("pgsidecar.acting.role", "acting_session_role"))
                .session("pgsidecar-test-acting", Duration.ofSeconds(5), Duration.ofSeconds(1))) {
            assertThat(s.text("SELECT current_user")).isEqualTo("acting_session_role");
        }
    }

    @Test
    void advisoryLocksAreTheWrittenKeysAndGoWithTheSession() throws Exception {
        ActingSessions acting = acting(Map.of());
        try (ActingSession a = acting.session("pgsidecar-test-a", Duration.ofSeconds(5), Duration.ofSeconds(1));
             ActingSession b = acting.session("pgsidecar-test-b", Duration.ofSeconds(5), Duration.ofSeconds(1))) {
            assertThat(a.tryLock(AdvisoryLockKeys.PARTITIONS, "public.events")).isTrue();
            assertThat(b.tryLock(AdvisoryLockKeys.PARTITIONS, "public.events")).as("held by a").isFalse();
            assertThat(b.count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = "
                    + AdvisoryLockKeys.PARTITIONS + " AND objid = hashtext('public.events')::oid AND objsubid = 2 "
                    + "AND pid = " + a.pid())).as("the key earlier releases take").isEqualTo(1);
            a.unlock(AdvisoryLockKeys.PARTITIONS, "public.events");
            assertThat(b.tryLock(AdvisoryLockKeys.PARTITIONS, "public.events")).as("released").isTrue();

            assertThat(a.tryLock(AdvisoryLockKeys.MAINTENANCE, 7)).isTrue();
            assertThat(b.tryLock(AdvisoryLockKeys.MAINTENANCE, 7)).isFalse();
            assertThat(b.lockHolder(AdvisoryLockKeys.MAINTENANCE, 7)).contains(a.pid());
            assertThat(b.lockHolder(AdvisoryLockKeys.MAINTENANCE, 8)).isEmpty();
            a.close();
            assertThat(a.valid()).isFalse();
            assertThat(b.tryLock(AdvisoryLockKeys.MAINTENANCE, 7)).as("the lock went with a's session").isTrue();
        }
    }

    @Test
    void aBusyLockIsRetriedAndGivenUpNamingItsHolder() throws Exception {
        try (Connection holder = pg.connect(db, "busy-holder");
             ActingSession s = acting(Map.of()).session("pgsidecar-test-acting", Duration.ofSeconds(5),
                     Duration.ofMillis(100));
             Connection observer = pg.connect(db)) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE");
            }
            int[] tries = {0};
            assertThatThrownBy(() -> new LockRetry(2, Duration.ofMillis(100), Duration.ofMillis(10)).run(() -> {
                tries[0]++;
                s.execute("ALTER TABLE busy ADD COLUMN note text");
                return null;
            }, "public.busy", () -> {
                try {
                    return LockHolders.describe(observer, "public.busy", s.pid());
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            })).isInstanceOf(LockRetry.Blocked.class)
                    .hasMessageMatching("lock not available after 2 attempts of 100 ms on public\\.busy: pid \\d+ "
                            + "\\(application_name 'busy-holder'\\) holds AccessExclusiveLock for \\d+ s");
            assertThat(tries[0]).isEqualTo(2);
            holder.rollback();
            new LockRetry(2, Duration.ofMillis(100), Duration.ofMillis(10)).run(() -> {
                s.execute("ALTER TABLE busy ADD COLUMN note text");
                return null;
            }, "public.busy", () -> "nobody");
            assertThat(s.count("SELECT count(*) FROM pg_attribute WHERE attrelid = 'busy'::regclass "
                    + "AND attname = 'note'")).isEqualTo(1);
        }
    }
}
