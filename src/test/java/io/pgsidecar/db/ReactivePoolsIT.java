package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgsidecar.testing.PgCluster;
import io.pgsidecar.testing.PgFixture;
import io.pgsidecar.testing.PgTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Reactive pools made at run time talk to a real server with the agent's session limits. */
@QuarkusTest
@WithTestResource(PgTestResource.class) // shared with the classes of DefaultAppSuiteIT
class ReactivePoolsIT {

    @Inject
    ReactivePools pools;

    @ConfigProperty(name = "pgsidecar.test.database")
    String database;

    ReactivePools.Spec spec(String name, String password) {
        PgCluster pg = PgFixture.shared();
        return new ReactivePools.Spec(name, pg.host(), pg.port(), database, PgCluster.USER, password, 2,
                Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMinutes(1), Duration.ofMinutes(10));
    }

    @Test
    void sessionsCarryTheAgentsSettings() throws Exception {
        Pool pool = pools.create(spec("it-ok", PgCluster.PASSWORD));
        try {
            RowSet<Row> rows = pool.query("SELECT current_setting('application_name') AS app, "
                    + "current_setting('statement_timeout') AS st").execute()
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Row row = rows.iterator().next();
            assertThat(row.getString("app")).isEqualTo("pgsidecar");
            assertThat(row.getString("st")).isEqualTo("3s");
        } finally {
            pools.close("it-ok");
        }
    }

    @Test
    void wrongPasswordFailsClearlyAndTheSpecHidesIt() {
        ReactivePools.Spec bad = spec("it-bad", "not-the-password");
        assertThat(bad.toString()).doesNotContain("not-the-password");
        Pool pool = pools.create(bad);
        try {
            assertThatThrownBy(() -> pool.query("SELECT 1").execute().toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("password authentication failed");
        } finally {
            pools.close("it-bad");
        }
    }
}
