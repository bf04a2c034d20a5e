package io.pgsidecar.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When batched pruning stops: after the first short batch, or at the cap. */
class BatchedPruneTest {

    /** A table of {@code rows} old rows, deleted {@code limit} at a time; records each batch's count. */
    static final class Backlog implements BatchedPrune.Batch {
        int rows;
        final List<Integer> batches = new ArrayList<>();

        Backlog(int rows) {
            this.rows = rows;
        }

        @Override
        public int delete(int limit) {
            int n = Math.min(rows, limit);
            rows -= n;
            batches.add(n);
            return n;
        }
    }

    @Test
    void deletesBatchAfterBatchUntilOneIsShort() {
        Backlog b = new Backlog(25);
        assertThat(BatchedPrune.run(10, b)).isEqualTo(25);
        assertThat(b.batches).containsExactly(10, 10, 5);
        assertThat(b.rows).isZero();
    }

    @Test
    void anExactMultipleTakesOneEmptyBatchToKnowItIsDone() {
        Backlog b = new Backlog(20);
        assertThat(BatchedPrune.run(10, b)).isEqualTo(20);
        assertThat(b.batches).containsExactly(10, 10, 0);
    }

    @Test
    void nothingToDeleteIsOneEmptyBatch() {
        Backlog b = new Backlog(0);
        assertThat(BatchedPrune.run(10, b)).isZero();
        assertThat(b.batches).containsExactly(0);
    }

    @Test
    void aBacklogBeyondTheCapIsLeftForTheNextPrune() {
        Backlog b = new Backlog(BatchedPrune.MAX_BATCHES * 2 + 1);
        assertThat(BatchedPrune.run(2, b)).isEqualTo(BatchedPrune.MAX_BATCHES * 2);
        assertThat(b.batches).hasSize(BatchedPrune.MAX_BATCHES);
        assertThat(b.rows).isEqualTo(1);
    }

    @Test
    void aBatchSizeBelowOneIsRefused() {
        assertThatThrownBy(() -> BatchedPrune.run(0, new Backlog(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
