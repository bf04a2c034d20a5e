package io.pgsidecar.leader;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeaderKeyTest {

    @Test
    void keyIsStablePerSchemaAndDiffersBetweenSchemas() {
        assertThat(LeaderService.defaultKey("pgsidecar")).isEqualTo(LeaderService.defaultKey("pgsidecar"));
        assertThat(LeaderService.defaultKey("pgsidecar")).isNotEqualTo(LeaderService.defaultKey("other"));
        assertThat(LeaderService.defaultKey("pgsidecar") >>> 32).isEqualTo(0x70677363L);
    }
}
