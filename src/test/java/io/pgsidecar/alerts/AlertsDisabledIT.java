package io.pgsidecar.alerts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;

import io.pgsidecar.AlertsOffSuiteIT;
import io.pgsidecar.connections.ConnectionsPoller;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** DB_ALERTS_ENABLED=false: nothing is evaluated, stored or sent, and the API says so. */
@QuarkusTest
@TestProfile(AlertsOffSuiteIT.Profile.class)
@WithTestResource(value = PgTestResource.class,
        initArgs = @ResourceArg(name = "sqlResource", value = AlertsOffSuiteIT.SCHEMA))
class AlertsDisabledIT {

    @Inject
    AlertEngine engine;
    @Inject
    ConnectionsPoller connections;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    @Test
    void theEngineIsOffAndSaysSo() throws Exception {
        try (Connection c = PgFixture.shared().connect(database, "ignored-app")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1").close();
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !connections.pollOnce().idleInTransaction().isEmpty());
            assertThat(engine.evaluate()).isEmpty();
        }
        given().auth().oauth2("test-token").when().get("/api/v1/admin/database/alerts").then().statusCode(200)
                .body("data.size()", org.hamcrest.Matchers.equalTo(0));
        given().auth().oauth2("test-token").when().get("/api/v1/admin/database/alerts/rules").then().statusCode(200)
                .body("data.evaluated_by", startsWith("nobody: alerts are disabled"));
    }
}
