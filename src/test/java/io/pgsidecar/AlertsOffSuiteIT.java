package io.pgsidecar;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * Tests that poll when they choose, with alerts off: one application on a fresh database of the
 * fork's shared server, upgraded from the previous release's schema ({@code PreviousReleaseSchemaIT}
 * checks the upgrade; the others only wait for it), texts read every 10 s ({@code TextFetchIT}),
 * short idle and long transaction thresholds ({@code ConnectionsIT}, {@code AlertsDisabledIT}).
 * Each member's sessions carry their own application names. See {@link DefaultAppSuiteIT} for how
 * a suite shares one start.
 */
@Suite(failIfNoTests = false)
@SelectClasses(names = {"io.pgsidecar.alerts.AlertsDisabledIT", "io.pgsidecar.connections.ConnectionsIT",
    "io.pgsidecar.db.PreviousReleaseSchemaIT", "io.pgsidecar.statements.TextFetchIT"})
public class AlertsOffSuiteIT {

    /** The agent's schema as the previous release left it. */
    public static final String SCHEMA = "db/previous-release/pgsidecar-schema.sql";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("DB_ALERTS_ENABLED", "false",
                    "pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h",
                    "pgsidecar.statements.text-fetch-interval", "10s",
                    "pgsidecar.connections.idle-in-transaction-threshold", "1s",
                    "pgsidecar.connections.long-transaction-threshold", "1s",
                    "pgsidecar.alerts.rules.IdleInTransaction.warning", "0.5");
        }
    }
}
