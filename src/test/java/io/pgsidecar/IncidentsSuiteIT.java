package io.pgsidecar;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * The incident tests: one application with signalling on and the incident rules firing at once, on
 * a fresh database of the fork's server. Each class asserts only on its own tables and sessions. See
 * {@link DefaultAppSuiteIT} for how a suite shares one start.
 */
@Suite(failIfNoTests = false)
@SelectClasses(names = {"io.pgsidecar.activity.ActivityIT", "io.pgsidecar.capacity.CapacityIT"})
public class IncidentsSuiteIT {

    /** The members' tables, made before the agent starts. */
    public static final String SQL = "CREATE TABLE chain_t (id int PRIMARY KEY, v int); INSERT INTO chain_t VALUES (1, 0); "
            // CapacityIT: an integer column fed by a bigint sequence, a table to vacuum, a table to bloat
            + "CREATE SEQUENCE wide_seq AS bigint; "
            + "CREATE TABLE narrow_ids (id integer NOT NULL DEFAULT nextval('wide_seq'), v int); "
            + "CREATE TABLE vac_t (id bigint, note text); "
            + "INSERT INTO vac_t SELECT g, repeat('x', 200) FROM generate_series(1, 200000) g; "
            + "CREATE TABLE bloat_t (id bigint, note text) WITH (autovacuum_enabled = false); "
            + "INSERT INTO bloat_t SELECT g, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, 100000) g";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgsidecar.activity.signal-sessions", "true",
                    "pgsidecar.alerts.rules.BlockingChain.for", "0s",
                    "pgsidecar.alerts.evaluation-interval", "1h",
                    "pgsidecar.statements.interval", "1h",
                    "pgsidecar.capacity.interval", "1h", "pgsidecar.capacity.size-interval", "1h");
        }
    }
}
