package io.pgsidecar.statements;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The poller picks the statements of the API's other top lists (for their texts) without sorting all. */
class TopListTest {

    @Test
    void theHighestByEachMeasureWhateverTheOrder() {
        List<StatementDelta> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // calls fall as i grows, mean time rises
            all.add(SnapshotAssemblerTest.delta(i, 1000 - i, (i + 1) * (1000.0 - i), 1));
        }
        assertThat(StatementsPoller.top(all, StatementDelta::calls, 10))
                .extracting(d -> d.key().queryid()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(StatementsPoller.top(all, StatementDelta::meanMs, 3))
                .extracting(d -> d.key().queryid()).containsExactlyInAnyOrder(497L, 498L, 499L);
        assertThat(StatementsPoller.top(List.of(), StatementDelta::rows, 10)).isEmpty();
    }
}
