package io.pgsidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicasJsonTest {

    @Test
    void theConfigurationGuideFormBecomesIndexedKeys() {
        Map<String, String> keys = ReplicasJson.expand("pgsidecar.replicas.list", """
                [{"name": "replica-a", "url": "postgresql://ro:pw@10.0.0.5:5432/app", "weight": 2, "max_lag_seconds": 5},
                 {"name": "replica-b", "url": "postgresql://ro:pw@10.0.0.6:5432/app", "max_lag_bytes": 1048576}]
                """);
        assertThat(keys).containsEntry("pgsidecar.replicas.list[0].name", "replica-a")
                .containsEntry("pgsidecar.replicas.list[0].weight", "2")
                .containsEntry("pgsidecar.replicas.list[0].max-lag-seconds", "5")
                .containsEntry("pgsidecar.replicas.list[1].max-lag-bytes", "1048576")
                .hasSize(7);
    }

    @Test
    void badJsonSaysWhatIsWrong() {
        assertThatThrownBy(() -> ReplicasJson.expand("k", "[{name: 1")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ReplicasJson.expand("k", "{\"name\":\"a\"}")).hasMessageContaining("list");
        assertThatThrownBy(() -> ReplicasJson.expand("k", "[{\"url\":\"postgresql://h/db\"}]")).hasMessageContaining("no name");
        assertThatThrownBy(() -> ReplicasJson.expand("k", "[{\"name\":\"a\",\"url\":\"x\",\"weigth\":1}]"))
                .hasMessageContaining("unknown field 'weigth'");
        assertThatThrownBy(() -> ReplicasJson.expand("k", "[{\"name\":\"a\",\"url\":\"x\",\"weight\":\"heavy\"}]"))
                .hasMessageContaining("weight must be a number");
    }

    @Test
    void anEmptyListIsNoReplicas() {
        assertThat(ReplicasJson.expand("k", "[]")).isEmpty();
    }
}
