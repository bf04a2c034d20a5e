package io.pgsidecar.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.config.ConfigProblems;
import io.pgsidecar.testing.TestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexesConfigCheckTest {

    @Test
    void defaultsPassAndEachBadKeyIsNamed() {
        ConfigProblems ok = new ConfigProblems();
        new IndexesConfigCheck(TestConfig.mapping(IndexesConfig.class, Map.of())).check(ok);
        assertThat(ok.list()).isEmpty();

        ConfigProblems p = new ConfigProblems();
        new IndexesConfigCheck(TestConfig.mapping(IndexesConfig.class, Map.of(
                "pgsidecar.indexes.top-statements", "900",
                "pgsidecar.indexes.min-cost-cut", "1.5",
                "pgsidecar.indexes.medium-priority-per-hour", "2m",
                "pgsidecar.indexes.lock-timeout", "0s"))).check(p);
        assertThat(p.list()).hasSize(4);
        assertThat(String.join("\n", p.list())).contains("pgsidecar.indexes.top-statements=900")
                .contains("pgsidecar.indexes.min-cost-cut").contains("medium-priority-per-hour")
                .contains("pgsidecar.indexes.lock-timeout");
    }
}
