package io.pgsidecar.db;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.pgsidecar.LegacyNamesSuiteIT;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The pool honours the legacy environment names, and every session it opens carries the agent's
 * limits, as seen by the server itself.
 */
@Tag("by-version")
@QuarkusTest
@TestProfile(LegacyNamesSuiteIT.Profile.class)
@WithTestResource(PgTestResource.class)
class SessionAndAliasesIT {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DirectConnections directConnections;

    @Test
    void legacyNamesDriveThePool() {
        var cfg = dataSource.getConfiguration().connectionPoolConfiguration();
        assertThat(cfg.maxSize()).isEqualTo(2);
        assertThat(cfg.acquisitionTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(cfg.maxLifetime()).isEqualTo(Duration.ofMinutes(10));
        given().auth().oauth2("test-token").get("/api/v1/admin/database/pool").then().body("data.max", equalTo(2));
    }

    @Test
    void everySessionCarriesTheAgentsLimits() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('application_name'), "
                     + "current_setting('statement_timeout'), current_setting('lock_timeout'), "
                     + "current_setting('idle_in_transaction_session_timeout')")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("pgsidecar");
            assertThat(rs.getString(2)).isEqualTo("7s");
            assertThat(rs.getString(3)).isEqualTo("2s");
            assertThat(rs.getString(4)).isEqualTo("1min");
        }
    }

    /**
     * Keepalives must be in force from the login on (source {@code client}: the startup packet), so a
     * session whose first SET is lost to a partition still ends on the server within seconds.
     */
    @Test
    void keepalivesArriveWithTheLogin() throws Exception {
        try (Connection pooled = dataSource.getConnection();
             Connection direct = directConnections.open("pgsidecar-test", Duration.ofSeconds(5))) {
            for (Connection c : new Connection[] {pooled, direct}) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name, setting, source"
                        + " FROM pg_settings WHERE name LIKE 'tcp_keepalives_%' ORDER BY name")) {
                    StringBuilder seen = new StringBuilder();
                    while (rs.next()) {
                        seen.append(rs.getString(1)).append('=').append(rs.getString(2)).append('/')
                                .append(rs.getString(3)).append(' ');
                    }
                    assertThat(seen.toString().trim()).isEqualTo("tcp_keepalives_count=3/client "
                            + "tcp_keepalives_idle=5/client tcp_keepalives_interval=2/client");
                }
            }
        }
        assertThat(ConfigProvider.getConfig().getValue(
                "quarkus.datasource.jdbc.additional-jdbc-properties.options", String.class))
                .isEqualTo(SessionSettings.STARTUP_OPTIONS);
    }

    @Test
    void aStatementOverTheTimeoutIsCancelled() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = '200ms'");
            long t0 = System.nanoTime();
            try {
                s.execute("SELECT pg_sleep(5)");
                throw new AssertionError("pg_sleep(5) was not cancelled");
            } catch (java.sql.SQLException e) {
                assertThat(e.getSQLState()).isEqualTo("57014");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            s.execute("RESET statement_timeout");
        }
    }
}
