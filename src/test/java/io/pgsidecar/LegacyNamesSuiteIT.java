package io.pgsidecar;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * The agent configured through the legacy environment names ({@code DB_POOL_SIZE} and its
 * siblings: a pool of two, {@code SessionAndAliasesIT} checks each), with a freeze threshold so low
 * that a table a few thousand transactions old is vacuumed with FREEZE ({@code MaintenanceFreezeIT}):
 * one application on a database of the fork's shared server. See {@link DefaultAppSuiteIT} for how a
 * suite shares one start.
 */
@Suite(failIfNoTests = false)
@SelectClasses(names = {"io.pgsidecar.db.SessionAndAliasesIT", "io.pgsidecar.maintenance.MaintenanceFreezeIT"})
public class LegacyNamesSuiteIT {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("DB_POOL_SIZE", "2", "DB_POOL_TIMEOUT", "1.5", "DB_POOL_RECYCLE", "600",
                    "DB_POOL_PRE_PING", "false", "pgsidecar.db.statement-timeout", "7s",
                    "pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h",
                    "pgsidecar.maintenance.vacuum.freeze-age-share", "0.00001");
        }
    }
}
