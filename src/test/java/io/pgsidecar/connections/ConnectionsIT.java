package io.pgsidecar.connections;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import io.pgsidecar.AlertsOffSuiteIT;
import io.pgsidecar.testing.PgFixture;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Connections seen from the server: leaks are named with what a DBA needs to act on them. */
@Tag("by-version")
@QuarkusTest
@TestProfile(AlertsOffSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class,
        initArgs = @ResourceArg(name = "sqlResource", value = AlertsOffSuiteIT.SCHEMA))
class ConnectionsIT {

    @Inject
    ConnectionsPoller poller;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    Connection as(String app) throws Exception {
        return PgFixture.shared().connect(database, app);
    }

    @Test
    void aSessionLeftIdleInTransactionIsReportedWithItsAge() throws Exception {
        try (Connection leaky = as("leaky-app")) {
            leaky.setAutoCommit(false);
            try (Statement s = leaky.createStatement()) {
                s.executeQuery("SELECT 1").close();
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                ConnectionsSnapshot snap = poller.pollOnce();
                assertThat(snap.idleInTransaction()).anySatisfy(sess -> {
                    assertThat(sess.applicationName()).isEqualTo("leaky-app");
                    assertThat(sess.stateAgeSeconds()).isGreaterThanOrEqualTo(1.0);
                    assertThat(sess.clientAddress()).isNotNull();
                    assertThat(sess.pid()).isPositive();
                });
                assertThat(snap.longTransactions()).anySatisfy(sess ->
                        assertThat(sess.applicationName()).isEqualTo("leaky-app"));
            });
            given().auth().oauth2("test-token").when().get("/api/v1/admin/database/performance/connections")
                    .then().statusCode(200)
                    .body("data.server.idle_in_transaction.application_name", hasItem("leaky-app"))
                    .body("data.agent_pool.max", org.hamcrest.Matchers.equalTo(3));
            assertThat(given().get("/q/metrics").asString())
                    .containsPattern("pgsidecar_idle_in_transaction_sessions\\{[^}]*} [1-9]");
            leaky.rollback();
        }
        assertThat(poller.pollOnce().idleInTransaction()).noneSatisfy(sess ->
                assertThat(sess.applicationName()).isEqualTo("leaky-app"));
    }

    @Test
    void usageAndAPoolSizeSuggestionPerApplication() throws Exception {
        List<Connection> busy = new ArrayList<>();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Connection c = as("busy-app");
                busy.add(c);
                running.add(CompletableFuture.runAsync(() -> {
                    try (Statement s = c.createStatement()) {
                        s.executeQuery("SELECT pg_sleep(2)").close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                ConnectionsSnapshot snap = poller.pollOnce();
                assertThat(snap.byApplication()).anySatisfy(a -> {
                    assertThat(a.applicationName()).isEqualTo("busy-app");
                    assertThat(a.peakActive()).isEqualTo(4);
                    assertThat(a.recommendedPoolSize()).isEqualTo(4); // ceil(4 × 0.5) + 2
                    assertThat(a.basis()).contains("peak of 4");
                });
                assertThat(snap.usable()).isEqualTo(97);
                assertThat(snap.usageRatio()).isEqualTo(snap.total() / 97.0);
                assertThat(snap.agent()).as("the agent's own sessions, counted apart").isPositive();
                assertThat(snap.byApplication()).noneSatisfy(a -> assertThat(a.applicationName()).startsWith("pgsidecar"));
            });
            for (CompletableFuture<Void> f : running) {
                f.get(10, TimeUnit.SECONDS);
            }
            // the peak is remembered after the sessions went idle
            assertThat(poller.pollOnce().byApplication()).anySatisfy(a -> {
                assertThat(a.applicationName()).isEqualTo("busy-app");
                assertThat(a.active()).isZero();
                assertThat(a.peakActive()).isEqualTo(4);
            });
        } finally {
            for (Connection c : busy) {
                c.close();
            }
        }
    }
}
