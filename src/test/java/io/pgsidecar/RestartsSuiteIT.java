package io.pgsidecar;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * Tests that stop and start their server, or run maintenance that would reach other tests' tables:
 * one application on one server of their own, with a small pg_stat_statements (100 entries, which
 * only {@code EvictionAndRestartIT} reads) and maintenance configured as {@code MaintenanceIT} needs
 * it. Members run in class-name order ({@code ProbesIT} first, on a fresh server; each later one
 * waits for the agent to be ready again). See {@link DefaultAppSuiteIT} for how a suite shares one start.
 */
@Suite(failIfNoTests = false)
@SelectClasses(names = {"io.pgsidecar.health.ProbesIT", "io.pgsidecar.maintenance.MaintenanceIT",
    "io.pgsidecar.statements.EvictionAndRestartIT"})
public class RestartsSuiteIT {

    public static final String SETTINGS = "pg_stat_statements.max = 100";
    public static final String SQL = "CREATE TABLE events (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, "
            + "payload text)";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h",
                    "pgsidecar.maintenance.maintain-indexes.min-size", "1G",
                    "pgsidecar.maintenance.cleanup.rules",
                    "[{\"table\": \"public.events\", \"column\": \"created_at\", \"older_than\": \"30d\", \"batch_size\": 5000}]",
                    "pgsidecar.maintenance.connection-health.idle-in-transaction-threshold", "1s",
                    "pgsidecar.maintenance.connection-health.terminate-applications", "leaky-worker",
                    // the pauses between a busy table's attempts (1 s, 2 s by default) are not what the
                    // lock test proves: the attempts, each up to lock_timeout, and the item skipped by name
                    "pgsidecar.maintenance.lock-backoff", "250ms");
        }
    }
}
