package io.pgsidecar;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * The partition tests: one application with partitioning on and every table's strategy, on one
 * server of its own (the tests hold locks that block DDL, and install pg_partman). Each class
 * asserts only on its own tables. See {@link DefaultAppSuiteIT} for how a suite shares one start.
 */
@Suite(failIfNoTests = false)
@SelectClasses(names = {"io.pgsidecar.partitions.PartitionsIT", "io.pgsidecar.partitions.PartmanIT"})
public class PartitionsSuiteIT {

    /** The members' tables, made before the agent starts. */
    public static final String SQL = "CREATE TABLE metrics (id bigint, created_at timestamptz NOT NULL, v int) "
            + "PARTITION BY RANGE (created_at); CREATE INDEX ON metrics (created_at); "
            + "CREATE TABLE daily (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at); "
            + "CREATE TABLE logs (id bigint, day date NOT NULL) PARTITION BY RANGE (day); "
            + "CREATE TABLE blocked (id bigint, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at); "
            + "CREATE TABLE blocked_default PARTITION OF blocked DEFAULT; "
            + "INSERT INTO blocked VALUES (1, now() + interval '40 days'); "
            + "CREATE TABLE pending_t (id bigint, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at); "
            + "CREATE TABLE plain_t (id bigint, created_at timestamptz NOT NULL); "
            // PartmanIT: pm_a is pg_partman's, sc_a the agent's with the same ranges
            + "CREATE TABLE pm_a (id bigint, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at); "
            + "CREATE TABLE sc_a (id bigint, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at)";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.statements.interval", "1h", "pgsidecar.connections.interval", "1h",
                    "PARTITIONING_ENABLED", "true",
                    "PARTITION_STRATEGIES", "["
                            + "{\"table_name\": \"metrics\", \"partition_type\": \"range\", \"partition_column\": "
                            + "\"created_at\", \"strategy_config\": {\"interval\": \"month\"}},"
                            + "{\"table_name\": \"daily\", \"partition_column\": \"at\", \"strategy_config\": "
                            + "{\"interval\": \"day\", \"premake\": 3, \"time_zone\": \"Europe/Berlin\"}},"
                            + "{\"table_name\": \"logs\", \"partition_column\": \"day\", \"strategy_config\": "
                            + "{\"interval\": \"month\", \"premake\": 2, \"retention\": \"drop\", \"retention_months\": 2}},"
                            + "{\"table_name\": \"blocked\", \"partition_column\": \"created_at\", \"strategy_config\": "
                            + "{\"interval\": \"month\", \"premake\": 2}},"
                            + "{\"table_name\": \"pending_t\", \"partition_column\": \"created_at\", \"strategy_config\": "
                            + "{\"interval\": \"month\", \"premake\": 1}},"
                            + "{\"table_name\": \"sc_a\", \"partition_type\": \"range\", \"partition_column\": "
                            + "\"created_at\", \"strategy_config\": {\"interval\": \"month\", \"premake\": 4}}]",
                    "pgsidecar.partitions.lock-timeout", "1s", "pgsidecar.partitions.lock-backoff", "200ms");
        }
    }
}
