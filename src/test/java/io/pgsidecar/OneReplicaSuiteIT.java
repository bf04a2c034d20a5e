package io.pgsidecar;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * Tests that need a streaming replica: one application on one server of their own with one
 * replica ({@code r1}), and every member's tables. Members run in class-name order
 * ({@code EveryRouteIT} first, so the examples it compares shapes with are taken before others add
 * rows, silences or audit entries); each asserts only on what its own names mark. See
 * {@link DefaultAppSuiteIT} for how a suite shares one start.
 */
@Suite(failIfNoTests = false)
@SelectClasses(names = {"io.pgsidecar.admin.EveryRouteIT", "io.pgsidecar.admin.StatusPageIT",
    "io.pgsidecar.cli.CliIT", "io.pgsidecar.indexes.IndexesReplicaIT"})
public class OneReplicaSuiteIT {

    /** READ_REPLICAS: the one replica. */
    public static final String REPLICAS = "[{\"name\":\"r1\",\"url\":\"postgresql://postgres:postgres@127.0.0.1:{p1}/app\"}]";

    /** The members' tables, made before the agent starts. */
    public static final String SQL =
            // EveryRouteIT: a partitioned table for the partition routes
            "CREATE TABLE events (id bigint, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at); "
            + "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01 00:00+00') "
            + "TO ('2026-01-01 00:00+00'); "
            // StatusPageIT: the workload the page shows
            + "CREATE TABLE page_items (id bigint PRIMARY KEY, v text); "
            + "INSERT INTO page_items SELECT g, 'item ' || g FROM generate_series(1, 5000) g; "
            // CliIT
            + "CREATE TABLE items (id bigint PRIMARY KEY, v text); "
            + "CREATE TABLE logs (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at); "
            // IndexesReplicaIT: indexes scanned only on the replica
            + "CREATE TABLE lookups (id bigint PRIMARY KEY, code int, tag int, ref int); "
            + "INSERT INTO lookups SELECT g, g % 500, g % 70, g FROM generate_series(1, 20000) g; "
            + "CREATE INDEX lookups_code ON lookups (code); CREATE INDEX lookups_tag ON lookups (tag); "
            + "CREATE UNIQUE INDEX lookups_ref ON lookups (ref); ANALYZE lookups";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h",
                    // CliIT's replica-health-check reads a recent probe
                    "pgsidecar.replicas.interval", "2s",
                    // IndexesReplicaIT: every index counts, however small and new its statistics
                    "pgsidecar.indexes.refresh-min-interval", "0s", "pgsidecar.indexes.unused-min-size", "0",
                    "pgsidecar.indexes.unused-min-statistics-age", "0s");
        }
    }
}
