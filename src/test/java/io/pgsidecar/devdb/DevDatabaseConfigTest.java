package io.pgsidecar.devdb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The embedded run points the agent at its primary and configures its streaming replica as a read replica. */
class DevDatabaseConfigTest {

    @Test
    void theEmbeddedReplicaIsAReadReplica() {
        var p = DevDatabaseConfigSourceFactory.properties("15432", "15433");
        assertThat(p).containsEntry("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:15432/app")
                .containsEntry("pgsidecar.replicas.list[0].name", "embedded-replica")
                .containsEntry("pgsidecar.replicas.list[0].url", "postgresql://postgres:postgres@127.0.0.1:15433/app");
    }

    @Test
    void withoutAReplicaNoneIsConfigured() {
        assertThat(DevDatabaseConfigSourceFactory.properties("15432", ""))
                .doesNotContainKey("pgsidecar.replicas.list[0].name");
    }
}
